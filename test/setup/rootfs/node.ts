// Root filesystem standing in for the Node.js Alpine image the cluster add-on
// runs on: this machine's node binary with the shared libraries `ldd` lists
// (copied to the same paths, where the dynamic loader looks for them), on top
// of the busybox root filesystem (Alpine's userland is busybox too, and the
// add-on needs its `ip`).

import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PackageRequirement } from '../packages.ts';
import { runOrThrow } from '../shell.ts';
import { buildBusyboxRootfs } from './busybox.ts';

export const NODEJS: PackageRequirement = { label: 'node', package: 'nodejs', path: process.execPath };

/** Absolute paths of the libraries in `ldd` output (`libc.so.6 => /lib/.../libc.so.6 (0x...)`, `/lib64/ld-linux-x86-64.so.2 (0x...)`). */
export function lddLibraries(output: string): string[] {
  const paths = output.split('\n').map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line)?.[1]);
  return [...new Set(paths.filter((path): path is string => !!path))];
}

export async function buildNodeRootfs(rootfs: string): Promise<void> {
  await buildBusyboxRootfs(rootfs);
  const binary = join(rootfs, 'usr/local/bin/node');
  await mkdir(dirname(binary), { recursive: true });
  await copyFile(NODEJS.path, binary);
  await chmod(binary, 0o755);
  for (const library of lddLibraries(await runOrThrow('ldd', [NODEJS.path]))) {
    const target = join(rootfs, library);
    await mkdir(dirname(target), { recursive: true });
    // copyFile follows symlinks: the file lands under the name the loader asks for.
    await copyFile(library, target);
  }
}
