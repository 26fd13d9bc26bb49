// The Job controller (kube-controller-manager's job-controller): runs a
// Job's pods until enough of them succeed. It keeps up to `parallelism` pods
// running (one per pending index for Indexed Jobs, which get
// JOB_COMPLETION_INDEX and a stable hostname), waits an exponential back-off
// (10 s doubling, at most 6 min) before replacing failed pods, and counts
// finished pods with the batch.kubernetes.io/job-tracking finalizer: a
// finished pod is first listed in status.uncountedTerminatedPods, then its
// finalizer removed, then it is counted, so no pod is counted twice or lost
// when PodLab stops in between. A Job past its backoffLimit or
// activeDeadlineSeconds gets FailureTarget, its pods are deleted, then
// Failed; one with its completions gets SuccessCriteriaMet then Complete.
// Suspending deletes its running pods; resuming starts the clock again.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { QueueController, keyOf, splitKey, type ControllerContext } from '../shared/controller.ts';
import { controllerRefOf, newControllerRef } from '../shared/controllerRef.ts';
import { Expectations } from '../shared/expectations.ts';
import { createPodFor } from '../shared/podControl.ts';
import { podFromTemplate } from '../shared/podTemplate.ts';
import { isPodReady } from '../shared/podUtil.ts';
import { podsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { parseTime, timestampOf } from '../shared/time.ts';
import type { Pod, PodTemplateSpec } from '../shared/types.ts';
import { formatIndexes, parseIndexes } from './completedIndexes.ts';
import { absoluteFailureCount, failsIndex, replacementAnnotations } from './indexFailures.ts';
import { findCondition, isTrue, reasons, withCondition, type JobCondition } from './jobConditions.ts';
import { matchPodFailurePolicy, type PodFailurePolicy } from './podFailurePolicy.ts';
import { matchSuccessPolicy, type SuccessPolicy } from './successPolicy.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const jobsResource = { group: 'batch', version: 'v1', plural: 'jobs' };
export const jobKind = { apiVersion: 'batch/v1', kind: 'Job' };
export const trackingFinalizer = 'batch.kubernetes.io/job-tracking';
export const completionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';
const backoffBaseMs = 10_000;
const backoffMaxMs = 360_000;
const burst = 500;

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  completionMode?: string;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  activeDeadlineSeconds?: number;
  suspend?: boolean;
  podFailurePolicy?: PodFailurePolicy;
  successPolicy?: SuccessPolicy;
  podReplacementPolicy?: string;
  template: PodTemplateSpec;
}

export interface JobStatus {
  active?: number;
  ready?: number;
  terminating?: number;
  succeeded?: number;
  failed?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
  conditions?: JobCondition[];
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: JobStatus;
}

/** Waiting time before the next pod after `failures` failures in a row: 10 s, 20 s, 40 s ... 6 min. */
export function backoffDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(backoffBaseMs * 2 ** (failures - 1), backoffMaxMs);
}

function isFinished(job: Job): boolean {
  return isTrue(job.status?.conditions, 'Complete') || isTrue(job.status?.conditions, 'Failed');
}

function hasFinalizer(pod: Pod): boolean {
  return pod.metadata.finalizers?.includes(trackingFinalizer) ?? false;
}

function phaseOf(pod: Pod): string | undefined {
  return (pod.status as { phase?: string } | undefined)?.phase;
}

/** A pod that will not run again: Succeeded or Failed, or deleted before it ended (counted as failed, as Kubernetes does). */
function terminalOutcome(pod: Pod): 'succeeded' | 'failed' | undefined {
  const phase = phaseOf(pod);
  if (phase === 'Succeeded') return 'succeeded';
  if (phase === 'Failed') return 'failed';
  return undefined;
}

/** As Go writes it: empty lists left out. */
function uncountedJson(uncounted: { succeeded: string[]; failed: string[] }): JobStatus['uncountedTerminatedPods'] {
  return { ...(uncounted.succeeded.length ? { succeeded: uncounted.succeeded } : {}), ...(uncounted.failed.length ? { failed: uncounted.failed } : {}) };
}

function indexOf(pod: Pod): number | undefined {
  const value = pod.metadata.annotations?.[completionIndexAnnotation];
  const n = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isNaN(n) ? undefined : n;
}

