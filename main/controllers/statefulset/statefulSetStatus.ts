// A StatefulSet's status (stateful_set_control.go): how many members exist,
// are ready, available, and at the current and update revisions; a rolling
// update is complete once every member is updated and ready, and the update
// revision becomes the current one.

import type { Pod, StatefulSet, StatefulSetStatus } from '../shared/types.ts';
import { isCreated, isRunningAndAvailable, isRunningAndReady, revisionOf } from './statefulSetPods.ts';

export function computeReplicaStatus(status: StatefulSetStatus, pods: Pod[], minReadySeconds: number, now: number): void {
  status.replicas = 0;
  status.readyReplicas = 0;
  status.availableReplicas = 0;
  status.currentReplicas = 0;
  status.updatedReplicas = 0;
  for (const pod of pods) {
    if (isCreated(pod)) status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) status.availableReplicas++;
    }
    if (isCreated(pod) && !pod.metadata.deletionTimestamp) {
      const revision = revisionOf(pod);
      if (revision === status.currentRevision) status.currentReplicas++;
      if (revision === status.updateRevision) status.updatedReplicas++;
    }
  }
}

/** completeRollingUpdate */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  if ((set.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
  if (status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** inconsistentStatus: anything differs from what the set says now. */
export function statusChanged(set: StatefulSet, status: StatefulSetStatus): boolean {
  const old = set.status;
  return (
    (status.observedGeneration ?? 0) > (old?.observedGeneration ?? 0) ||
    status.replicas !== (old?.replicas ?? 0) ||
    (status.currentReplicas ?? 0) !== (old?.currentReplicas ?? 0) ||
    (status.readyReplicas ?? 0) !== (old?.readyReplicas ?? 0) ||
    (status.updatedReplicas ?? 0) !== (old?.updatedReplicas ?? 0) ||
    (status.currentRevision ?? '') !== (old?.currentRevision ?? '') ||
    status.availableReplicas !== (old?.availableReplicas ?? 0) ||
    (status.updateRevision ?? '') !== (old?.updateRevision ?? '')
  );
}

/** The status as Go's JSON encoding writes it (replicas and availableReplicas always, the rest when set). */
export function statefulSetStatusJson(status: StatefulSetStatus, previous: StatefulSetStatus | undefined): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: status.replicas, availableReplicas: status.availableReplicas };
  for (const key of ['observedGeneration', 'readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) {
    if (status[key]) out[key] = status[key];
  }
  if (status.currentRevision) out.currentRevision = status.currentRevision;
  if (status.updateRevision) out.updateRevision = status.updateRevision;
  if (status.collisionCount !== undefined) out.collisionCount = status.collisionCount;
  if (previous?.conditions) out.conditions = previous.conditions;
  return out;
}
