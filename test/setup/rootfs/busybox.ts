// Root filesystem of `busybox:latest`, made from Debian's busybox-static: the
// binary, the applet symlinks `busybox --install -s` would make, and the few
// files images based on busybox are expected to have.

import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PackageRequirement } from '../packages.ts';
import { runOrThrow } from '../shell.ts';

export const BUSYBOX_STATIC: PackageRequirement = { label: 'busybox-static', package: 'busybox-static', path: '/bin/busybox', dpkgOnly: true };

export async function buildBusyboxRootfs(rootfs: string): Promise<void> {
  for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'var/www', 'home']) {
    await mkdir(join(rootfs, dir), { recursive: true });
  }
  await mkdir(join(rootfs, 'tmp'));
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await copyFile(BUSYBOX_STATIC.path, join(rootfs, 'bin/busybox'));
  await chmod(join(rootfs, 'bin/busybox'), 0o755);

  // --list-full prints every applet with the directory --install puts it in (bin/sh, usr/bin/wget, ...).
  const applets = (await runOrThrow(BUSYBOX_STATIC.path, ['--list-full'])).split('\n').filter((path) => path && path !== 'bin/busybox');
  for (const applet of applets) {
    await mkdir(dirname(join(rootfs, applet)), { recursive: true });
    await symlink('/bin/busybox', join(rootfs, applet));
  }

  await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nnobody:x:65534:\n');
}
