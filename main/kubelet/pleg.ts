// The pod lifecycle event generator: the runtime's event stream tells which
// pod's containers changed (a container death is seen within the engine's
// event latency), and a periodic relist catches what a broken stream missed.
// Either way the pod's worker is triggered, once per change: a change the
// stream reported is recorded as a relist would list it, so the next relist
// does not trigger the pod again (as the evented PLEG keeps its cache from
// the events, and relists only to catch what they missed). The time of the
// last successful relist is PLEG's health, reported on the node's Ready
// condition.

import { LABEL_POD_UID, type ContainerEvent, type Runtime } from '../runtime/runtime.ts';
import type { Clock, Timer } from '../kube/clock.ts';

export interface PlegOptions {
  runtime: Runtime;
  clock: Clock;
  relistMs: number;
  onPodEvent: (uid: string) => void;
  onError: (error: unknown, context: string) => void;
}

const RESUBSCRIBE_MS = 1_000;

/** Each event's state for a container and for a sandbox; an OOM notice changes none (its `died` follows). */
const STATE_AFTER: Partial<Record<ContainerEvent['type'], [string, string]>> = {
  created: ['created', 'notready'],
  started: ['running', 'ready'],
  died: ['exited', 'notready'],
};

export class Pleg {
  private readonly states = new Map<string, string>();
  private abort = new AbortController();
  private relistTimer: Timer | undefined;
  private stopped = false;
  private watching: Promise<void> | undefined;
  /** When the last relist succeeded (ms on the clock); undefined before the first. */
  lastRelist: number | undefined;

  constructor(private readonly options: PlegOptions) {}

  start(): void {
    this.watching = this.watchEvents();
    void this.relist();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.relistTimer?.cancel();
    this.abort.abort();
    await this.watching;
  }

  private async watchEvents(): Promise<void> {
    while (!this.stopped) {
      try {
        const stream = this.options.runtime.events({ signal: this.abort.signal });
        await stream.ready;
        // Anything that happened while the stream was down is found by listing now.
        void this.relist(false);
        for await (const event of stream) {
          const uid = event.labels[LABEL_POD_UID];
          if (!uid) continue;
          this.record(uid, event);
          this.options.onPodEvent(uid);
        }
      } catch (error) {
        if (this.stopped) return;
        this.options.onError(error, 'runtime events');
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => this.options.clock.setTimeout(resolve, RESUBSCRIBE_MS));
    }
  }

  /** The state the stream's event left the container or sandbox in, as a relist lists it. */
  private record(uid: string, event: ContainerEvent): void {
    if (event.type === 'removed') {
      this.states.delete(event.containerId);
      return;
    }
    const state = STATE_AFTER[event.type]?.[event.isSandbox ? 1 : 0];
    if (state) this.states.set(event.containerId, `${uid}|${state}`);
  }

  /** Compares every container's state with the last relist and triggers the pods that changed. */
  async relist(schedule = true): Promise<void> {
    if (schedule) this.relistTimer = undefined;
    try {
      const [sandboxes, containers] = await Promise.all([this.options.runtime.listPodSandboxes(), this.options.runtime.listContainers()]);
      const seen = new Map<string, string>();
      const changed = new Set<string>();
      for (const item of [...sandboxes, ...containers]) {
        const uid = item.labels[LABEL_POD_UID] ?? '';
        seen.set(item.id, `${uid}|${item.state}`);
        if (this.states.get(item.id) !== seen.get(item.id) && uid) changed.add(uid);
      }
      for (const [key, value] of this.states) if (!seen.has(key)) changed.add(value.split('|')[0]!);
      this.states.clear();
      for (const [key, value] of seen) this.states.set(key, value);
      this.lastRelist = this.options.clock.now();
      for (const uid of changed) if (uid) this.options.onPodEvent(uid);
    } catch (error) {
      this.options.onError(error, 'runtime relist');
    }
    if (schedule && !this.stopped) this.relistTimer = this.options.clock.setTimeout(() => void this.relist(), this.options.relistMs);
  }
}
