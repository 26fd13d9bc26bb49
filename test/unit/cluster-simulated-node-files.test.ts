// Simulated nodes' kubelet files live in memory on Linux (/dev/shm), in a
// private directory that a stop removes and the next start removes when a
// killed process left it; nowhere else is touched.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { simulatedNodeFiles } from '../../main/cluster/nodes/simulatedNodeFiles.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const dataDir = tempDir('simulated-files');
after(() => removeDir(dataDir));

test('a private directory in memory, noted in the data directory, removed by a stop', { skip: process.platform !== 'linux' || !existsSync('/dev/shm') ? 'needs /dev/shm' : false }, () => {
  const files = simulatedNodeFiles(dataDir);
  assert.match(files.root, /^\/dev\/shm\/podlab-kubelet-/);
  assert.equal(statSync(files.root).mode & 0o777, 0o700);
  assert.equal(readFileSync(join(dataDir, 'simulated-kubelet-dir'), 'utf8'), files.root);
  files.remove();
  assert.equal(existsSync(files.root), false);
  assert.equal(existsSync(join(dataDir, 'simulated-kubelet-dir')), false);
});

test('the next start removes what a killed process left, and only a directory of its own kind', { skip: process.platform !== 'linux' || !existsSync('/dev/shm') ? 'needs /dev/shm' : false }, async () => {
  const killed = simulatedNodeFiles(dataDir);
  mkdirSync(join(killed.root, 'node-1', 'pods'), { recursive: true });
  const next = simulatedNodeFiles(dataDir);
  assert.equal(existsSync(killed.root), false);
  // Moved aside at once, then removed by a background `rm -rf`.
  for (let i = 0; i < 500 && existsSync(`${killed.root}.removed`); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(existsSync(`${killed.root}.removed`), false);
  assert.notEqual(next.root, killed.root);
  next.remove();

  // A note naming anything else (edited by hand, or planted) removes nothing.
  const elsewhere = tempDir('not-podlab');
  writeFileSync(join(elsewhere, 'keep'), 'x');
  writeFileSync(join(dataDir, 'simulated-kubelet-dir'), elsewhere);
  simulatedNodeFiles(dataDir).remove();
  assert.ok(existsSync(join(elsewhere, 'keep')));
  removeDir(elsewhere);
});
