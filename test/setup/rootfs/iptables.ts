// Root filesystem standing in for the image PodLab runs iptables-restore from
// (see main/network/policy/policyImage.ts): this machine's nftables-based
// iptables (one multi-call binary), its extension modules and the shared
// libraries `ldd` lists, at the paths the loader and xtables look in.

import { copyFile, cp, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PackageRequirement } from '../packages.ts';
import { runOrThrow } from '../shell.ts';
import { lddLibraries } from './node.ts';

export const IPTABLES: PackageRequirement = { label: 'iptables', package: 'iptables', path: '/usr/sbin/xtables-nft-multi' };
const XTABLES_MODULES = '/usr/lib/x86_64-linux-gnu/xtables';

async function copyWithLibraries(rootfs: string, binary: string): Promise<void> {
  for (const library of lddLibraries(await runOrThrow('ldd', [binary]))) {
    const target = join(rootfs, library);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(library, target);
  }
}

export async function buildIptablesRootfs(rootfs: string): Promise<void> {
  const binary = join(rootfs, 'usr/sbin/xtables-nft-multi');
  await mkdir(dirname(binary), { recursive: true });
  await copyFile(IPTABLES.path, binary);
  // The multi-call binary acts on the name it is called by.
  for (const name of ['iptables', 'iptables-restore', 'iptables-save']) await symlink('xtables-nft-multi', join(rootfs, 'usr/sbin', name));
  await copyWithLibraries(rootfs, IPTABLES.path);
  await cp(XTABLES_MODULES, join(rootfs, XTABLES_MODULES), { recursive: true });
  // The modules need only libraries the binary has (libxtables, libc); checked on one to be sure.
  await copyWithLibraries(rootfs, join(XTABLES_MODULES, 'libxt_conntrack.so'));
  await mkdir(join(rootfs, 'run'), { recursive: true });
  await mkdir(join(rootfs, 'tmp'), { recursive: true });
}
