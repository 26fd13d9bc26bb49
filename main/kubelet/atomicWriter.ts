// Kubernetes' AtomicWriter for ConfigMap, Secret and downward API volumes:
// the files live in a timestamped directory, `..data` points at it, and each
// top-level name is a symlink through `..data`. A new payload is written
// beside the old one and `..data` swapped with one rename, so a container
// reading the volume sees either the old files or the new ones, never a mix.
// The file system calls are asynchronous: with thousands of pods starting,
// they run on libuv's threads rather than holding the kubelets' event loop.

import { createHash } from 'node:crypto';
// fs.promises is loaded when first used: importing node:fs/promises would load it (and readline) as PodLab starts.
import { promises as fsPromises } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

const DATA_LINK = '..data';
const DATA_LINK_TMP = `${DATA_LINK}_tmp`;

function payloadHash(payload: Map<string, FileProjection>): string {
  const hash = createHash('sha256');
  for (const path of [...payload.keys()].sort()) {
    const file = payload.get(path)!;
    hash.update(`${path}\0${file.mode}\0`).update(file.data).update('\0');
  }
  return hash.digest('hex');
}

function timestampDir(): string {
  const now = new Date();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const stamp = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${stamp}.${process.hrtime.bigint() % 1_000_000_000n}`;
}

/**
 * The write under way in each directory, across every writer of this
 * process: a pod's worker writes its volumes one at a time, but a stopped
 * kubelet's step may still be writing when the node's next kubelet syncs the
 * same pod, and two interleaved swaps would fight over `..data_tmp`.
 */
const writing = new Map<string, Promise<unknown>>();

async function exclusively<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const before = writing.get(dir);
  const mine = (async () => {
    await before?.catch(() => undefined);
    return work();
  })();
  writing.set(dir, mine);
  try {
    return await mine;
  } finally {
    if (writing.get(dir) === mine) writing.delete(dir);
  }
}

export class AtomicWriter {
  /** What each directory holds, so an unchanged payload is not rewritten on every sync. */
  private readonly written = new Map<string, string>();

  /** Makes `dir` hold exactly `payload` (paths relative to it). Resolves to whether anything changed. */
  async write(dir: string, payload: Map<string, FileProjection>): Promise<boolean> {
    const hash = payloadHash(payload);
    return exclusively(dir, async () => {
      if (this.written.get(dir) === hash && (await exists(join(dir, DATA_LINK)))) return false;
      await writePayload(dir, payload);
      this.written.set(dir, hash);
      return true;
    });
  }

  forget(dirPrefix: string): void {
    for (const dir of this.written.keys()) if (dir.startsWith(dirPrefix)) this.written.delete(dir);
  }
}

/** The process's umask, read once (it does not change): a file created with a mode the umask leaves whole needs no chmod. */
let umask: number | undefined;

function createdModeIs(mode: number): boolean {
  umask ??= process.umask();
  return (mode & ~umask) === mode;
}

async function writePayload(dir: string, payload: Map<string, FileProjection>): Promise<void> {
  const target = timestampDir();
  // On a first write this makes `dir` too; mkdir answers the first directory it made, so a new `dir` is known
  // to hold nothing else, and the steps that replace and clean up (a kubelet's every first write) are skipped.
  const made = await fsPromises.mkdir(join(dir, target), { recursive: true, mode: 0o755 });
  const fresh = made !== undefined && made !== join(dir, target);
  // The payload this write replaces: a new directory has none to look for.
  const previous = fresh ? undefined : await fsPromises.readlink(join(dir, DATA_LINK)).catch(() => undefined);
  const nested = new Set([...payload.keys()].map((path) => dirname(path)).filter((sub) => sub !== '.'));
  for (const sub of nested) await fsPromises.mkdir(join(dir, target, sub), { recursive: true, mode: 0o755 });
  await Promise.all(
    [...payload].map(async ([path, file]) => {
      const full = join(dir, target, path);
      await fsPromises.writeFile(full, file.data, { mode: file.mode });
      // The mode passes through the umask; the projected mode must not.
      if (!createdModeIs(file.mode)) await fsPromises.chmod(full, file.mode);
    }),
  );

  const topLevel = new Set([...payload.keys()].map((path) => path.split('/')[0]!));
  if (fresh) {
    await fsPromises.symlink(target, join(dir, DATA_LINK));
    await Promise.all([...topLevel].map((name) => fsPromises.symlink(join(DATA_LINK, name), join(dir, name))));
    return;
  }

  const temporary = join(dir, DATA_LINK_TMP);
  try {
    await fsPromises.symlink(target, temporary);
  } catch (error) {
    // Left by a write that was interrupted.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await fsPromises.rm(temporary, { force: true });
    await fsPromises.symlink(target, temporary);
  }
  await fsPromises.rename(temporary, join(dir, DATA_LINK));

  const linked = new Set<string>();
  for (const entry of await fsPromises.readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('..') || !entry.isSymbolicLink()) continue;
    if (topLevel.has(entry.name)) linked.add(entry.name);
    else await fsPromises.unlink(join(dir, entry.name));
  }
  for (const name of topLevel) if (!linked.has(name)) await fsPromises.symlink(join(DATA_LINK, name), join(dir, name));
  if (previous && previous !== target) await fsPromises.rm(join(dir, previous), { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await fsPromises.access(path);
    return true;
  } catch {
    return false;
  }
}
