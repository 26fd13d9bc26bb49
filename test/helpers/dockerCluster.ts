// What a test of a whole cluster on the real Docker engine needs: a subnet no
// network on the engine uses yet, chosen at random so test files starting
// clusters side by side do not race for the same one (PodLab itself takes
// the first free one), and removing everything the cluster left on the
// engine, even after a failure.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { removeClusterObjects as removeFromEngine } from '../../main/cluster/deleteCluster.ts';
import { overlaps } from '../../main/cluster/subnet.ts';

const docker = new Docker();

/**
 * A /16 in 10.100-199 that overlaps no network the engine has. (Tests' single
 * networks take /24s in 10.200-249, so the two never race for one range.)
 */
export async function freeSubnet(engine: Docker = docker): Promise<string> {
  const used = (await engine.listNetworks()).flatMap((network) => (network.IPAM?.Config ?? []).map((config) => config.Subnet ?? ''));
  const free = Array.from({ length: 100 }, (_, i) => `10.${100 + i}.0.0/16`).filter((candidate) => !used.some((subnet) => overlaps(subnet, candidate)));
  if (free.length === 0) throw new Error('no free 10.100-199.0.0/16 on this Docker engine for a test cluster');
  return free[Math.floor(Math.random() * free.length)]!;
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
