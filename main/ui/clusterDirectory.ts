// The clusters this user has (one directory each under $PODLAB_HOME/clusters)
// and whether a PodLab process runs each: what the cluster switcher lists.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSummary } from '../../preload/api.ts';
import { clusterPaths, podlabHome } from '../cluster/dataDir.ts';

function lockHolderAlive(lockFile: string): boolean {
  if (!existsSync(lockFile)) return false;
  const pid = Number(readFileSync(lockFile, 'utf8').trim());
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function listClusters(current: string, home = podlabHome()): ClusterSummary[] {
  const dir = join(home, 'clusters');
  const names = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
  if (!names.includes(current)) names.push(current);
  return names.sort().map((name) => ({ name, current: name === current, running: name === current || lockHolderAlive(clusterPaths(join(dir, name)).lock) }));
}
