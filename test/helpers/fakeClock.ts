// A clock that only moves when a test says so: advance() runs the timers that
// fall due, in due order, with now() set to each timer's due time.

import type { Clock, Timer } from '../../main/kube/clock.ts';

interface PendingTimer {
  due: number;
  order: number;
  callback: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private order = 0;
  private readonly timers = new Set<PendingTimer>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const timer = { due: this.current + Math.max(0, ms), order: this.order++, callback };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  /** Moves time forward by `ms`, firing every timer due by then (including ones those timers set). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = [...this.timers].filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (!next) break;
      this.timers.delete(next);
      this.current = next.due;
      next.callback();
    }
    this.current = target;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}
