// What a test of a whole cluster on the real Docker engine needs: a subnet no
// network on the engine uses yet, chosen at random so test files starting
// clusters side by side do not race for the same one (PodLab itself takes
// the first free one), and removing everything the cluster left on the
// engine, even after a failure.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { removeClusterObjects as removeFromEngine } from '../../main/cluster/deleteCluster.ts';

const docker = new Docker();

/** A /16 in 10.100-199 that overlaps no network the engine has. */
export async function freeSubnet(): Promise<string> {
  const used = new Set<number>();
  for (const network of await docker.listNetworks()) {
    for (const config of network.IPAM?.Config ?? []) {
      const [a, b] = (config.Subnet ?? '').split('.');
      if (a === '10') used.add(Number(b));
    }
  }
  const free = Array.from({ length: 100 }, (_, i) => 100 + i).filter((b) => !used.has(b));
  if (free.length === 0) throw new Error('no free 10.100-199.0.0/16 on this Docker engine for a test cluster');
  return `10.${free[Math.floor(Math.random() * free.length)]}.0.0/16`;
}

/** Makes the cluster in `dataDir` start on a free subnet (cluster.json is where it remembers its subnet). */
export async function reserveSubnet(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
}

/** Containers, volumes and the network `podlab-<cluster>`: everything labeled with the cluster. */
export function removeClusterObjects(cluster: string): Promise<void> {
  return removeFromEngine(docker, cluster);
}
