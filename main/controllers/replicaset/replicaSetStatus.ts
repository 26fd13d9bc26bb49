// calculateStatus for a ReplicaSet: counts of its active pods, the ones
// carrying all the template's labels, ready and available ones, and the
// ReplicaFailure condition while creating or deleting pods fails.

import { isPodAvailable, isPodReady } from '../shared/podUtil.ts';
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../shared/types.ts';

/** Whether the pod carries every label of `labels` (a loop: it runs for each pod at every sync). */
function hasAllLabels(pod: Pod, labels: [string, string][]): boolean {
  if (labels.length === 0) return true;
  const own = pod.metadata.labels;
  if (!own) return false;
  for (let i = 0; i < labels.length; i++) if (own[labels[i]![0]] !== labels[i]![1]) return false;
  return true;
}

export function calculateReplicaSetStatus(rs: ReplicaSet, pods: Pod[], manageError: Error | undefined, now: number, timestamp: string): ReplicaSetStatus {
  const templateLabels = Object.entries(rs.spec.template.metadata?.labels ?? {});
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (hasAllLabels(pod, templateLabels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  let conditions = rs.status?.conditions ?? [];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [...conditions, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: timestamp, reason, message: manageError.message }];
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c !== failure);
  }
  return {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.status?.observedGeneration ?? 0,
    conditions,
  };
}

/** The status as Go's JSON encoding writes it: zero counts and empty conditions left out, replicas always there. */
export function replicaSetStatusJson(status: ReplicaSetStatus): ReplicaSetStatus {
  const out: ReplicaSetStatus = { replicas: status.replicas ?? 0 };
  if (status.fullyLabeledReplicas) out.fullyLabeledReplicas = status.fullyLabeledReplicas;
  if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
  if (status.availableReplicas) out.availableReplicas = status.availableReplicas;
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  if (status.conditions?.length) out.conditions = status.conditions;
  return out;
}
