// client-go's rate-limited work queue: a key waits in the queue at most once
// however often it is added; a key being reconciled is never handed to a
// second worker, and if it was added meanwhile it is queued again when the
// first finishes; a failed key comes back after a per-key exponential delay
// (5 ms doubling up to 1000 s, client-go's default controller rate limiter),
// reset once it succeeds. Delays run on the injected clock.
//
// One addition: a key whose reconcile took long (a ReplicaSet of thousands of
// pods, re-read at each sync) cools down for twice as long as that reconcile
// took (at most maxCoolDownMs) before it runs again, so one hot key takes at most about a third of
// the process while its pods keep changing, instead of crowding out the
// scheduler and the kubelets (a 10,000-pod ReplicaSet was re-synced for every
// pod's every change). kube-controller-manager gets the same relief from its
// client's rate limit (--kube-api-qps); PodLab's in-process clients have none.

import type { Clock, Timer } from '../../kube/clock.ts';

const baseDelayMs = 5;
const maxDelayMs = 1000 * 1000;
/** Keys whose reconcile is shorter than this are queued again at once, as client-go does. */
const hotReconcileMs = 5;
const coolDownFactor = 2;
/**
 * The longest cool-down. A reconcile's time includes its writes' round trips
 * (a ReplicaSet creating 500 pods waits for each create), which cost the
 * process nothing while other work runs; cooling for twice that left the
 * process idle between a ReplicaSet's bursts (a tenth of the run at 10,000
 * pods), while what the cool-down is for (the re-read of thousands of pods) takes tens of ms.
 */
const maxCoolDownMs = 100;

export interface WorkQueueOptions {
  clock: Clock;
  /** Keys reconciled at the same time (kube-controller-manager's --concurrent-*-syncs). */
  workers: number;
  onError: (err: unknown, key: string) => void;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly waiting = new Map<string, { due: number; timer: Timer }>();
  /** Keys cooling down after a long reconcile (see above): added meanwhile, they wait. */
  private readonly cooling = new Map<string, Timer>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private shutDown = false;

  constructor(
    private readonly reconcile: (key: string) => Promise<void>,
    private readonly options: WorkQueueOptions,
  ) {}

  /** Workers start only now: keys added before wait, so nothing is reconciled from caches that are not synced yet. */
  start(): void {
    this.running = true;
    this.pump();
  }

  async stop(): Promise<void> {
    this.shutDown = true;
    this.running = false;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
    for (const timer of this.cooling.values()) timer.cancel();
    this.cooling.clear();
    await Promise.all(this.inFlight);
  }

  add(key: string): void {
    if (this.shutDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key) || this.cooling.has(key)) return;
    this.queue.push(key);
    this.pump();
  }

  /** Adds the key once `ms` have passed; a key already waiting keeps the earlier of the two times. */
  addAfter(key: string, ms: number): void {
    if (this.shutDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.options.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.due <= due) return;
    pending?.timer.cancel();
    const timer = this.options.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { due, timer });
  }

  addRateLimited(key: string): void {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    this.addAfter(key, Math.min(baseDelayMs * 2 ** failures, maxDelayMs));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  private pump(): void {
    while (this.running && this.processing.size < this.options.workers && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.dirty.delete(key);
      this.processing.add(key);
      const work = this.process(key);
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    }
  }

  private async process(key: string): Promise<void> {
    // The injected clock measures too, so tests decide how long a reconcile took.
    const started = this.options.clock.now();
    try {
      await this.reconcile(key);
      this.forget(key);
    } catch (err) {
      if (!this.shutDown) {
        this.options.onError(err, key);
        this.addRateLimited(key);
      }
    } finally {
      this.processing.delete(key);
      const took = this.options.clock.now() - started;
      if (took >= hotReconcileMs && !this.shutDown) this.coolDown(key, Math.min(took * coolDownFactor, maxCoolDownMs));
      else if (this.dirty.has(key) && !this.shutDown) this.queue.push(key);
      this.pump();
    }
  }

  private coolDown(key: string, ms: number): void {
    const timer = this.options.clock.setTimeout(() => {
      this.cooling.delete(key);
      if (!this.dirty.has(key) || this.processing.has(key) || this.shutDown) return;
      this.queue.push(key);
      this.pump();
    }, ms);
    this.cooling.set(key, timer);
  }
}
