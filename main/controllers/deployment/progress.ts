// syncRolloutStatus (deployment/progress.go): the status of a Deployment in
// the middle of a rollout, with its Progressing condition: NewReplicaSetAvailable
// when complete, ReplicaSetUpdated whenever something moved, and
// ProgressDeadlineExceeded once nothing moved for progressDeadlineSeconds.
// A Deployment that may still time out is looked at again when its deadline
// falls due: nothing else would wake it.

import { deepEqual } from '../../kube/deepEqual.ts';
import { timestampOf } from '../shared/time.ts';
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from '../shared/types.ts';
import { getCondition, newCondition, Progressing, reasons, removeCondition, ReplicaFailure, setCondition } from './conditions.ts';
import { calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut, hasProgressDeadline, normalizedStatus } from './deploymentStatus.ts';
import { writeDeploymentStatus, type DeploymentSyncContext } from './sync.ts';
import { parseTime } from '../shared/time.ts';

/** ReplicaSetToDeploymentCondition for every ReplicaFailure condition: the new ReplicaSet's first, else any old one's. */
function replicaFailures(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const failuresOf = (rs: ReplicaSet) =>
    (rs.status?.conditions ?? [])
      .filter((c) => c.type === ReplicaFailure)
      .map((c) => ({ type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message }));
  const fromNew = newRS ? failuresOf(newRS) : [];
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(failuresOf);
}

export function rolloutStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: number, timestamp: string): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, d, timestamp);
  if (!hasProgressDeadline(d)) removeCondition(status, Progressing);
  const current = getCondition(d.status, Progressing);
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === reasons.newReplicaSetAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    if (deploymentComplete(d, status)) {
      const message = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(status, newCondition(Progressing, 'True', reasons.newReplicaSetAvailable, message, timestamp));
    } else if (deploymentProgressing(d, status)) {
      const message = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const condition = newCondition(Progressing, 'True', reasons.replicaSetUpdated, message, timestamp);
      // Progress moves lastUpdateTime even when the reason stays: the deadline counts from the last progress.
      if (current) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, Progressing);
      }
      setCondition(status, condition);
    } else if (deploymentTimedOut(d, status, now)) {
      const message = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(status, newCondition(Progressing, 'False', reasons.progressDeadlineExceeded, message, timestamp));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length > 0) setCondition(status, failures[0]);
  else removeCondition(status, ReplicaFailure);
  return status;
}

/** requeueStuckDeployment: when to look again for a timeout (ms), or undefined when no timeout can come. */
export function stuckRequeueDelay(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const current = getCondition(d.status, Progressing);
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, status) || current.reason === reasons.progressDeadlineExceeded) return undefined;
  const lastUpdate = parseTime(current.lastUpdateTime) ?? 0;
  return lastUpdate + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now;
}

export async function syncRolloutStatus(ctx: DeploymentSyncContext, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const now = ctx.clock.now();
  const status = rolloutStatus(allRSs, newRS, d, now, timestampOf(ctx.clock));
  if (deepEqual(normalizedStatus(d.status), normalizedStatus(status))) {
    const after = stuckRequeueDelay(d, status, now);
    if (after === undefined) return;
    // Under a second left: look again soon (rate limited), else a second after the deadline.
    if (after < 1000) ctx.requeueRateLimited(d);
    else ctx.requeueAfter(d, after + 1000);
    return;
  }
  d.status = status;
  await writeDeploymentStatus(ctx, d);
}
