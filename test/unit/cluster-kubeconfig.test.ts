// The user's kubeconfig as `--update-kubeconfig` and `podlab cluster delete`
// leave it: PodLab's entries merged in beside the user's own, and taken out
// again without touching anything else.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { mergeIntoKubeconfig, removeFromKubeconfig } from '../../main/cluster/kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'podlab-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const theirs = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'work', cluster: { server: 'https://work.example:6443' } }],
  users: [{ name: 'me', user: { token: 'abc' } }],
  contexts: [{ name: 'work', context: { cluster: 'work', user: 'me' } }],
  'current-context': 'work',
};

test("merging adds PodLab's context and makes it current; removing restores the user's entries", () => {
  const path = join(dir, 'config');
  writeFileSync(path, JSON.stringify(theirs));
  mergeIntoKubeconfig(path, { clusterName: 'demo', server: 'https://127.0.0.1:6443', caCert: 'CA', token: 't' });
  const merged = parse(readFileSync(path, 'utf8'));
  assert.deepEqual(
    merged.contexts.map((c: { name: string }) => c.name),
    ['work', 'podlab-demo'],
  );
  assert.equal(merged['current-context'], 'podlab-demo');
  assert.equal(statSync(path).mode & 0o777, 0o600);

  removeFromKubeconfig(path, 'demo');
  const removed = parse(readFileSync(path, 'utf8'));
  assert.deepEqual(removed.clusters, theirs.clusters);
  assert.deepEqual(removed.users, theirs.users);
  assert.deepEqual(removed.contexts, theirs.contexts);
  // kubectl then asks for a context rather than silently using another cluster.
  assert.equal(removed['current-context'], '');
});

test('removing from a kubeconfig without PodLab entries, or from none, changes nothing', () => {
  const path = join(dir, 'untouched');
  const text = JSON.stringify(theirs);
  writeFileSync(path, text);
  removeFromKubeconfig(path, 'demo');
  assert.equal(readFileSync(path, 'utf8'), text);
  removeFromKubeconfig(join(dir, 'missing'), 'demo');
});
