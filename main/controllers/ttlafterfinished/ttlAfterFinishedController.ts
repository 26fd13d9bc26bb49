// The TTL-after-finished controller (kube-controller-manager's
// ttl-after-finished-controller): a Job with ttlSecondsAfterFinished is
// deleted that long after it finished (its Complete or Failed condition),
// with Foreground propagation so its pods go first, and only if the Job
// read fresh from the API is still the finished one it expired.

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { parseTime } from '../shared/time.ts';
import { jobsResource, type Job } from '../job/jobController.ts';
import { findCondition } from '../job/jobConditions.ts';

/** When the Job finished, or undefined while it runs. */
export function finishedAtMs(job: Job): number | undefined {
  for (const type of ['Complete', 'Failed']) {
    const condition = findCondition(job.status?.conditions, type);
    if (condition?.status === 'True') return parseTime(condition.lastTransitionTime) ?? parseTime(job.status?.completionTime);
  }
  return undefined;
}

function expiresAtMs(job: Job): number | undefined {
  const ttl = (job.spec as { ttlSecondsAfterFinished?: number }).ttlSecondsAfterFinished;
  const finished = finishedAtMs(job);
  if (ttl === undefined || ttl === null || finished === undefined || job.metadata.deletionTimestamp) return undefined;
  return finished + ttl * 1000;
}

export class TtlAfterFinishedController extends QueueController {
  private readonly jobs: SharedInformer<Job>;
  private readonly jobClient: ResourceClient<Job>;

  constructor(ctx: ControllerContext, workers = 5) {
    super('ttl-after-finished-controller', ctx, workers);
    this.jobs = ctx.informers.informer<Job>(jobsResource);
    this.jobClient = ctx.client.resource<Job>(jobsResource);
    const consider = (job: Job) => {
      if (expiresAtMs(job) !== undefined) this.enqueue(job);
    };
    this.jobs.addEventHandler({ onAdd: consider, onUpdate: (_old, job) => consider(job), onDelete: () => undefined });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.jobs.get(namespace, name);
    if (!cached || expiresAtMs(cached) === undefined) return;
    // The cache may be behind: the TTL or the Job itself may have changed.
    let fresh: Job;
    try {
      fresh = await this.jobClient.get(namespace, name);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      throw err;
    }
    const expires = expiresAtMs(fresh);
    if (expires === undefined) return;
    const left = expires - this.ctx.clock.now();
    if (left > 0) {
      this.queue.addAfter(key, left);
      return;
    }
    try {
      await this.jobClient.delete(namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata.uid, resourceVersion: fresh.metadata.resourceVersion } });
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
}
