// Earlier versions of PodLab had simulated nodes' kubelets write their pods'
// volume and termination-message files to a private directory on /dev/shm,
// noted in the data directory, which a stop removed. Simulated containers
// cannot open files, so nothing read them, and they cost a twentieth of the
// time simulated pods took to start: the kubelets no longer write them
// (kubelet/volumeManager.ts). An earlier process killed before its stop left
// that directory in memory until the machine restarts; the next start
// removes it.

import type * as ChildProcess from 'node:child_process';
import { existsSync, lstatSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lazyModule } from '../../lazyModule.ts';

// Loaded only when there is something to remove: a start does not need it (bin/podlab.cjs keeps it out of the start).
const childProcess = lazyModule<typeof ChildProcess>('node:child_process');

const MEMORY_DIR = '/dev/shm';
const PREFIX = 'podlab-kubelet-';
const NOTE = 'simulated-kubelet-dir';

/** Moves `dir` out of the way at once and removes it in the background: 10,000 pods' files took seconds to remove. */
function removeInBackground(dir: string): void {
  const doomed = `${dir}.removed`;
  try {
    renameSync(dir, doomed);
  } catch {
    return rmSync(dir, { recursive: true, force: true });
  }
  const rm = childProcess().spawn('rm', ['-rf', '--', doomed], { detached: true, stdio: 'ignore' });
  rm.on('error', () => rmSync(doomed, { recursive: true, force: true }));
  rm.unref();
}

/** Removes the directory the note in `dataDir` names, when it is still one of ours, and the note. */
export function removeSimulatedFilesLeftover(dataDir: string): void {
  const note = join(dataDir, NOTE);
  if (!existsSync(note)) return;
  const path = readFileSync(note, 'utf8').trim();
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (path.startsWith(`${MEMORY_DIR}/${PREFIX}`) && stat?.isDirectory() && stat.uid === process.getuid?.()) removeInBackground(path);
  rmSync(note, { force: true });
}
