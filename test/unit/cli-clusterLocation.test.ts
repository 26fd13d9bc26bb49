// Where CLI commands find a cluster: `serve` uses the default directory
// unless told, commands on an existing cluster (node, kubeconfig,
// port-forward) also find one last started with --data-dir elsewhere.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { clusterLocation, existingClusterLocation } from '../../main/cli/args.ts';
import { rememberDataDir } from '../../main/cluster/dataDir.ts';

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
