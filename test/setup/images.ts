// The images the tests and PodLab's defaults need, under the exact names
// PodLab pulls by default. No registry is reachable on the machines PodLab is
// developed on, so each is built from a local root filesystem and imported
// (the engine API call behind `docker import`). Later steps add rows here:
// the sample workloads' images.

import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADDON_IMAGE } from '../../main/network/addonImage.ts';
import { DEFAULT_PAUSE_IMAGE } from '../../main/runtime/docker/defaults.ts';
import type { PackageRequirement } from './packages.ts';
import { BUSYBOX_STATIC, buildBusyboxRootfs } from './rootfs/busybox.ts';
import { NODEJS, buildNodeRootfs } from './rootfs/node.ts';
import { IPTABLES, buildIptablesRootfs } from './rootfs/iptables.ts';
import { POLICY_IMAGE } from '../../main/network/policy/policyImage.ts';
import { GCC, LIBC_DEV, pauseRootfsBuilder } from './rootfs/pause.ts';

export interface ImageDefinition {
  /** Every name the image must answer to; extra names are tags of the same image. */
  names: string[];
  /** Packages the build needs on this machine. */
  requires: PackageRequirement[];
  /** Fills `rootfs`, an empty directory. */
  buildRootfs(rootfs: string): Promise<void>;
  /** Dockerfile instructions applied at import (`docker import --change`). */
  changes: string[];
}

const STANDARD_PATH = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const IMAGES: ImageDefinition[] = [
  {
    // 1.36 is a second name for "set image" tests: same content, another tag.
    names: ['busybox:latest', 'busybox:1.36'],
    requires: [BUSYBOX_STATIC],
    buildRootfs: buildBusyboxRootfs,
    changes: [STANDARD_PATH, 'CMD ["sh"]'],
  },
  {
    names: [DEFAULT_PAUSE_IMAGE],
    requires: [GCC, LIBC_DEV],
    buildRootfs: pauseRootfsBuilder(DEFAULT_PAUSE_IMAGE.split(':').pop() ?? 'unknown'),
    // The upstream image runs pause as 65535 too: it needs no privilege.
    changes: ['ENTRYPOINT ["/pause"]', 'USER 65535:65535'],
  },
  {
    // The cluster add-on's runtime: the upstream image is node on Alpine (busybox userland).
    names: [ADDON_IMAGE],
    requires: [BUSYBOX_STATIC, NODEJS],
    buildRootfs: buildNodeRootfs,
    changes: [STANDARD_PATH, 'CMD ["node"]'],
  },
  {
    // NetworkPolicy enforcement runs iptables-restore from it (as the kube-proxy image carries iptables).
    names: [POLICY_IMAGE],
    requires: [IPTABLES],
    buildRootfs: buildIptablesRootfs,
    changes: [STANDARD_PATH, 'ENTRYPOINT ["/usr/sbin/iptables-restore"]'],
  },
];

export async function missingNames(docker: Docker, definition: ImageDefinition): Promise<string[]> {
  const missing: string[] = [];
  for (const name of definition.names) {
    if (!(await imageExists(docker, name))) missing.push(name);
  }
  return missing;
}

/** Builds or tags what is missing; prints one line per name. */
export async function ensureImage(docker: Docker, definition: ImageDefinition, print: (line: string) => void): Promise<void> {
  const missing = await missingNames(docker, definition);
  const present = definition.names.filter((name) => !missing.includes(name));
  for (const name of present) print(`image ${name}: present`);
  if (missing.length === 0) return;

  let source = present[0];
  if (source === undefined) {
    source = missing.shift()!;
    await buildAndImport(docker, definition, source);
    const size = (await docker.getImage(source).inspect()).Size;
    print(`image ${source}: built (${(size / 1024).toFixed(0)} KiB)`);
  }
  for (const name of missing) {
    const { repo, tag } = splitName(name);
    await docker.getImage(source).tag({ repo, tag });
    print(`image ${name}: tagged from ${source}`);
  }
}

async function buildAndImport(docker: Docker, definition: ImageDefinition, name: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'podlab-image-'));
  try {
    await definition.buildRootfs(work);
    // Owned by root whoever builds it, as files in published images are.
    const tar = spawn('tar', ['-C', work, '--numeric-owner', '--owner=0', '--group=0', '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tarError = '';
    tar.stderr.on('data', (chunk: Buffer) => (tarError += chunk.toString()));
    const tarDone = new Promise<void>((resolve, reject) => {
      tar.on('error', reject);
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar failed (exit ${code}): ${tarError.trim()}`))));
    });
    const { repo, tag } = splitName(name);
    const response = await docker.importImage(tar.stdout as unknown as string, { repo, tag, changes: definition.changes } as object);
    const messages = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
      docker.modem.followProgress(response, (error: Error | null, output: Array<{ error?: string }>) => (error ? reject(error) : resolve(output))),
    );
    await tarDone;
    const failure = messages.find((m) => m.error);
    if (failure) throw new Error(`importing ${name} failed: ${failure.error}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** `registry.k8s.io/pause:3.10` → repo `registry.k8s.io/pause`, tag `3.10` (a colon before the last slash is a port). */
function splitName(name: string): { repo: string; tag: string } {
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return { repo: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repo: name, tag: 'latest' };
}
