// What both UI hosts do with clusters other than the one they run: check a
// requested name, and delete a stopped cluster (its engine objects and data).

import { join } from 'node:path';
import { deleteCluster } from '../cluster/deleteCluster.ts';
import { validClusterName } from '../cluster/dataDir.ts';
import { statusFailure } from './bridgeError.ts';

export function checkClusterName(name: string): void {
  if (!validClusterName(name)) throw statusFailure(400, 'BadRequest', `invalid cluster name "${name}": use lower-case letters, digits and '-', at most 40 characters`);
}

export function clusterDataDir(home: string, name: string): string {
  return join(home, 'clusters', name);
}

/** Deletes a cluster this process does not run. */
export async function deleteOtherCluster(home: string, name: string): Promise<void> {
  checkClusterName(name);
  const dataDir = clusterDataDir(home, name);
  await deleteCluster({ name, dataDir });
}
