// The scheduling queue (kube-scheduler's PriorityQueue, with queueing hints):
//
// - activeQ: pods to try now, highest priority first, then oldest first.
// - backoffQ: pods that failed and wait out a per-pod exponential backoff
//   (1 s doubling to 10 s by default) before going back to activeQ.
// - unschedulablePods: pods no node fits. They leave only on a cluster event
//   that one of the plugins that rejected them registered (and whose hint
//   agrees), or after 5 minutes, whatever happens.
//
// Pods are keyed by UID. A pod popped for scheduling is "in flight" until
// done(): updates to it are ignored meanwhile, since the failure path re-reads
// the latest version from the informer before requeueing it.

import type { Clock, Timer } from '../kube/clock.ts';
import { isWildCard, matchClusterEvents, UnschedulableTimeout, type ClusterEvent } from './clusterEvents.ts';
import type { ClusterEventWithHint } from './framework.ts';
import { KeyedHeap } from './heap.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { Pod } from './types.ts';

export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1_000;
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_MS = 5 * 60_000;
/** How often kube-scheduler moves pods whose backoff completed, and looks for unschedulable pods left too long. */
const FLUSH_BACKOFF_INTERVAL_MS = 1_000;
const FLUSH_UNSCHEDULABLE_INTERVAL_MS = 30_000;

export interface QueuedPodInfo {
  pod: Pod;
  /** When the pod was added, or came back after a failed attempt: FIFO order and backoff count from it. */
  timestamp: number;
  /** Scheduling attempts so far (each pop is one); sets the backoff. */
  attempts: number;
  /** Plugins that rejected the pod in its last attempt; empty after an error. */
  unschedulablePlugins: Set<string>;
}

export interface SchedulingQueueOptions {
  clock: Clock;
  /** The events each plugin registered, by plugin name. */
  pluginEvents?: ReadonlyMap<string, readonly ClusterEventWithHint[]>;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulablePodsMs?: number;
}

function uidOf(pod: Pod): string {
  return pod.metadata.uid ?? '';
}

