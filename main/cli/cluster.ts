// `podlab cluster list` and `podlab cluster delete NAME`: the clusters under
// $PODLAB_HOME, and removing one with everything it left on the engine
// (`kind get clusters`, `kind delete cluster`).

import { ClusterBusyError, deleteCluster } from '../cluster/deleteCluster.ts';
import { clusterPaths, dataDirsNamed, findDataDir, lockHolder, podlabHome, readJson, rememberedDataDirs } from '../cluster/dataDir.ts';
import { listClusters } from '../ui/clusterDirectory.ts';
import { CliError, clusterFlags, clusterLocation, parseFlags } from './args.ts';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const clusterUsage = `Usage: podlab cluster list
       podlab cluster delete NAME [--data-dir DIR]`;

export async function runCluster(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'data-dir': clusterFlags['data-dir'] });
  const [action, name, ...extra] = positionals;
  if (action === 'list' && !name) {
    const clusters = listClusters(undefined);
    // Clusters started with --data-dir elsewhere, also when one in the home has the same name.
    for (const [elsewhere, dataDir] of Object.entries(rememberedDataDirs())) {
      if (clusters.some((c) => c.name === elsewhere && resolve(c.dataDir) === resolve(dataDir)) || !existsSync(dataDir)) continue;
      const paths = clusterPaths(dataDir);
      clusters.push({ name: elsewhere, current: false, dataDir, runtime: readJson<{ runtime?: 'docker' | 'simulated' }>(paths.settings)?.runtime, running: lockHolder(paths) !== undefined });
    }
    if (clusters.length === 0) process.stdout.write(`No clusters in ${podlabHome()}.\n`);
    for (const c of clusters) process.stdout.write(`${c.name}\t${c.running ? 'running' : 'stopped'}\t${c.runtime ?? '-'}\t${c.dataDir}\n`);
    return 0;
  }
  if (action !== 'delete' || !name || extra.length > 0) throw new CliError(clusterUsage);
  clusterLocation({ name });
  // A cluster started with --data-dir was remembered there; one from an older PodLab needs the flag again.
  const named = dataDirsNamed(name);
  if (!values['data-dir'] && named.length > 1) {
    throw new CliError(`two clusters are called "${name}" (${named.join(' and ')}): say which one, for example: podlab cluster delete ${name} --data-dir ${named[1]}`);
  }
  const dataDir = values['data-dir'] ?? findDataDir(name);
  if (!existsSync(dataDir)) {
    throw new CliError(`there is no cluster "${name}" (no directory ${dataDir}); a cluster started with --data-dir DIR is deleted with: podlab cluster delete ${name} --data-dir DIR`);
  }
  try {
    await deleteCluster({ name, dataDir });
  } catch (error) {
    if (error instanceof ClusterBusyError) throw new CliError(error.message);
    throw error;
  }
  process.stdout.write(`Deleted cluster "${name}".\n`);
  return 0;
}
