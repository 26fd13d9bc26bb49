// Each cluster gets its own /16 for pods and Services, so several PodLab
// clusters can share one Docker engine: the first of 10.244.0.0/16,
// 10.245.0.0/16, ... that overlaps neither another PodLab cluster of this
// user nor a network the Docker engine already has.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { podlabHome, readJson } from './dataDir.ts';

export const firstClusterSubnet = '10.244.0.0/16';

export function subnetsInUse(except: string): Set<string> {
  const used = new Set<string>();
  const root = join(podlabHome(), 'clusters');
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return used;
  }
  for (const name of names) {
    if (name === except) continue;
    try {
      const subnet = readJson<{ subnet?: string }>(join(root, name, 'cluster.json'))?.subnet;
      if (subnet) used.add(subnet);
    } catch {
      // An unreadable settings file holds no subnet we could collide with.
    }
  }
  return used;
}

function cidrRange(cidr: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (!match) return undefined;
  const address = match.slice(1, 5).reduce((n, part) => n * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(match[5]));
  const base = address - (address % size);
  return [base, base + size - 1];
}

export function overlaps(a: string, b: string): boolean {
  const ra = cidrRange(a);
  const rb = cidrRange(b);
  return !!ra && !!rb && ra[0] <= rb[1] && rb[0] <= ra[1];
}

/** The IPv4 subnets of the engine's networks; none when the engine does not answer (the cluster then starts anyway). */
export async function engineSubnets(docker: Docker): Promise<string[]> {
  try {
    const networks = await docker.listNetworks();
    return networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')).filter((s) => s.includes('.'));
  } catch {
    return [];
  }
}

export function chooseSubnet(used: Iterable<string>): string {
  const taken = [...used];
  for (let second = 244; second < 255; second++) {
    const candidate = `10.${second}.0.0/16`;
    if (!taken.some((s) => overlaps(s, candidate))) return candidate;
  }
  throw new Error('no free cluster subnet left in 10.244.0.0-10.254.0.0: delete an unused PodLab cluster or Docker network');
}
