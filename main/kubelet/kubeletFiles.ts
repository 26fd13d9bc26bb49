// The file system calls behind the kubelet's own files: projected volumes
// (atomicWriter.ts) and termination-message files. On disk, where Docker
// nodes keep them to bind-mount into containers, they are asynchronous and
// run on libuv's threads, so the kubelets' event loop never waits on a disk.
// Simulated nodes keep theirs in memory (tmpfs, simulatedNodeFiles.ts), where
// a call takes ~10 µs and the promise and thread hand-off around it cost
// three times that: there they run synchronously (2,000 pods' token volumes:
// 190 ms of CPU against 670-1,000 ms).

import { accessSync, chmodSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync, type Dirent } from 'node:fs';
import { access, chmod, mkdir, readdir, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';

export interface KubeletFiles {
  access(path: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** As fs.mkdir with recursive: the first directory it made, or undefined when there was nothing to make. */
  mkdirs(path: string, mode: number): Promise<string | undefined>;
  readdir(path: string): Promise<Dirent[]>;
  readlink(path: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { recursive?: boolean; force?: boolean }): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  writeFile(path: string, data: Buffer | string, mode?: number): Promise<void>;
}

export const diskFiles: KubeletFiles = {
  access: (path) => access(path),
  chmod: (path, mode) => chmod(path, mode),
  mkdirs: (path, mode) => mkdir(path, { recursive: true, mode }),
  readdir: (path) => readdir(path, { withFileTypes: true }),
  readlink: (path) => readlink(path),
  rename: (from, to) => rename(from, to),
  rm: (path, options) => rm(path, options),
  symlink: (target, path) => symlink(target, path),
  unlink: (path) => unlink(path),
  writeFile: (path, data, mode) => writeFile(path, data, mode === undefined ? {} : { mode }),
};

// Async functions around the synchronous calls: a failure is still a rejected promise, as on disk.
export const memoryFiles: KubeletFiles = {
  access: async (path) => accessSync(path),
  chmod: async (path, mode) => chmodSync(path, mode),
  mkdirs: async (path, mode) => mkdirSync(path, { recursive: true, mode }),
  readdir: async (path) => readdirSync(path, { withFileTypes: true }),
  readlink: async (path) => readlinkSync(path),
  rename: async (from, to) => renameSync(from, to),
  rm: async (path, options) => rmSync(path, options),
  symlink: async (target, path) => symlinkSync(target, path),
  unlink: async (path) => unlinkSync(path),
  writeFile: async (path, data, mode) => writeFileSync(path, data, mode === undefined ? {} : { mode }),
};
