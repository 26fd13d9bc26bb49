// Kubernetes' AtomicWriter for ConfigMap, Secret and downward API volumes:
// the files live in a timestamped directory, `..data` points at it, and each
// top-level name is a symlink through `..data`. A new payload is written
// beside the old one and `..data` swapped with one rename, so a container
// reading the volume sees either the old files or the new ones, never a mix.

import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

const DATA_LINK = '..data';

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

export class AtomicWriter {
  /** What each directory holds, so an unchanged payload is not rewritten on every sync. */
  private readonly written = new Map<string, string>();

  /** Makes `dir` hold exactly `payload` (paths relative to it). Returns whether anything changed. */
  write(dir: string, payload: Map<string, FileProjection>): boolean {
    const hash = payloadHash(payload);
    if (this.written.get(dir) === hash && existsSync(join(dir, DATA_LINK))) return false;
    writePayload(dir, payload);
    this.written.set(dir, hash);
    return true;
  }

  forget(dirPrefix: string): void {
    for (const dir of this.written.keys()) if (dir.startsWith(dirPrefix)) this.written.delete(dir);
  }
}

function writePayload(dir: string, payload: Map<string, FileProjection>): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });

  const previous = existsSync(join(dir, DATA_LINK)) ? readlinkSync(join(dir, DATA_LINK)) : undefined;
  const target = timestampDir();
  for (const [path, file] of payload) {
    const full = join(dir, target, path);
    mkdirSync(dirname(full), { recursive: true, mode: 0o755 });
    writeFileSync(full, file.data);
    chmodSync(full, file.mode);
  }
  mkdirSync(join(dir, target), { recursive: true, mode: 0o755 });
  const temporary = join(dir, `${DATA_LINK}_tmp`);
  rmSync(temporary, { force: true });
  symlinkSync(target, temporary);
  renameSync(temporary, join(dir, DATA_LINK));

  const topLevel = new Set([...payload.keys()].map((path) => path.split('/')[0]!));
  for (const name of topLevel) {
    const link = join(dir, name);
    if (!isSymlink(link)) symlinkSync(join(DATA_LINK, name), link);
  }
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('..') || topLevel.has(entry)) continue;
    if (isSymlink(join(dir, entry))) unlinkSync(join(dir, entry));
  }
  if (previous && previous !== target) rmSync(join(dir, previous), { recursive: true, force: true });
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
