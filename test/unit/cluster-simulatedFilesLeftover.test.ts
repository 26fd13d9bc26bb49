// Simulated nodes' kubelets once kept their files in a private directory on
// /dev/shm, noted in the data directory. A start removes what a killed
// process of that code left, and only a directory of that kind.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeSimulatedFilesLeftover } from '../../main/cluster/nodes/simulatedFilesLeftover.ts';
import { eventually } from '../helpers/eventually.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const dataDir = tempDir('simulated-files');
after(() => removeDir(dataDir));
const note = join(dataDir, 'simulated-kubelet-dir');

test('the directory a killed process left in memory is removed, with its note', { skip: process.platform !== 'linux' || !existsSync('/dev/shm') ? 'needs /dev/shm' : false }, async () => {
  const left = mkdtempSync('/dev/shm/podlab-kubelet-');
  mkdirSync(join(left, 'node-1', 'pods', 'uid', 'volumes'), { recursive: true });
  writeFileSync(note, left);
  removeSimulatedFilesLeftover(dataDir);
  assert.equal(existsSync(left), false);
  assert.equal(existsSync(note), false);
  // Moved aside at once, then removed by a background `rm -rf`.
  await eventually('the moved directory removed', async () => !existsSync(`${left}.removed`));
  // Nothing noted: nothing to do.
  removeSimulatedFilesLeftover(dataDir);
});

test('a note naming anything else (edited by hand, or planted) removes nothing but the note', () => {
  const elsewhere = tempDir('not-podlab');
  writeFileSync(join(elsewhere, 'keep'), 'x');
  writeFileSync(note, elsewhere);
  removeSimulatedFilesLeftover(dataDir);
  assert.ok(existsSync(join(elsewhere, 'keep')));
  assert.equal(existsSync(note), false);
  removeDir(elsewhere);
});
