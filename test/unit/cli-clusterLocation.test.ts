// Where CLI commands find a cluster: `serve` uses the default directory
// unless told, commands on an existing cluster (node, kubeconfig,
// port-forward) also find one last started with --data-dir elsewhere.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { clusterLocation, existingClusterLocation } from '../../main/cli/args.ts';
import { dataDirsNamed, rememberDataDir } from '../../main/cluster/dataDir.ts';

const home = mkdtempSync(join(tmpdir(), 'podlab-home-'));
const previous = process.env.PODLAB_HOME;
process.env.PODLAB_HOME = home;
after(() => {
  if (previous === undefined) delete process.env.PODLAB_HOME;
  else process.env.PODLAB_HOME = previous;
  rmSync(home, { recursive: true, force: true });
});

test('a cluster started with --data-dir is found by name afterwards', () => {
  rememberDataDir('elsewhere', '/srv/podlab/elsewhere', home);
  assert.equal(existingClusterLocation({ name: 'elsewhere' }).dataDir, '/srv/podlab/elsewhere');
  assert.equal(existingClusterLocation({ name: 'elsewhere', 'data-dir': '/x' }).dataDir, '/x');
  assert.equal(clusterLocation({ name: 'elsewhere' }).dataDir, join(home, 'clusters', 'elsewhere'));
  assert.equal(existingClusterLocation({ name: 'never-started' }).dataDir, join(home, 'clusters', 'never-started'));
});

test('every data directory of a name: the one in the home and the one started with --data-dir', () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'podlab-elsewhere-'));
  try {
    assert.deepEqual(dataDirsNamed('twice', home), []);
    rememberDataDir('twice', elsewhere, home);
    assert.deepEqual(dataDirsNamed('twice', home), [elsewhere]);
    mkdirSync(join(home, 'clusters', 'twice'), { recursive: true });
    assert.deepEqual(dataDirsNamed('twice', home), [join(home, 'clusters', 'twice'), elsewhere]);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
  assert.deepEqual(dataDirsNamed('twice', home), [join(home, 'clusters', 'twice')], 'a remembered directory removed since is not one');
});
