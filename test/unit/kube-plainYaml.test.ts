// plainYaml: block YAML for plain data, read back as the same data by the
// yaml package and by kubectl (go-yaml), with strings that could read as
// something else quoted.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { plainYaml } from '../../main/kube/plainYaml.ts';
import { buildKubeconfig } from '../../main/cluster/kubeconfig.ts';

const tricky = {
  apiVersion: 'v1',
  strings: ['yes', 'No', 'on', 'null', '', '123', '1e3', '0x1F', '-token', ' lead', 'trail ', 'a: b', 'a:', '#c', 'x # y', 'line\nbreak', 'quote"s', "it's", 'tab\tx', 'üñí', '~', '*ref', '&anchor', '!tag', '@at', '%p', '2026-12-05'],
  numbers: [0, -1, 1.5],
  flags: [true, false, null],
  empty: { map: {}, list: [] },
  nested: [[1, [2]], [{ a: 1 }, {}], { 'odd key': 'v', 'true': 't', 'k:': 1 }],
  'current-context': 'https://127.0.0.1:6443/path?x=1',
};

test('plain data comes back as itself through the yaml package', () => {
  assert.deepEqual(parse(plainYaml(tricky)), tricky);
  assert.deepEqual(parse(plainYaml(tricky), { version: '1.1' }), tricky, 'YAML 1.1, as go-yaml reads it');
});

test('a cluster kubeconfig reads the same with kubectl, in block style a person can read', () => {
  const config = buildKubeconfig({ clusterName: 'demo', server: 'https://127.0.0.1:6443', caCert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', token: '-abc_DEF.123' });
  const text = plainYaml(config);
  assert.match(text, /^apiVersion: v1\nkind: Config\nclusters:\n- name: podlab-demo\n  cluster:\n    server: https:\/\/127.0.0.1:6443\n    certificate-authority-data: LS0t/);
  assert.deepEqual(parse(text), JSON.parse(JSON.stringify(config)));
  const dir = mkdtempSync(join(tmpdir(), 'podlab-plain-yaml-'));
  try {
    writeFileSync(join(dir, 'config'), text);
    const viewed = JSON.parse(execFileSync('kubectl', ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', join(dir, 'config')], { encoding: 'utf8' }));
    assert.equal(viewed['current-context'], config['current-context']);
    assert.equal(viewed.users[0].user.token, '-abc_DEF.123');
    assert.equal(viewed.clusters[0].cluster.server, 'https://127.0.0.1:6443');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
