// Each cluster gets its own /16 for pods and Services, so several PodLab
// clusters can share one Docker engine: the first free of 10.244.0.0/16,
// 10.245.0.0/16, ... among the clusters this user has created.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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

export function chooseSubnet(used: Set<string>): string {
  for (let second = 244; second < 255; second++) {
    const candidate = `10.${second}.0.0/16`;
    if (!used.has(candidate)) return candidate;
  }
  throw new Error('no free cluster subnet left in 10.244.0.0-10.254.0.0: delete an unused PodLab cluster');
}
