// Pods as a watcher sees them over HTTPS, with the moment each change
// arrived here: when a pod was first seen bound to a node and first seen
// Running. Timing from watch events rather than polling keeps the poll
// interval out of the numbers; what remains is the watch's delivery time,
// which the store benchmark shows is well under a millisecond.

import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { rawRequest, type ApiTarget } from '../helpers/apiClient.ts';

export interface PodJson {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    containerStatuses?: Array<{ state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string } } }>;
  };
}

export interface PodMilestones {
  /** The first event about the pod (its creation, for pods created after the watch began). */
  seenAt: number;
  scheduledAt?: number;
  runningAt?: number;
  /** The last thing wrong with the pod as its status says it, for reports of what got stuck. */
  lastReason?: string;
}

/** Why a pod is not Running yet, as `kubectl get pods` would put it. */
function reasonOf(pod: PodJson): string {
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    if (waiting?.reason) return waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  return pod.spec?.nodeName ? pod.status?.phase ?? 'Unknown' : 'Unscheduled';
}

export class PodWatch {
  readonly pods = new Map<string, PodMilestones>();
  /** Kept as events arrive, so a wait on 10,000 pods costs nothing per event. */
  scheduled = 0;
  running = 0;
  private req: ClientRequest | undefined;
  private waiters: Array<() => void> = [];
  private failure: Error | undefined;
  private stopped = false;

  private constructor(private readonly api: ApiTarget) {}

  /** Watches every pod in the cluster from now on (from the list's resourceVersion). */
  static async start(api: ApiTarget): Promise<PodWatch> {
    const watch = new PodWatch(api);
    const list = await rawRequest(api, 'GET', '/api/v1/pods?limit=1');
    if (list.status !== 200) throw new Error(`listing pods failed (${list.status}): ${list.body}`);
    watch.open(String(list.json().metadata.resourceVersion ?? ''));
    return watch;
  }

  /**
   * Returns once the request is sent, not when headers arrive: PodLab's API
   * server sends a watch's headers only with its first event (kube-apiserver
   * flushes them at once), so waiting would hang on a quiet cluster. Nothing
   * is missed: the watch starts from the list's resourceVersion.
   */
  private open(resourceVersion: string): void {
    const req = request(`${this.api.server}/api/v1/pods?watch=1&resourceVersion=${resourceVersion}`, { ca: this.api.ca, headers: { Authorization: `Bearer ${this.api.token}` } }, (res) => {
      if (res.statusCode !== 200) return this.fail(new Error(`the pod watch answered HTTP ${res.statusCode}`));
      res.setEncoding('utf8');
      let partial = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line) this.onEvent(JSON.parse(line) as { type: string; object: PodJson }, at);
      });
      res.on('end', () => this.fail(new Error('the pod watch ended')));
      res.on('error', (err) => this.fail(err));
    });
    req.on('error', (err) => this.fail(err));
    req.end();
    this.req = req;
  }

  private onEvent(event: { type: string; object: PodJson }, at: number): void {
    if (event.type === 'ERROR') return this.fail(new Error(`the pod watch failed: ${JSON.stringify(event.object)}`));
    if (event.type === 'BOOKMARK') return;
    const pod = event.object;
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    const known = this.pods.get(key);
    if (event.type === 'DELETED') {
      if (known?.scheduledAt !== undefined) this.scheduled--;
      if (known?.runningAt !== undefined) this.running--;
      this.pods.delete(key);
    } else {
      const milestones = known ?? { seenAt: at };
      if (pod.spec?.nodeName && milestones.scheduledAt === undefined) {
        milestones.scheduledAt = at;
        this.scheduled++;
      }
      if (pod.status?.phase === 'Running' && milestones.runningAt === undefined) {
        milestones.runningAt = at;
        this.running++;
      }
      milestones.lastReason = reasonOf(pod);
      this.pods.set(key, milestones);
    }
    this.wake();
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves once `done()` holds (checked on every event), or fails after `timeoutMs` saying what it saw. */
  async until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (this.failure) throw this.failure;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}; pods by state: ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** `Running: 37, ErrImagePull: 13`, for a report of a run that did not finish. */
  summary(): string {
    const byReason = new Map<string, number>();
    for (const m of this.pods.values()) {
      const reason = m.runningAt !== undefined ? 'Running' : m.lastReason ?? 'Unknown';
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    }
    return [...byReason].map(([reason, n]) => `${reason}: ${n}`).join(', ') || 'none seen';
  }

  stop(): void {
    this.stopped = true;
    this.req?.destroy();
    this.wake();
  }
}
