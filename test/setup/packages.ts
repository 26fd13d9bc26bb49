// Debian packages the tests need on the machine, installed together in one
// apt-get call. `apt-get update` runs only when apt does not know a package
// yet (fresh CI images ship with empty package lists).

import { existsSync } from 'node:fs';
import { SetupError, sudo } from './host.ts';
import { run, runOrThrow } from './shell.ts';

export interface PackageRequirement {
  /** What the tests call it, printed in the step line. */
  label: string;
  /** Debian package that provides it. */
  package: string;
  /** A file the package installs; present when it exists (and, for `dpkgOnly`, when dpkg knows the package). */
  path: string;
  /**
   * The file alone does not prove it is the right build (Debian's dynamic
   * `busybox` also installs /bin/busybox), so ask dpkg as well.
   */
  dpkgOnly?: boolean;
}

/** Tools the test suites run directly. Images add their own build requirements. */
export const TEST_TOOLS: PackageRequirement[] = [
  { label: 'chromium', package: 'chromium', path: '/usr/bin/chromium' },
  { label: 'etcd', package: 'etcd-server', path: '/usr/bin/etcd' },
];

export const DOCKER_PACKAGE: PackageRequirement = { label: 'dockerd', package: 'docker.io', path: '/usr/sbin/dockerd' };

export async function isPresent(requirement: PackageRequirement): Promise<boolean> {
  if (!existsSync(requirement.path)) return false;
  if (!requirement.dpkgOnly) return true;
  const status = await run('dpkg-query', ['-W', '-f=${Status}', requirement.package]);
  return status.code === 0 && status.stdout.includes('install ok installed');
}

export function installCommand(packages: string[]): string {
  return `${sudo()}apt-get update && ${sudo()}apt-get install -y ${packages.join(' ')}`;
}

/** The requirements not present here, one per package; prints a line for each present one. */
export async function findMissing(requirements: PackageRequirement[], print: (line: string) => void): Promise<PackageRequirement[]> {
  const unique = [...new Map(requirements.map((r) => [r.package, r])).values()];
  const missing: PackageRequirement[] = [];
  for (const requirement of unique) {
    if (await isPresent(requirement)) print(`${requirement.label}: present (${requirement.package})`);
    else missing.push(requirement);
  }
  return missing;
}

/** Installs them in one apt-get call (root on Debian/Ubuntu only: the caller checks). */
export async function installPackages(missing: PackageRequirement[], print: (line: string) => void): Promise<void> {
  if (missing.length === 0) return;
  const packages = missing.map((r) => r.package);
  print(`apt-get: installing ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!(await aptKnowsAll(packages))) {
    const update = await run('apt-get', ['update'], { env });
    if (update.code !== 0) {
      throw new SetupError(packages, installCommand(packages), `apt-get update failed: is Debian's mirror reachable?\n${lastLines(update.stderr || update.stdout)}`);
    }
  }
  try {
    await runOrThrow('apt-get', ['install', '-y', ...packages], { env });
  } catch (error) {
    throw new SetupError(packages, installCommand(packages), (error as Error).message);
  }
  for (const requirement of missing) {
    if (!(await isPresent(requirement))) {
      throw new SetupError([requirement.label], installCommand([requirement.package]), `${requirement.path} is still missing after installing ${requirement.package}`);
    }
    print(`${requirement.label}: installed (${requirement.package})`);
  }
}

async function aptKnowsAll(packages: string[]): Promise<boolean> {
  const policy = await run('apt-cache', ['policy', ...packages]);
  if (policy.code !== 0) return false;
  const candidates = [...policy.stdout.matchAll(/Candidate: (\S+)/g)].map((m) => m[1]);
  return candidates.length === packages.length && candidates.every((c) => c !== '(none)');
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-10).join('\n');
}
