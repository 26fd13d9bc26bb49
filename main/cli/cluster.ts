// `podlab cluster list` and `podlab cluster delete NAME`: the clusters under
// $PODLAB_HOME, and removing one with everything it left on the engine
// (`kind get clusters`, `kind delete cluster`).

import { ClusterBusyError, deleteCluster } from '../cluster/deleteCluster.ts';
import { podlabHome } from '../cluster/dataDir.ts';
import { listClusters } from '../ui/clusterDirectory.ts';
import { CliError, clusterFlags, clusterLocation, parseFlags } from './args.ts';
import { existsSync } from 'node:fs';

export const clusterUsage = `Usage: podlab cluster list
       podlab cluster delete NAME [--data-dir DIR]`;

export async function runCluster(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { 'data-dir': clusterFlags['data-dir'] });
  const [action, name, ...extra] = positionals;
  if (action === 'list' && !name) {
    const clusters = listClusters(undefined);
    if (clusters.length === 0) process.stdout.write(`No clusters in ${podlabHome()}.\n`);
    for (const c of clusters) process.stdout.write(`${c.name}\t${c.running ? 'running' : 'stopped'}\t${c.runtime ?? '-'}\t${c.dataDir}\n`);
    return 0;
  }
  if (action !== 'delete' || !name || extra.length > 0) throw new CliError(clusterUsage);
  const { dataDir } = clusterLocation({ name, 'data-dir': values['data-dir'] });
  if (!existsSync(dataDir)) throw new CliError(`there is no cluster "${name}" (no directory ${dataDir})`);
  try {
    await deleteCluster({ name, dataDir });
  } catch (error) {
    if (error instanceof ClusterBusyError) throw new CliError(error.message);
    throw error;
  }
  process.stdout.write(`Deleted cluster "${name}".\n`);
  return 0;
}
