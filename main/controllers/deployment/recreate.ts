// The Recreate strategy (deployment/recreate.go): scale every old ReplicaSet
// to zero, wait until none of their pods runs any more, and only then create
// (or scale up) the new ReplicaSet.

import type { Deployment, Pod, ReplicaSet } from '../shared/types.ts';
import { deploymentComplete } from './deploymentStatus.ts';
import { syncRolloutStatus } from './progress.ts';
import { actualReplicaCount, desiredReplicas } from './replicaArithmetic.ts';
import { activeReplicaSets } from './replicaSets.ts';
import { allOf, cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type DeploymentSyncContext } from './sync.ts';

/** oldPodsRunning: any old replica, or any pod of an old ReplicaSet that has not finished. */
function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: Map<string, Pod[]>): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((pod) => pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

export async function rolloutRecreate(ctx: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[], podMap: Map<string, Pod[]>): Promise<void> {
  // Not created yet: scaling up before the old pods are gone is what Recreate promises not to do.
  let split = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  let allRSs = allOf(split);
  let scaledDown = false;
  for (const rs of activeReplicaSets(split.oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(split.newRS, split.oldRSs, podMap)) return syncRolloutStatus(ctx, allRSs, split.newRS, d);
  if (!split.newRS) {
    split = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
    allRSs = allOf(split);
  }
  await scaleReplicaSetAndRecordEvent(ctx, split.newRS!, desiredReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, split.oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, split.newRS, d);
}
