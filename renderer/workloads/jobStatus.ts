// What the Jobs table shows beyond kubectl's cells (shared with the API's
// printer): why a Job failed or is failing.

import type { JobShape } from '../../main/apiserver/resources/shared/jobPrinting.ts';

export { jobCompletions, jobDuration, jobStatus } from '../../main/apiserver/resources/shared/jobPrinting.ts';

export interface JobObject extends JobShape {
  status?: JobShape['status'] & { active?: number; ready?: number; failed?: number };
}

/** Why a Job failed or stopped, from its Failed or FailureTarget condition. */
export function jobProblem(job: JobObject): string | undefined {
  const condition = (job.status?.conditions ?? []).find((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True');
  return condition ? `${condition.reason ?? condition.type}: ${condition.message ?? ''}` : undefined;
}
