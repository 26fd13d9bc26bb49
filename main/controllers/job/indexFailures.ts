// backoffLimitPerIndex: an Indexed Job counts failures per index. Each pod
// carries its index's failure count so far in an annotation; a failed pod
// stays (its tracking finalizer kept) until its replacement is created, so
// the replacement can take the count over. An index whose pod fails with
// the count at the limit, or matches a FailIndex rule, is failed for good.

import type { Pod } from '../shared/types.ts';
import { matchPodFailurePolicy, type PodFailurePolicy } from './podFailurePolicy.ts';

export const indexFailureCountAnnotation = 'batch.kubernetes.io/job-index-failure-count';
export const indexIgnoredFailureCountAnnotation = 'batch.kubernetes.io/job-index-ignored-failure-count';

/** An annotation's count; 0 when missing or not a count (a user may have edited it). */
function countAt(pod: Pod, annotation: string): number {
  const value = Number(pod.metadata.annotations?.[annotation]);
  return Number.isInteger(value) && value >= 0 && value <= 2147483647 ? value : 0;
}

export function failureCount(pod: Pod): number {
  return countAt(pod, indexFailureCountAnnotation);
}

/** Failures of any kind, counted or ignored: orders the failed pods of one index. */
export function absoluteFailureCount(pod: Pod): number {
  return failureCount(pod) + countAt(pod, indexIgnoredFailureCountAnnotation);
}

/** Whether this failed pod fails its index: a FailIndex rule, or a counted failure with the index at its limit. */
export function failsIndex(policy: PodFailurePolicy | undefined, backoffLimitPerIndex: number, pod: Pod): boolean {
  const match = matchPodFailurePolicy(policy, pod);
  if (match.action === 'FailIndex') return true;
  return match.counts && failureCount(pod) >= backoffLimitPerIndex;
}

/** The annotations of the pod replacing `replaced` in its index (none replaced: a first pod, count 0). */
export function replacementAnnotations(policy: PodFailurePolicy | undefined, replaced: Pod | undefined): Record<string, string> {
  if (!replaced) return { [indexFailureCountAnnotation]: '0' };
  const counts = matchPodFailurePolicy(policy, replaced).counts;
  const failures = failureCount(replaced) + (counts ? 1 : 0);
  const ignored = countAt(replaced, indexIgnoredFailureCountAnnotation) + (counts ? 0 : 1);
  return { [indexFailureCountAnnotation]: String(failures), ...(ignored > 0 ? { [indexIgnoredFailureCountAnnotation]: String(ignored) } : {}) };
}
