// A cache that keeps what was used lately and lets the rest go: the `floor`
// most recently used entries always, and beyond them whatever was used in
// the last `keepMs`. Made for work that comes in bursts: during one every
// entry in use stays (however many), and once it is over the cache shrinks
// back to its floor as it is used again. Entries go only when the cache is
// used, so an idle cache keeps its last state.

import type { Clock } from './clock.ts';

export interface RecentlyUsedOptions {
  floor: number;
  keepMs: number;
  clock: Pick<Clock, 'now'>;
}

interface Entry<V> {
  value: V;
  usedAt: number;
}

export class RecentlyUsed<K, V> {
  // Least recently used first: a Map keeps the order entries were (re)set in.
  private readonly entries = new Map<K, Entry<V>>();

  constructor(private readonly options: RecentlyUsedOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, made by `make` when missing; either way it becomes the most recently used. */
  use(key: K, make: () => V): V {
    const now = this.options.clock.now();
    const entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    const value = entry ? entry.value : make();
    this.entries.set(key, { value, usedAt: now });
    this.letGo(now);
    return value;
  }

  private letGo(now: number): void {
    const { floor, keepMs } = this.options;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= floor || now - entry.usedAt < keepMs) return;
      this.entries.delete(key);
    }
  }
}
