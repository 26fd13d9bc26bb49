// Root filesystem of the pause image: one static binary built from
// test/setup/pause/pause.c, which behaves like Kubernetes' pause.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { PackageRequirement } from '../packages.ts';
import { runOrThrow } from '../shell.ts';

export const GCC: PackageRequirement = { label: 'gcc', package: 'gcc', path: '/usr/bin/gcc' };
// -static needs libc.a, which only the -dev package ships.
export const LIBC_DEV: PackageRequirement = { label: 'libc6-dev', package: 'libc6-dev', path: '/usr/include/stdio.h', dpkgOnly: true };

const PAUSE_SOURCE = fileURLToPath(new URL('../pause/pause.c', import.meta.url));

export function pauseRootfsBuilder(version: string): (rootfs: string) => Promise<void> {
  return async (rootfs) => {
    await runOrThrow(GCC.path, ['-static', '-O2', '-Wall', '-s', `-DPAUSE_VERSION="${version}"`, '-o', join(rootfs, 'pause'), PAUSE_SOURCE]);
  };
}
