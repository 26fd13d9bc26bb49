// Where the kubelets of simulated nodes keep their files: their pods'
// volumes (service account tokens, ConfigMaps, Secrets) and termination-
// message files. Nothing mounts them, since simulated containers live in this
// process's memory and go with it, so on Linux they go to memory too: a
// private directory on /dev/shm, as the kubelet keeps secret and projected
// volumes on tmpfs. Elsewhere, or when /dev/shm is small (a container's), they
// stay under the data directory.
//
// Why it matters: on this project's test machines a file operation on disk
// took ~150 µs of kernel time against ~10 µs on tmpfs, and a simulated pod
// makes about twenty (its token volume and its message files), which was a
// fifth of the time 2,000 simulated pods took to run.
//
// The directory is made with mkdtemp (a name nobody can guess and take first
// on the shared /dev/shm) and 0700; its path is noted in the data directory,
// so the next start removes what a killed process left. Removing is a rename
// and then `rm -rf` in the background: 10,000 pods' files took seconds to
// remove in this process, which a stop (or the next start) would wait for.

import type * as ChildProcess from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lazyModule } from '../../lazyModule.ts';

// Loaded when a stop first removes the files: a start does not need it (bin/podlab.cjs keeps it out of the start).
const childProcess = lazyModule<typeof ChildProcess>('node:child_process');

const MEMORY_DIR = '/dev/shm';
/**
 * Free space /dev/shm must have: a simulated pod's files take ~12 KiB there (a page per file; 1,000 pods measured 12 MiB),
 * 10,000 pods ~120 MiB, and a container's /dev/shm is 64 MiB unless configured otherwise.
 */
const MIN_FREE_BYTES = 1024 ** 3;
const PREFIX = 'podlab-kubelet-';
const NOTE = 'simulated-kubelet-dir';

export interface SimulatedNodeFiles {
  /** The directory the kubelets' root directories go under. */
  root: string;
  /** It is on tmpfs: the kubelets write there with synchronous calls (kubelet/kubeletFiles.ts). */
  inMemory: boolean;
  /** Removes it (a no-op under the data directory, which keeps its files as before). */
  remove(): void;
}

/** Moves `dir` out of the way at once and removes it in the background. */
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

/** Removes the directory an earlier process noted, when it is still one of ours. */
function removeLeftover(dataDir: string): void {
  const note = join(dataDir, NOTE);
  if (!existsSync(note)) return;
  const path = readFileSync(note, 'utf8').trim();
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (path.startsWith(`${MEMORY_DIR}/${PREFIX}`) && stat?.isDirectory() && stat.uid === process.getuid?.()) removeInBackground(path);
  rmSync(note, { force: true });
}

export function simulatedNodeFiles(dataDir: string): SimulatedNodeFiles {
  const onDisk = { root: join(dataDir, 'kubelet'), inMemory: false, remove: () => undefined };
  if (process.platform !== 'linux' || !lstatSync(MEMORY_DIR, { throwIfNoEntry: false })?.isDirectory()) return onDisk;
  try {
    const { bavail, bsize } = statfsSync(MEMORY_DIR);
    if (bavail * bsize < MIN_FREE_BYTES) return onDisk;
    removeLeftover(dataDir);
    // mkdtemp makes the directory 0700.
    const root = mkdtempSync(join(MEMORY_DIR, PREFIX));
    writeFileSync(join(dataDir, NOTE), root, { mode: 0o600 });
    return {
      root,
      inMemory: true,
      remove: () => {
        removeInBackground(root);
        rmSync(join(dataDir, NOTE), { force: true });
      },
    };
  } catch {
    return onDisk;
  }
}
