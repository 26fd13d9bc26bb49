// Which pods a ReplicaSet deletes first when it has too many
// (controller.ActivePodsWithRanks and getPodsToDelete): unscheduled before
// scheduled, Pending before Unknown before Running, not ready before ready,
// lower controller.kubernetes.io/pod-deletion-cost first, pods on nodes
// crowded with related pods first, then ready for less time, more restarts,
// and newer. Times compare on a logarithmic scale (LogarithmicScaleDown, GA
// in 1.31) so pods of about the same age count as equals and are taken in
// pseudo-random uid order, spreading scale-downs across generations.

import { isPodActive, isPodReady, podReadyCondition } from '../shared/podUtil.ts';
import { parseTime } from '../shared/time.ts';
import type { Pod } from '../shared/types.ts';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

interface RankedPod {
  pod: Pod;
  /** Active related pods on the same node. */
  rank: number;
}

/** helper.GetDeletionCostFromPodAnnotations: an int32, else 0. */
function deletionCost(pod: Pod): number {
  const value = pod.metadata.annotations?.[deletionCostAnnotation];
  if (value === undefined || !/^[+-]?\d+$/.test(value.trim())) return 0;
  const n = Number(value.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function readyTime(pod: Pod): number | undefined {
  return isPodReady(pod) ? parseTime(podReadyCondition(pod)?.lastTransitionTime ?? undefined) : undefined;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** afterOrZero: a missing time sorts first, then the later one. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

function logarithmicRank(t: number, now: number): number {
  const d = (now - t) * 1_000_000; // Go compares durations in nanoseconds
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** Newer first on a log2 scale of age; equal ranks by uid. */
function compareTimes(a: RankedPod, b: RankedPod, ta: number | undefined, tb: number | undefined, now: number): number {
  if (ta === undefined || tb === undefined) return afterOrZero(ta, tb) ? -1 : 1;
  const diff = logarithmicRank(ta, now) - logarithmicRank(tb, now);
  if (diff !== 0) return diff;
  return (a.pod.metadata.uid ?? '') < (b.pod.metadata.uid ?? '') ? -1 : 1;
}

/** ActivePodsWithRanks.Less as a comparator: negative when `a` should go first. */
export function compareForDeletion(a: RankedPod, b: RankedPod, now: number): number {
  const nodeA = a.pod.spec.nodeName ?? '';
  const nodeB = b.pod.spec.nodeName ?? '';
  if (nodeA !== nodeB && (!nodeA || !nodeB)) return nodeA ? 1 : -1;
  const phaseA = phaseOrdinal[a.pod.status?.phase ?? ''] ?? 0;
  const phaseB = phaseOrdinal[b.pod.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  if (isPodReady(a.pod) !== isPodReady(b.pod)) return isPodReady(a.pod) ? 1 : -1;
  if (deletionCost(a.pod) !== deletionCost(b.pod)) return deletionCost(a.pod) - deletionCost(b.pod);
  if (a.rank !== b.rank) return b.rank - a.rank;
  const readyA = readyTime(a.pod);
  const readyB = readyTime(b.pod);
  if (isPodReady(a.pod) && isPodReady(b.pod) && readyA !== readyB) return compareTimes(a, b, readyA, readyB, now);
  if (maxRestarts(a.pod) !== maxRestarts(b.pod)) return maxRestarts(b.pod) - maxRestarts(a.pod);
  const createdA = parseTime(a.pod.metadata.creationTimestamp);
  const createdB = parseTime(b.pod.metadata.creationTimestamp);
  if (createdA !== createdB) return compareTimes(a, b, createdA, createdB, now);
  return 0;
}

/** getPodsToDelete: the `count` pods to delete from `pods`, ranked against `related` (the pods of every ReplicaSet with the same owner). */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, now: number): Pod[] {
  if (count >= pods.length) return pods.slice(0, count);
  const onNode = new Map<string, number>();
  for (const pod of related) {
    if (isPodActive(pod)) onNode.set(pod.spec.nodeName ?? '', (onNode.get(pod.spec.nodeName ?? '') ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, now));
  return ranked.slice(0, count).map((r) => r.pod);
}