function restartsOf(pod: Pod): number {
  const statuses = (pod.status as { containerStatuses?: Array<{ restartCount?: number }>; initContainerStatuses?: Array<{ restartCount?: number }> } | undefined) ?? {};
  return [...(statuses.containerStatuses ?? []), ...(statuses.initContainerStatuses ?? [])].reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
}

function finishedAt(pod: Pod): number {
  const statuses = (pod.status as { containerStatuses?: Array<{ state?: { terminated?: { finishedAt?: string } } }> } | undefined)?.containerStatuses ?? [];
  const times = statuses.map((s) => parseTime(s.state?.terminated?.finishedAt)).filter((t): t is number => t !== undefined);
  return times.length ? Math.max(...times) : (parseTime(pod.metadata.deletionTimestamp) ?? parseTime(pod.metadata.creationTimestamp) ?? 0);
}

export class JobController extends QueueController {
  private readonly jobs: SharedInformer<Job>;
  private readonly pods: SharedInformer<Pod>;
  private readonly jobClient: ResourceClient<Job>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly recorder: EventRecorder;
  private readonly expectations: Expectations;
  /**
   * Pods whose finalizer this controller removed, until the pod informer shows it gone: a cache
   * still showing the finalizer must not get the pod counted twice (Kubernetes' uidTrackingExpectations).
   */
  private readonly released = new Set<string>();

  constructor(ctx: ControllerContext, workers = 5) {
    super('job-controller', ctx, workers);
    this.jobs = ctx.informers.informer<Job>(jobsResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.jobClient = ctx.client.resource<Job>(jobsResource);
    this.podClient = ctx.client.resource<Pod>(podsResource);
    this.recorder = ctx.recorder('job-controller');
    this.expectations = new Expectations(ctx.clock);
    this.jobs.addEventHandler({
      onAdd: (job) => this.enqueue(job),
      onUpdate: (_old, job) => this.enqueue(job),
      onDelete: (job) => {
        this.expectations.forget(keyOf(job));
        this.enqueue(job);
      },
    });
    const onPod = (pod: Pod, created = false) => {
      if (!hasFinalizer(pod)) this.released.delete(pod.metadata.uid ?? '');
      const job = this.ownerOf(pod);
      if (!job) return this.releaseOrphan(pod);
      if (created) this.expectations.creationObserved(keyOf(job));
      this.enqueue(job);
    };
    this.pods.addEventHandler({
      onAdd: (pod) => onPod(pod, true),
      onUpdate: (_old, pod) => onPod(pod),
      onDelete: (pod) => {
        this.released.delete(pod.metadata.uid ?? '');
        const job = this.ownerOf(pod);
        if (!job) return;
        this.expectations.deletionObserved(keyOf(job), keyOf(pod));
        this.enqueue(job);
      },
    });
  }

  /**
   * A pod whose Job is gone keeps no finalizer of the Job's: nothing would ever count it. The cache
   * may simply not hold the Job yet (at start), so the API decides.
   */
  private releaseOrphan(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (!hasFinalizer(pod) || ref?.kind !== 'Job') return;
    const release = async () => {
      try {
        const job = await this.jobClient.get(pod.metadata.namespace, ref.name);
        if (job.metadata.uid === ref.uid) return;
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
      await this.removeFinalizers([pod]);
    };
    release().catch((err: unknown) => this.ctx.onError(err, `job-controller: releasing orphan pod ${keyOf(pod)}`));
  }

  private ownerOf(pod: Pod): Job | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'Job' || !ref.apiVersion.startsWith('batch/')) return undefined;
    const job = this.jobs.get(pod.metadata.namespace ?? '', ref.name);
    return job && job.metadata.uid === ref.uid ? job : undefined;
  }

