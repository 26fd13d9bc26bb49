// A Job's STATUS and COMPLETIONS cells as `kubectl get jobs` prints them
// (printers.go printJob), and a CronJob's LAST SCHEDULE, for the views.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { KubeObject } from '../../preload/api.ts';

export interface JobObject extends KubeObject {
  spec?: { completions?: number; parallelism?: number; suspend?: boolean; template?: { spec?: { containers?: Array<{ image?: string }> } } };
  status?: { active?: number; ready?: number; succeeded?: number; failed?: number; startTime?: string; completionTime?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

function hasCondition(job: JobObject, type: string): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function jobStatus(job: JobObject): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobCompletions(job: JobObject): string {
  const succeeded = job.status?.succeeded ?? 0;
  const { completions, parallelism } = job.spec ?? {};
  if (completions !== undefined) return `${succeeded}/${completions}`;
  if (parallelism === undefined) return `${succeeded}/1 of 1`;
  if (parallelism > 1) return `${succeeded}/1 of ${parallelism}`;
  return `${succeeded}/1`;
}

/** Why a Job failed or stopped, from its Failed or FailureTarget condition. */
export function jobProblem(job: JobObject): string | undefined {
  const condition = (job.status?.conditions ?? []).find((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True');
  return condition ? `${condition.reason ?? condition.type}: ${condition.message ?? ''}` : undefined;
}

export function jobDuration(job: JobObject, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime ? new Date(job.status.completionTime) : now;
  return ageSince(start, end);
}
