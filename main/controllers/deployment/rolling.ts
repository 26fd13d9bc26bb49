// The RollingUpdate strategy (deployment/rolling.go): grow the new
// ReplicaSet as far as maxSurge allows, shrink the old ones as far as
// maxUnavailable allows (unhealthy old replicas first, they count for
// nothing), one step per sync; every ReplicaSet status change brings the next.

import type { Deployment, ReplicaSet } from '../shared/types.ts';
import { deploymentComplete } from './deploymentStatus.ts';
import { syncRolloutStatus } from './progress.ts';
import { availableReplicaCount, desiredReplicas, maxUnavailable, newRSNewReplicas, rsReplicas, specReplicaCount } from './replicaArithmetic.ts';
import { activeReplicaSets, byCreation } from './replicaSets.ts';
import { allOf, cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type DeploymentSyncContext } from './sync.ts';

export async function rolloutRolling(ctx: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const split = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
  const newRS = split.newRS!;
  const allRSs = allOf(split);
  if (await reconcileNewReplicaSet(ctx, allRSs, newRS, d)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(ctx, allRSs, activeReplicaSets(split.oldRSs), newRS, d)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, split.oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, newRS, d);
}

export async function reconcileNewReplicaSet(ctx: DeploymentSyncContext, allRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  const desired = desiredReplicas(d);
  if (rsReplicas(newRS) === desired) return false;
  const target = rsReplicas(newRS) > desired ? desired : newRSNewReplicas(d, allRSs, newRS);
  return (await scaleReplicaSetAndRecordEvent(ctx, newRS, target, d)).scaled;
}

/** How many old replicas may go now without dropping below desired - maxUnavailable (counting the new ReplicaSet's unavailable ones). */
export async function reconcileOldReplicaSets(ctx: DeploymentSyncContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newRSUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicaCount(allRSs) - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(ctx, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(ctx, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  return cleaned.count + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: old replicas that are not available go first, oldest ReplicaSet first. */
async function cleanupUnhealthyReplicas(ctx: DeploymentSyncContext, oldRSs: ReplicaSet[], d: Deployment, maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= maxCleanup) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (rsReplicas(rs) === 0 || rsReplicas(rs) === available) continue;
    const count = Math.min(maxCleanup - total, rsReplicas(rs) - available);
    const newCount = rsReplicas(rs) - count;
    if (newCount > rsReplicas(rs)) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${rsReplicas(rs)} -> ${newCount}`);
    sorted[i] = (await scaleReplicaSetAndRecordEvent(ctx, rs, newCount, d)).rs;
    total += count;
  }
  return { oldRSs: sorted, count: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: available replicas beyond desired - maxUnavailable go, oldest ReplicaSet first. */
async function scaleDownOldReplicaSetsForRollingUpdate(ctx: DeploymentSyncContext, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= toScaleDown) break;
    if (rsReplicas(rs) === 0) continue;
    const count = Math.min(rsReplicas(rs), toScaleDown - total);
    await scaleReplicaSetAndRecordEvent(ctx, rs, rsReplicas(rs) - count, d);
    total += count;
  }
  return total;
}
