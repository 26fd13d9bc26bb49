// A Job's STATUS, COMPLETIONS and DURATION as `kubectl get jobs` prints them
// (printers.go printJob), shared by the API's table and the UI.

import type { KubeObject } from '../../../kube/meta.ts';
import { ageSince } from './humanDuration.ts';

export interface JobShape extends KubeObject {
  spec?: { completions?: number; parallelism?: number; suspend?: boolean };
  status?: { succeeded?: number; startTime?: string; completionTime?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

function hasCondition(job: JobShape, type: string): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function jobStatus(job: JobShape): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobCompletions(job: JobShape): string {
  const succeeded = job.status?.succeeded ?? 0;
  const { completions, parallelism } = job.spec ?? {};
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  if (parallelism === undefined || parallelism === null) return `${succeeded}/1 of 1`;
  if (parallelism > 1) return `${succeeded}/1 of ${parallelism}`;
  return `${succeeded}/1`;
}

export function jobDuration(job: JobShape, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return '';
  return ageSince(start, job.status?.completionTime ? new Date(job.status.completionTime) : now);
}