  private podsOf(job: Job): Pod[] {
    return this.pods.list(job.metadata.namespace ?? '').filter((pod) => controllerRefOf(pod)?.uid === job.metadata.uid);
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const job = this.jobs.get(namespace, name);
    if (!job) {
      this.expectations.forget(key);
      return;
    }
    const pods = this.podsOf(job);
    if (isFinished(job) || job.metadata.deletionTimestamp) {
      // A finished or deleted Job counts nothing more: its pods only lose the finalizer, so they can go.
      await this.removeFinalizers(pods.filter(hasFinalizer));
      return;
    }
    const now = this.ctx.clock.now();
    const stamp = timestampOf(this.ctx.clock);
    const status: JobStatus = deepCopy(job.status ?? {});
    let current = job;
    const indexed = job.spec.completionMode === 'Indexed';
    const completions = job.spec.completions;

    // Count finished pods in two steps, each one written before the next: listed as uncounted, finalizer removed, counted.
    const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
    const listed = new Set([...uncounted.succeeded, ...uncounted.failed]);
    const tracked = pods.filter((pod) => hasFinalizer(pod) && !this.released.has(pod.metadata.uid ?? ''));
    // A pod deleted before it ended counts as failed, except one the Job's own suspension deleted.
    const failing = (pod: Pod) => terminalOutcome(pod) === 'failed' || (!terminalOutcome(pod) && !!pod.metadata.deletionTimestamp && !job.spec.suspend);
    const perIndex = indexed ? job.spec.backoffLimitPerIndex : undefined;
    if (perIndex !== undefined) {
      const failedIndexes = parseIndexes(status.failedIndexes, completions ?? 0);
      for (const pod of tracked) {
        const index = indexOf(pod);
        if (index !== undefined && failing(pod) && failsIndex(job.spec.podFailurePolicy, perIndex, pod)) failedIndexes.add(index);
      }
      status.failedIndexes = formatIndexes(failedIndexes);
    }
    const waitingForReplacement = perIndex !== undefined ? this.awaitingReplacement(job, pods, status) : new Map<number, Pod>();
    const held = new Set([...waitingForReplacement.values()]);
    const finishing = tracked.filter((pod) => !held.has(pod) && (terminalOutcome(pod) === 'succeeded' || failing(pod)));
    for (const pod of finishing) {
      const uid = pod.metadata.uid ?? '';
      if (listed.has(uid)) continue;
      const outcome = terminalOutcome(pod) === 'succeeded' ? 'succeeded' : 'failed';
      // A failure an Ignore rule matched loses its finalizer like any other, but is never counted.
      if (outcome === 'failed' && !matchPodFailurePolicy(job.spec.podFailurePolicy, pod).counts) continue;
      uncounted[outcome].push(uid);
      listed.add(uid);
    }
    // A FailJob rule's verdict is written with the counts, before any finalizer (and so the pod that proves it) goes.
    if (job.spec.podFailurePolicy && !isTrue(status.conditions, 'FailureTarget') && !isTrue(status.conditions, 'SuccessCriteriaMet')) {
      for (const pod of pods) {
        const message = terminalOutcome(pod) === 'failed' ? matchPodFailurePolicy(job.spec.podFailurePolicy, pod).failJobMessage : undefined;
        if (!message) continue;
        status.conditions = withCondition(status.conditions, 'FailureTarget', 'True', { reason: reasons.podFailurePolicy, message }, stamp);
        break;
      }
    }
    if (finishing.length > 0 || uncounted.succeeded.length + uncounted.failed.length > 0) {
      status.uncountedTerminatedPods = uncountedJson(uncounted);
      const written = await this.writeStatus(current, status);
      if (!written) return;
      current = written;
      await this.removeFinalizers(finishing);
      const byUid = new Map(pods.map((p) => [p.metadata.uid ?? '', p]));
      const completed = parseIndexes(status.completedIndexes, completions ?? 0);
      let succeeded = 0;
      for (const uid of uncounted.succeeded) {
        const index = byUid.get(uid) && indexOf(byUid.get(uid)!);
        if (!indexed) succeeded++;
        else if (index !== undefined && index < (completions ?? 0) && !completed.has(index)) completed.add(index);
      }
      if (indexed) {
        status.completedIndexes = formatIndexes(completed);
        succeeded = completed.size - parseIndexes(job.status?.completedIndexes, completions ?? 0).size;
      }
      status.succeeded = (status.succeeded ?? 0) + succeeded;
      status.failed = (status.failed ?? 0) + uncounted.failed.length;
      status.uncountedTerminatedPods = {};
    }

    const running = pods.filter((pod) => !terminalOutcome(pod) && !pod.metadata.deletionTimestamp);
    status.active = running.length;
    status.ready = running.filter(isPodReady).length;
    status.terminating = pods.filter((pod) => !terminalOutcome(pod) && pod.metadata.deletionTimestamp).length;

    let conditions = status.conditions;
    if (job.spec.suspend && !isTrue(conditions, 'FailureTarget')) {
      if (!isTrue(conditions, 'Suspended')) {
        conditions = withCondition(conditions, 'Suspended', 'True', reasons.suspended, stamp);
        this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
      await this.deletePods(job, running);
      status.active = 0;
    } else {
      if (isTrue(conditions, 'Suspended')) {
        conditions = withCondition(conditions, 'Suspended', 'False', reasons.resumed, stamp);
        this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        status.startTime = stamp;
      }
      status.startTime ??= stamp;
      conditions = await this.progress(job, status, conditions, running, pods, waitingForReplacement, now, stamp);
    }
    status.conditions = conditions;
    await this.writeStatus(current, status);
  }

  /** Decides the Job's outcome so far and manages its pods; returns its conditions. */
  private async progress(job: Job, status: JobStatus, conditions: JobCondition[] | undefined, running: Pod[], pods: Pod[], waitingForReplacement: Map<number, Pod>, now: number, stamp: string): Promise<JobCondition[] | undefined> {
    const key = keyOf(job);
    const indexed = job.spec.completionMode === 'Indexed';
    const completions = job.spec.completions;
    const succeeded = status.succeeded ?? 0;
    const failed = status.failed ?? 0;
    const restarts = job.spec.template.spec?.restartPolicy === 'OnFailure' ? running.reduce((sum, pod) => sum + restartsOf(pod), 0) : 0;

    let target = findCondition(conditions, 'FailureTarget')?.status === 'True' ? 'failed' : isTrue(conditions, 'SuccessCriteriaMet') ? 'succeeded' : undefined;
    if (!target) {
      const startedMs = parseTime(status.startTime) ?? now;
      const deadlineMs = job.spec.activeDeadlineSeconds !== undefined ? startedMs + job.spec.activeDeadlineSeconds * 1000 : undefined;
      const completedIndexes = indexed ? parseIndexes(status.completedIndexes, completions ?? 0) : new Set<number>();
      const failedIndexes = parseIndexes(status.failedIndexes, completions ?? 0);
      const perIndex = indexed && job.spec.backoffLimitPerIndex !== undefined;
      const done = indexed ? completedIndexes.size >= (completions ?? 0) : completions !== undefined && completions !== null ? succeeded >= completions : succeeded > 0 && running.length === 0;
      const successPolicyMessage = indexed ? matchSuccessPolicy(job.spec.successPolicy, completions ?? 0, completedIndexes) : undefined;
      if (failed + restarts > (job.spec.backoffLimit ?? 6)) {
        conditions = withCondition(conditions, 'FailureTarget', 'True', reasons.backoffLimitExceeded, stamp);
        target = 'failed';
      } else if (deadlineMs !== undefined && now >= deadlineMs) {
        conditions = withCondition(conditions, 'FailureTarget', 'True', reasons.deadlineExceeded, stamp);
        target = 'failed';
      } else if (perIndex && job.spec.maxFailedIndexes !== undefined && failedIndexes.size > job.spec.maxFailedIndexes) {
        conditions = withCondition(conditions, 'FailureTarget', 'True', reasons.maxFailedIndexesExceeded, stamp);
        target = 'failed';
      } else if (perIndex && failedIndexes.size > 0 && failedIndexes.size + completedIndexes.size >= (completions ?? 0)) {
        conditions = withCondition(conditions, 'FailureTarget', 'True', reasons.failedIndexes, stamp);
        target = 'failed';
      } else if (successPolicyMessage) {
        conditions = withCondition(conditions, 'SuccessCriteriaMet', 'True', { reason: reasons.successPolicy, message: successPolicyMessage }, stamp);
        target = 'succeeded';
      } else if (done) {
        conditions = withCondition(conditions, 'SuccessCriteriaMet', 'True', reasons.completionsReached, stamp);
        target = 'succeeded';
      } else if (deadlineMs !== undefined) {
        this.queue.addAfter(key, deadlineMs - now);
      }
    }
    if (target) {
      await this.deletePods(job, running);
      status.active = 0;
      const stillRunning = pods.some((pod) => !terminalOutcome(pod) && hasFinalizer(pod));
      if (stillRunning) return conditions;
      if (target === 'failed') {
        const why = findCondition(conditions, 'FailureTarget')!;
        conditions = withCondition(conditions, 'Failed', 'True', { reason: why.reason ?? '', message: why.message ?? '' }, stamp);
        this.recorder.event(job, 'Warning', why.reason ?? 'Failed', why.message ?? '');
      } else {
        const why = findCondition(conditions, 'SuccessCriteriaMet')!;
        conditions = withCondition(conditions, 'Complete', 'True', { reason: why.reason ?? '', message: why.message ?? '' }, stamp);
        status.completionTime = stamp;
        this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      }
      return conditions;
    }
    if (!this.expectations.satisfied(key)) return conditions;
    await this.managePods(job, status, running, pods, waitingForReplacement, now);
    return conditions;
  }

  /**
   * backoffLimitPerIndex: for each index still to run that has no pod running, its latest failed pod,
   * kept (with its finalizer) until a replacement carries its failure count on.
   */
  private awaitingReplacement(job: Job, pods: Pod[], status: JobStatus): Map<number, Pod> {
    const completions = job.spec.completions ?? 0;
    const settled = new Set([...parseIndexes(status.completedIndexes, completions), ...parseIndexes(status.failedIndexes, completions)]);
    const occupied = new Set(pods.filter((pod) => !terminalOutcome(pod) && !pod.metadata.deletionTimestamp).map(indexOf));
    const latest = new Map<number, Pod>();
    for (const pod of pods) {
      const index = indexOf(pod);
      if (index === undefined || index >= completions || terminalOutcome(pod) !== 'failed' || !hasFinalizer(pod)) continue;
      if (settled.has(index) || occupied.has(index)) continue;
      const before = latest.get(index);
      if (!before || absoluteFailureCount(before) < absoluteFailureCount(pod) || (absoluteFailureCount(before) === absoluteFailureCount(pod) && finishedAt(pod) >= finishedAt(before))) latest.set(index, pod);
    }
    return latest;
  }

  /** Creates or deletes pods to have the wanted number running, after the back-off that failures call for. */
  private async managePods(job: Job, status: JobStatus, running: Pod[], pods: Pod[], waitingForReplacement: Map<number, Pod>, now: number): Promise<void> {
    const key = keyOf(job);
    const parallelism = job.spec.parallelism ?? 1;
    const completions = job.spec.completions;
    const indexed = job.spec.completionMode === 'Indexed';
    const succeeded = status.succeeded ?? 0;
    let pending: number[] | undefined;
    let wanted: number;
    // With podReplacementPolicy Failed, a pod being deleted still holds its place until it has failed.
    const terminating = job.spec.podReplacementPolicy === 'Failed' ? pods.filter((pod) => !terminalOutcome(pod) && pod.metadata.deletionTimestamp) : [];
    if (indexed) {
      const done = parseIndexes(status.completedIndexes, completions ?? 0);
      const failedIndexes = parseIndexes(status.failedIndexes, completions ?? 0);
      const busy = new Set([...running, ...terminating].map(indexOf));
      pending = Array.from({ length: completions ?? 0 }, (_, i) => i).filter((i) => !done.has(i) && !failedIndexes.has(i) && !busy.has(i));
      wanted = Math.min(parallelism, (completions ?? 0) - done.size - failedIndexes.size);
    } else if (completions !== undefined && completions !== null) {
      wanted = Math.min(parallelism, completions - succeeded);
    } else {
      wanted = succeeded > 0 ? 0 : parallelism;
    }
    if (running.length > wanted) {
      const surplus = [...running].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
      await this.deletePods(job, surplus.slice(0, running.length - wanted));
      return;
    }
    let missing = Math.min(wanted - running.length - terminating.length, burst);
    if (missing <= 0) return;
    if (pending && job.spec.backoffLimitPerIndex !== undefined) {
      // Each index waits out its own back-off, from its own last failure.
      const waits = pending.map((i) => {
        const failedPod = waitingForReplacement.get(i);
        return failedPod ? finishedAt(failedPod) + backoffDelayMs(absoluteFailureCount(failedPod) + 1) - now : 0;
      });
      const later = waits.filter((w) => w > 0);
      if (later.length > 0) this.queue.addAfter(key, Math.min(...later));
      pending = pending.filter((_, n) => waits[n]! <= 0);
      missing = Math.min(missing, pending.length);
      if (missing <= 0) return;
      return this.createPods(job, key, missing, pending, waitingForReplacement);
    }
    const failures = pods.filter((pod) => terminalOutcome(pod) === 'failed' || (pod.metadata.deletionTimestamp && !terminalOutcome(pod)));
    if (failures.length > 0 && (status.failed ?? 0) > 0) {
      const lastFailure = Math.max(...failures.map(finishedAt));
      const waitMs = lastFailure + backoffDelayMs(status.failed ?? 0) - now;
      if (waitMs > 0) {
        this.queue.addAfter(key, waitMs);
        return;
      }
    }
    if (pending) missing = Math.min(missing, pending.length);
    return this.createPods(job, key, missing, pending, waitingForReplacement);
  }

  private async createPods(job: Job, key: string, count: number, indexes: number[] | undefined, waitingForReplacement: Map<number, Pod>): Promise<void> {
    this.expectations.expectCreations(key, count);
    const ref = newControllerRef(job, jobKind);
    const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => this.createPod(job, ref, indexes?.[i], waitingForReplacement)));
    for (const result of results) if (result.status === 'rejected') this.expectations.creationObserved(key);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private createPod(job: Job, ref: ReturnType<typeof newControllerRef>, index: number | undefined, waitingForReplacement: Map<number, Pod>): Promise<void> {
    const name = job.metadata.name ?? '';
    const pod = podFromTemplate(job.spec.template, job.metadata.namespace ?? '', index === undefined ? name : `${name}-${index}`, ref);
    pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), trackingFinalizer];
    if (index !== undefined) {
      pod.metadata.annotations = { ...pod.metadata.annotations, [completionIndexAnnotation]: String(index) };
      if (job.spec.backoffLimitPerIndex !== undefined) pod.metadata.annotations = { ...pod.metadata.annotations, ...replacementAnnotations(job.spec.podFailurePolicy, waitingForReplacement.get(index)) };
      pod.metadata.labels = { ...pod.metadata.labels, [completionIndexAnnotation]: String(index) };
      pod.spec.hostname ??= `${name}-${index}`;
      const indexEnv = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${completionIndexAnnotation}']` } } };
      for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        if (!(container.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX')) container.env = [...(container.env ?? []), indexEnv];
      }
    }
    return createPodFor(this.podClient, this.recorder, job, pod, {
      created: (created) => `Created pod: ${created.metadata.name}`,
      failed: (_pod, err) => `Error creating: ${err.message}`,
    });
  }

  private async deletePods(job: Job, pods: Pod[]): Promise<void> {
    const key = keyOf(job);
    await Promise.all(
      pods.map(async (pod) => {
        this.expectations.expectDeletions(key, [keyOf(pod)]);
        try {
          await this.podClient.delete(pod.metadata.namespace, pod.metadata.name ?? '');
          this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, keyOf(pod));
          if (!isApiError(err, 'NotFound')) throw err;
        }
      }),
    );
  }

  /** Takes the job-tracking finalizer off, as Kubernetes patches it: `$deleteFromPrimitiveList/finalizers`. */
  private async removeFinalizers(pods: Pod[]): Promise<void> {
    await Promise.all(
      pods.map((pod) =>
        this.podClient
          .patch(pod.metadata.namespace, pod.metadata.name ?? '', 'application/strategic-merge-patch+json', { metadata: { '$deleteFromPrimitiveList/finalizers': [trackingFinalizer] } })
          .then(
            (patched) => {
              if (hasFinalizer(patched as Pod)) return;
              this.released.add(pod.metadata.uid ?? '');
            },
            (err: unknown) => {
              if (!isApiError(err, 'NotFound')) throw err;
            },
          ),
      ),
    );
  }

  /**
   * Writes the status when it changed: the Job as written, or undefined when it is gone. A conflict (the
   * cache was behind) is thrown, so the queue syncs the Job again from a fresher cache.
   */
  private async writeStatus(job: Job, status: JobStatus): Promise<Job | undefined> {
    if (deepEqual(job.status ?? {}, status)) return job;
    try {
      return await this.jobClient.updateStatus(job.metadata.namespace, { ...job, status });
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }
}
