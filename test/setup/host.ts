// What the setup may do on this machine: it installs and starts things only as
// root on Debian or Ubuntu (apt-get); anywhere else it says what is missing
// and which command would fix it.

import { readFileSync } from 'node:fs';

export class SetupError extends Error {
  /**
   * @param missing what is missing, one item per entry
   * @param fix the command (or step) that would provide it
   */
  constructor(readonly missing: string[], readonly fix: string, readonly detail?: string) {
    super(`missing: ${missing.join(', ')}`);
    this.name = 'SetupError';
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function isDebianLike(): boolean {
  let osRelease: string;
  try {
    osRelease = readFileSync('/etc/os-release', 'utf8');
  } catch {
    return false;
  }
  const field = (name: string) => osRelease.match(new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm'))?.[1] ?? '';
  const ids = `${field('ID')} ${field('ID_LIKE')}`.split(/\s+/);
  return ids.includes('debian') || ids.includes('ubuntu');
}

/** Why this machine cannot install packages itself, or undefined when it can. */
export function cannotInstallReason(): string | undefined {
  if (process.platform !== 'linux' || !isDebianLike()) return 'this is not Debian or Ubuntu';
  if (!isRoot()) return 'not running as root';
  return undefined;
}

/** The prefix a fix command needs when the user is not root. */
export function sudo(): string {
  return isRoot() ? '' : 'sudo ';
}
