// The CronJob controller (kube-controller-manager's cronjob-controller, v2):
// at each scheduled time it creates a Job from the CronJob's jobTemplate,
// named `<cronjob>-<minutes since the epoch>` (so a time is never run
// twice), and requeues the CronJob for the next time on the controller's
// clock. concurrencyPolicy Forbid skips a time while a Job runs, Replace
// deletes the running ones; a time older than startingDeadlineSeconds is
// missed; more than 100 missed times are reported and only the latest is
// run. status.active follows the Jobs, lastScheduleTime and
// lastSuccessfulTime are kept, and finished Jobs beyond the history limits
// are deleted, oldest first.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { parseSchedule } from '../../kube/cronSchedule.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import { controllerRefOf, newControllerRef } from '../shared/controllerRef.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { parseTime } from '../shared/time.ts';
import { jobsResource, type Job } from '../job/jobController.ts';
import { isTrue } from '../job/jobConditions.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const cronJobsResource = { group: 'batch', version: 'v1', plural: 'cronjobs' };
const cronJobKind = { apiVersion: 'batch/v1', kind: 'CronJob' };
export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** More missed times than this are not looked at one by one (Kubernetes' limit). */
const maxMissedTimes = 100;

interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface CronJob extends KubeObject {
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Job['spec'] };
  };
  status?: { active?: ObjectReference[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

/** `<cronjob>-<minutes since the epoch>`: the name of the Job for a scheduled time. */
export function jobNameFor(cronJob: string, scheduledMs: number): string {
  return `${cronJob}-${Math.floor(scheduledMs / 60_000)}`;
}

function finishedOutcome(job: Job): 'Complete' | 'Failed' | undefined {
  if (isTrue(job.status?.conditions, 'Complete')) return 'Complete';
  if (isTrue(job.status?.conditions, 'Failed')) return 'Failed';
  return undefined;
}

export class CronJobController extends QueueController {
  private readonly cronJobs: SharedInformer<CronJob>;
  private readonly jobs: SharedInformer<Job>;
  private readonly cronJobClient: ResourceClient<CronJob>;
  private readonly jobClient: ResourceClient<Job>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext, workers = 5) {
    super('cronjob-controller', ctx, workers);
    this.cronJobs = ctx.informers.informer<CronJob>(cronJobsResource);
    this.jobs = ctx.informers.informer<Job>(jobsResource);
    this.cronJobClient = ctx.client.resource<CronJob>(cronJobsResource);
    this.jobClient = ctx.client.resource<Job>(jobsResource);
    this.recorder = ctx.recorder('cronjob-controller');
    this.cronJobs.addEventHandler({ onAdd: (cj) => this.enqueue(cj), onUpdate: (_old, cj) => this.enqueue(cj), onDelete: () => undefined });
    const onJob = (job: Job) => {
      const ref = controllerRefOf(job);
      if (ref?.kind !== 'CronJob') return;
      const owner = this.cronJobs.get(job.metadata.namespace ?? '', ref.name);
      if (owner && owner.metadata.uid === ref.uid) this.enqueue(owner);
    };
    this.jobs.addEventHandler({ onAdd: onJob, onUpdate: (_old, job) => onJob(job), onDelete: onJob });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cronJob = this.cronJobs.get(namespace, name);
    if (!cronJob || cronJob.metadata.deletionTimestamp) return;
    const now = this.ctx.clock.now();
    const owned = this.jobs.list(namespace).filter((job) => controllerRefOf(job)?.uid === cronJob.metadata.uid);
    const status = deepCopy(cronJob.status ?? {});

    // status.active follows the Jobs: finished ones leave it (and are reported once), vanished ones too.
    const byUid = new Map(owned.map((job) => [job.metadata.uid, job]));
    const active: ObjectReference[] = [];
    for (const ref of status.active ?? []) {
      const job = byUid.get(ref.uid);
      if (!job) continue;
      const outcome = finishedOutcome(job);
      if (outcome) this.recorder.event(cronJob, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, status: ${outcome}`);
      else active.push(ref);
    }
    for (const job of owned) {
      if (!finishedOutcome(job) && !active.some((a) => a.uid === job.metadata.uid)) active.push(this.referenceTo(job));
      const completed = finishedOutcome(job) === 'Complete' ? job.status?.completionTime : undefined;
      if (completed && (!status.lastSuccessfulTime || parseTime(completed)! > parseTime(status.lastSuccessfulTime)!)) status.lastSuccessfulTime = completed;
    }
    status.active = active.length ? active : undefined;

    await this.cleanUpHistory(cronJob, owned);

    if (!cronJob.spec.suspend) {
      let schedule;
      try {
        schedule = parseSchedule(cronJob.spec.schedule, cronJob.spec.timeZone);
      } catch (err) {
        this.recorder.event(cronJob, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cronJob.spec.schedule)} : ${(err as Error).message}`);
        return;
      }
      const since = parseTime(status.lastScheduleTime) ?? parseTime(cronJob.metadata.creationTimestamp) ?? now;
      const { latest, missed } = this.unmetTimes(schedule, since, now);
      if (missed > maxMissedTimes) {
        this.recorder.event(cronJob, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
      }
      if (latest !== undefined) await this.runAt(cronJob, status, latest, now);
      const next = schedule.next(now);
      // A little after the time, as Kubernetes requeues, so the time has surely come.
      if (next !== undefined) this.queue.addAfter(key, next - now + 100);
    }

    if (!deepEqual(cronJob.status ?? {}, stripUndefined(status))) {
      await this.cronJobClient.updateStatus(namespace, { ...cronJob, status: stripUndefined(status) });
    }
  }

  /** The most recent scheduled time in (since, now], and how many there were. */
  private unmetTimes(schedule: ReturnType<typeof parseSchedule>, since: number, now: number): { latest?: number; missed: number } {
    let latest: number | undefined;
    let missed = 0;
    for (let t = schedule.next(since); t !== undefined && t <= now; t = schedule.next(t)) {
      latest = t;
      missed++;
      // Past the limit only the latest matters: jump close to now and keep counting from there.
      if (missed > maxMissedTimes * 10) break;
    }
    return { latest, missed };
  }

  private async runAt(cronJob: CronJob, status: NonNullable<CronJob['status']>, scheduledMs: number, now: number): Promise<void> {
    const deadline = cronJob.spec.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && scheduledMs + deadline * 1000 < now) {
      this.recorder.event(cronJob, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(scheduledMs).toISOString().replace('.000Z', 'Z')}`);
      return;
    }
    const running = status.active ?? [];
    if (running.length > 0 && cronJob.spec.concurrencyPolicy === 'Forbid') {
      this.recorder.event(cronJob, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return;
    }
    if (running.length > 0 && cronJob.spec.concurrencyPolicy === 'Replace') {
      for (const ref of running) {
        try {
          await this.jobClient.delete(cronJob.metadata.namespace, ref.name ?? '', { propagationPolicy: 'Background' });
          this.recorder.event(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
        } catch (err) {
          if (!isApiError(err, 'NotFound')) throw err;
        }
      }
      status.active = [];
    }
    const job = this.jobFor(cronJob, scheduledMs);
    let created: Job;
    try {
      created = await this.jobClient.create(cronJob.metadata.namespace, job);
      this.recorder.event(cronJob, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    } catch (err) {
      if (!isApiError(err, 'AlreadyExists')) {
        this.recorder.event(cronJob, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
        throw err;
      }
      // Made on an earlier try whose status write was lost: the same time, the same Job.
      created = await this.jobClient.get(cronJob.metadata.namespace, job.metadata.name ?? '');
      if (controllerRefOf(created)?.uid !== cronJob.metadata.uid) return;
    }
    if (!(status.active ?? []).some((a) => a.uid === created.metadata.uid)) status.active = [...(status.active ?? []), this.referenceTo(created)];
    status.lastScheduleTime = kubeTimestamp(new Date(scheduledMs));
  }

  private jobFor(cronJob: CronJob, scheduledMs: number): Job {
    const template = cronJob.spec.jobTemplate;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobNameFor(cronJob.metadata.name ?? '', scheduledMs),
        namespace: cronJob.metadata.namespace,
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations, [scheduledTimestampAnnotation]: kubeTimestamp(new Date(scheduledMs)) },
        ownerReferences: [newControllerRef(cronJob, cronJobKind)],
      },
      spec: deepCopy(template.spec),
    };
  }

  private referenceTo(job: Job): ObjectReference {
    return { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion };
  }

  /** Finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit go, oldest first. */
  private async cleanUpHistory(cronJob: CronJob, owned: Job[]): Promise<void> {
    const startOf = (job: Job) => parseTime(job.status?.startTime) ?? parseTime(job.metadata.creationTimestamp) ?? 0;
    for (const [outcome, limit] of [
      ['Complete', cronJob.spec.successfulJobsHistoryLimit ?? 3],
      ['Failed', cronJob.spec.failedJobsHistoryLimit ?? 1],
    ] as const) {
      const finished = owned.filter((job) => finishedOutcome(job) === outcome && !job.metadata.deletionTimestamp).sort((a, b) => startOf(a) - startOf(b));
      for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
        try {
          await this.jobClient.delete(job.metadata.namespace, job.metadata.name ?? '', { propagationPolicy: 'Background' });
          this.recorder.event(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
        } catch (err) {
          if (!isApiError(err, 'NotFound')) throw err;
        }
      }
    }
  }
}

function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