function keyOf(info: QueuedPodInfo): string {
  return uidOf(info.pod);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return keysA.length === keysB.length && keysA.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * isPodUpdated: whether an update may change the scheduling result. The
 * status is left out, so the scheduler's own PodScheduled=False write does not
 * put the pod straight back into activeQ.
 */
export function isPodUpdated(oldPod: Pod, newPod: Pod): boolean {
  const strip = (pod: Pod) => {
    const { resourceVersion: _rv, generation: _gen, managedFields: _mf, finalizers: _fin, ...metadata } = pod.metadata;
    const { status: _status, ...rest } = pod;
    return { ...rest, metadata };
  };
  return !deepEqual(strip(oldPod), strip(newPod));
}

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly pluginEvents: ReadonlyMap<string, readonly ClusterEventWithHint[]>;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulablePodsMs: number;

  /** Insertion counter: FIFO among pods of equal priority added in the same millisecond. */
  private sequence = 0;
  private readonly order = new WeakMap<QueuedPodInfo, number>();
  private readonly activeQ: KeyedHeap<QueuedPodInfo>;
  private readonly backoffQ: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulablePods = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Set<string>();
  private readonly waiters: ((info: QueuedPodInfo | undefined) => void)[] = [];
  private readonly timers: Timer[] = [];
  private closed = false;

  constructor(options: SchedulingQueueOptions) {
    this.clock = options.clock;
    this.pluginEvents = options.pluginEvents ?? new Map();
    this.initialBackoffMs = options.podInitialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
    this.maxBackoffMs = options.podMaxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS;
    this.maxInUnschedulablePodsMs = options.podMaxInUnschedulablePodsMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_MS;
    // PrioritySort: higher spec.priority first, then the earlier timestamp.
    this.activeQ = new KeyedHeap(keyOf, (a, b) => {
      const priorityA = a.pod.spec.priority ?? 0;
      const priorityB = b.pod.spec.priority ?? 0;
      if (priorityA !== priorityB) return priorityA > priorityB;
      if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
      return this.order.get(a)! < this.order.get(b)!;
    });
    this.backoffQ = new KeyedHeap(keyOf, (a, b) => this.backoffExpiration(a) < this.backoffExpiration(b));
  }

  /** Starts the periodic flushes of backoffQ (every second) and of pods left in unschedulablePods (every 30 s). */
  run(): void {
    this.every(FLUSH_BACKOFF_INTERVAL_MS, () => this.flushBackoffQCompleted());
    this.every(FLUSH_UNSCHEDULABLE_INTERVAL_MS, () => this.flushUnschedulablePodsLeftover());
  }

  /** Stops the flushes and makes pending and future pop() calls return undefined. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.splice(0)) timer.cancel();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    if (this.has(uidOf(pod)) || this.inFlight.has(uidOf(pod))) return;
    this.moveToActiveQ({ pod, timestamp: this.clock.now(), attempts: 0, unschedulablePlugins: new Set() });
  }

  update(oldPod: Pod, newPod: Pod): void {
    const uid = uidOf(newPod);
    if (this.inFlight.has(uid)) return;
    for (const queue of [this.activeQ, this.backoffQ]) {
      const info = queue.get(uid);
      if (info) {
        info.pod = newPod;
        queue.addOrUpdate(info);
        return;
      }
    }
    const info = this.unschedulablePods.get(uid);
    if (!info) {
      this.add(newPod);
      return;
    }
    info.pod = newPod;
    if (!isPodUpdated(oldPod, newPod)) return;
    // The pod itself changed (tolerations, selector, requests...): it deserves another try.
    this.unschedulablePods.delete(uid);
    if (this.isPodBackingOff(info)) this.backoffQ.addOrUpdate(info);
    else this.moveToActiveQ(info);
  }

  delete(pod: Pod): void {
    const uid = uidOf(pod);
    this.activeQ.delete(uid);
    this.backoffQ.delete(uid);
    this.unschedulablePods.delete(uid);
  }

  /** The next pod to schedule; waits while activeQ is empty; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.activeQ.size > 0) return Promise.resolve(this.takeHead());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends the in-flight period of a popped pod that is not coming back to the queue (bound, deleted). */
  done(uid: string): void {
    this.inFlight.delete(uid);
  }

  /**
   * Puts back a pod whose attempt failed: into unschedulablePods if plugins
   * rejected it, into backoffQ if it failed on an error (no plugin to wait on).
   */
  addUnschedulableIfNotPresent(info: QueuedPodInfo): void {
    const uid = keyOf(info);
    this.done(uid);
    if (this.has(uid)) return;
    info.timestamp = this.clock.now();
    if (info.unschedulablePlugins.size === 0) this.backoffQ.addOrUpdate(info);
    else this.unschedulablePods.set(uid, info);
  }

  /**
   * A cluster event happened: unschedulable pods that it may help move to
   * backoffQ, or straight to activeQ if their backoff has already passed.
   */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject, preCheck?: (pod: Pod) => boolean): void {
    this.movePodsToActiveOrBackoffQueue([...this.unschedulablePods.values()].filter((info) => !preCheck || preCheck(info.pod)), event, oldObj, newObj);
  }

  /** Moves pods whose backoff has completed to activeQ. Runs every second once run() was called. */
  flushBackoffQCompleted(): void {
    for (let head = this.backoffQ.peek(); head && !this.isPodBackingOff(head); head = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.moveToActiveQ(head);
    }
  }

  /** Moves pods that sat in unschedulablePods longer than the limit (5 minutes). Runs every 30 s once run() was called. */
  flushUnschedulablePodsLeftover(): void {
    const now = this.clock.now();
    const leftover = [...this.unschedulablePods.values()].filter((info) => now - info.timestamp > this.maxInUnschedulablePodsMs);
    if (leftover.length > 0) this.movePodsToActiveOrBackoffQueue(leftover, UnschedulableTimeout);
  }

  /** The pods waiting in each sub-queue, for tests and for explaining a pending pod. */
  pendingPods(): { active: Pod[]; backoff: Pod[]; unschedulable: Pod[] } {
    return {
      active: this.activeQ.list().map((info) => info.pod),
      backoff: this.backoffQ.list().map((info) => info.pod),
      unschedulable: [...this.unschedulablePods.values()].map((info) => info.pod),
    };
  }

  /** When the pod may be tried again: its timestamp plus initial backoff doubled per further attempt, capped. */
  backoffExpiration(info: QueuedPodInfo): number {
    if (info.attempts === 0) return info.timestamp;
    let duration = this.initialBackoffMs;
    for (let i = 1; i < info.attempts && duration < this.maxBackoffMs; i++) duration *= 2;
    return info.timestamp + Math.min(duration, this.maxBackoffMs);
  }

  private isPodBackingOff(info: QueuedPodInfo): boolean {
    return this.backoffExpiration(info) > this.clock.now();
  }

  private has(uid: string): boolean {
    return this.activeQ.has(uid) || this.backoffQ.has(uid) || this.unschedulablePods.has(uid);
  }

  private movePodsToActiveOrBackoffQueue(infos: readonly QueuedPodInfo[], event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject): void {
    for (const info of infos) {
      if (!this.isPodWorthRequeuing(info, event, oldObj, newObj)) continue;
      this.unschedulablePods.delete(keyOf(info));
      if (this.isPodBackingOff(info)) this.backoffQ.addOrUpdate(info);
      else this.moveToActiveQ(info);
    }
  }

  /** Only the plugins that rejected the pod get a say; any of them answering Queue moves it. */
  private isPodWorthRequeuing(info: QueuedPodInfo, event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject): boolean {
    if (info.unschedulablePlugins.size === 0 || isWildCard(event)) return true;
    for (const plugin of info.unschedulablePlugins) {
      for (const { event: registered, hint } of this.pluginEvents.get(plugin) ?? []) {
        if (!matchClusterEvents(registered, event)) continue;
        let verdict: 'Queue' | 'QueueSkip' = 'Queue';
        // A failing hint must not strand the pod: kube-scheduler treats an error as Queue.
        try {
          if (hint) verdict = hint(info.pod, oldObj, newObj);
        } catch {
          verdict = 'Queue';
        }
        if (verdict === 'Queue') return true;
      }
    }
    return false;
  }

  private moveToActiveQ(info: QueuedPodInfo): void {
    this.order.set(info, this.sequence++);
    this.activeQ.addOrUpdate(info);
    while (this.waiters.length > 0 && this.activeQ.size > 0) this.waiters.shift()!(this.takeHead());
  }

  private takeHead(): QueuedPodInfo {
    const info = this.activeQ.pop()!;
    info.attempts++;
    this.inFlight.add(keyOf(info));
    return info;
  }

  private every(ms: number, fn: () => void): void {
    const index = this.timers.length;
    const tick = () => {
      if (this.closed) return;
      fn();
      this.timers[index] = this.clock.setTimeout(tick, ms);
    };
    this.timers.push(this.clock.setTimeout(tick, ms));
  }
}
