// podutil.UpdatePodCondition: sets a condition in a pod status, keeping
// lastTransitionTime when the condition's status did not change, and tells
// whether anything changed (so an unchanged failure causes no write).

import type { PodCondition, PodStatus } from './types.ts';

/** metav1.Time is serialized with second precision. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function updatePodCondition(status: PodStatus, condition: PodCondition): boolean {
  const conditions = (status.conditions ??= []);
  const index = conditions.findIndex((c) => c.type === condition.type);
  if (index < 0) {
    conditions.push(condition);
    return true;
  }
  const old = conditions[index]!;
  const next = condition.status === old.status ? { ...condition, lastTransitionTime: old.lastTransitionTime } : condition;
  conditions[index] = next;
  return !(
    next.status === old.status &&
    next.reason === old.reason &&
    next.message === old.message &&
    (next.lastProbeTime ?? null) === (old.lastProbeTime ?? null) &&
    next.lastTransitionTime === old.lastTransitionTime
  );
}
