// One worker per pod, as pod_workers.go: work for a pod runs one step at a
// time (updates arriving meanwhile coalesce into one more step), through the
// states sync → terminating → terminated. A pod leaves `sync` when it is
// being deleted, was removed from the API, or reached a terminal phase; a
// terminated pod's worker ends once the pod is gone from the API and its
// containers are cleaned up. Each step says when it wants to run next (a
// back-off ending); otherwise the pod is resynced periodically.

import type { Clock, Timer } from '../kube/clock.ts';
import { podRequests } from '../scheduler/podRequests.ts';
import type { Resource } from '../scheduler/resources.ts';
import type { Pod as SchedulerPod } from '../scheduler/types.ts';
import { addToUsage, usageOf, type PodsUsage } from './admission.ts';
import type { Pod } from './types.ts';

export type WorkerState = 'sync' | 'terminating' | 'terminated';

export interface SyncResult {
  /** The pod reached Succeeded or Failed: its containers will not run again. */
  terminal: boolean;
  /** When to sync again (ms on the clock); absent: the periodic resync. */
  nextSyncAt?: number;
}

export interface PodSyncer {
  syncPod(pod: Pod): Promise<SyncResult>;
  syncTerminatingPod(pod: Pod, removed: boolean): Promise<void>;
  /** Returns true when nothing of the pod is left and the worker can end. */
  syncTerminatedPod(pod: Pod, removed: boolean): Promise<boolean>;
}

export interface PodWorkersOptions {
  clock: Clock;
  resyncMs: number;
  /** Retry delay after a step that failed unexpectedly (the kubelet's backOffPeriod). */
  errorRetryMs: number;
  onError: (error: unknown, context: string) => void;
}

interface Worker {
  pod: Pod;
  /**
   * The pod's requests as the scheduler sums them, worked out once: a pod's
   * resources cannot change once it is created, and admission sums every
   * active pod's for each new one (the scheduler's sum is kept per pod
   * object, and each status write makes a new one).
   */
  requests?: Readonly<Resource>;
  /** Its requests are in the workers' usage (it is active: syncing, not removed). */
  counted: boolean;
  removed: boolean;
  state: WorkerState;
  dirty: boolean;
  running?: Promise<void>;
  timer?: Timer;
  finished: boolean;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private readonly usage: PodsUsage = usageOf([]);
  private stopped = false;

  constructor(
    private readonly syncer: PodSyncer,
    private readonly options: PodWorkersOptions,
  ) {}

  /** A new or changed pod from the API; `sync` false: only its status changed, which needs no work. */
  update(pod: Pod, sync = true): void {
    const uid = pod.metadata.uid ?? '';
    let worker = this.workers.get(uid);
    if (!worker) {
      worker = { pod, counted: false, removed: false, state: 'sync', dirty: false, finished: false };
      this.workers.set(uid, worker);
      this.recount(worker);
      sync = true;
    }
    worker.pod = pod;
    if (sync) this.kick(worker);
  }

  /** The pod is gone from the API (deleted, or no longer bound here). */
  remove(pod: Pod): void {
    const worker = this.workers.get(pod.metadata.uid ?? '');
    if (!worker) return;
    worker.pod = pod;
    worker.removed = true;
    this.recount(worker);
    this.kick(worker);
  }

  /** Something happened to the pod's containers (a runtime event). */
  trigger(uid: string): void {
    const worker = this.workers.get(uid);
    if (worker) this.kick(worker);
  }

  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  state(uid: string): WorkerState | undefined {
    return this.workers.get(uid)?.state;
  }

  uids(): string[] {
    return [...this.workers.keys()];
  }

  /** What the pods still running or about to take (a copy): admission judges a new pod against it. */
  activeUsage(): PodsUsage {
    return { podCount: this.usage.podCount, requested: { ...this.usage.requested, scalar: { ...this.usage.requested.scalar } } };
  }

  /**
   * Keeps the usage of the active workers as workers come, are removed and
   * stop syncing: admission of each new pod summed a hundred pods' requests.
   */
  private recount(worker: Worker): void {
    const active = worker.state === 'sync' && !worker.removed;
    if (active === worker.counted) return;
    worker.requests ??= podRequests(worker.pod as unknown as SchedulerPod);
    addToUsage(this.usage, worker.requests, active ? 1 : -1);
    worker.counted = active;
  }

  /**
   * Stops scheduling work and waits up to `waitMs` for steps in flight (a
   * container's grace period can be long; a stopping kubelet does not wait it
   * out). Containers are left as they are.
   */
  async stop(waitMs: number): Promise<void> {
    this.stopped = true;
    for (const worker of this.workers.values()) worker.timer?.cancel();
    let timer: Timer | undefined;
    const waited = new Promise<void>((resolve) => (timer = this.options.clock.setTimeout(resolve, waitMs)));
    await Promise.race([Promise.all([...this.workers.values()].map((w) => w.running)), waited]);
    timer?.cancel();
  }

  private kick(worker: Worker): void {
    if (this.stopped) return;
    worker.dirty = true;
    if (worker.running) return;
    worker.running = this.run(worker).finally(() => {
      worker.running = undefined;
      if (worker.dirty && !worker.finished) this.kick(worker);
    });
  }

  private async run(worker: Worker): Promise<void> {
    while (worker.dirty && !this.stopped) {
      worker.dirty = false;
      worker.timer?.cancel();
      let next: number | undefined;
      try {
        next = await this.step(worker);
      } catch (error) {
        this.options.onError(error, `pod ${worker.pod.metadata.namespace}/${worker.pod.metadata.name}: ${worker.state}`);
        next = this.options.clock.now() + this.options.errorRetryMs;
      }
      if (worker.finished) {
        this.workers.delete(worker.pod.metadata.uid ?? '');
        return;
      }
      if (this.stopped) return;
      const delay = Math.max(0, (next ?? this.options.clock.now() + this.options.resyncMs) - this.options.clock.now());
      worker.timer = this.options.clock.setTimeout(() => this.kick(worker), delay);
    }
  }

  private async step(worker: Worker): Promise<number | undefined> {
    if (worker.state === 'sync') {
      if (worker.removed || worker.pod.metadata.deletionTimestamp) {
        worker.state = 'terminating';
        this.recount(worker);
      } else {
        const result = await this.syncer.syncPod(worker.pod);
        if (!result.terminal) return result.nextSyncAt;
        worker.state = 'terminating';
        this.recount(worker);
      }
    }
    if (worker.state === 'terminating') {
      await this.syncer.syncTerminatingPod(worker.pod, worker.removed);
      worker.state = 'terminated';
    }
    worker.finished = await this.syncer.syncTerminatedPod(worker.pod, worker.removed);
    return undefined;
  }
}
