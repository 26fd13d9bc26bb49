// The Job's conditions and the words Kubernetes' Job controller uses for
// them: FailureTarget then Failed, SuccessCriteriaMet then Complete (the
// second of each pair once no pod of the Job runs any more), and Suspended.

export interface JobCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

export const reasons = {
  backoffLimitExceeded: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
  deadlineExceeded: { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
  completionsReached: { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
  maxFailedIndexesExceeded: { reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' },
  failedIndexes: { reason: 'FailedIndexes', message: 'Job has failed indexes' },
  /** Reasons whose message names the pod or rule that decided. */
  podFailurePolicy: 'PodFailurePolicy',
  successPolicy: 'SuccessPolicy',
  suspended: { reason: 'JobSuspended', message: 'Job suspended' },
  resumed: { reason: 'JobResumed', message: 'Job resumed' },
} as const;

export function findCondition(conditions: JobCondition[] | undefined, type: string): JobCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: JobCondition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** Sets a condition; its transition time moves only when its status changes. Returns the new list. */
export function withCondition(conditions: JobCondition[] | undefined, type: string, status: 'True' | 'False', words: { reason: string; message: string }, now: string): JobCondition[] {
  const list = [...(conditions ?? [])];
  const at = list.findIndex((c) => c.type === type);
  const previous = at >= 0 ? list[at] : undefined;
  const next: JobCondition = { type, status, reason: words.reason, message: words.message, lastProbeTime: now, lastTransitionTime: previous && previous.status === status ? (previous.lastTransitionTime ?? now) : now };
  if (at >= 0) list[at] = next;
  else list.push(next);
  return list;
}
