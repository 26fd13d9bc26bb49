// The live watches of one key prefix, as a store hands them each committed
// write: those without a trigger get every event; those with one are kept by
// their trigger's index and value, so an event reaches only the watches whose
// value its new or previous object has (kube-apiserver's cacher does the same
// for pods by spec.nodeName: each kubelet's watch gets its own node's pods,
// and the index is worked out once per event, not once per kubelet).

import type { WatchEvent, WatchTrigger } from './store.ts';

export interface Notified {
  notify(event: WatchEvent): void;
}

export class PrefixWatches<W extends Notified> {
  private readonly untriggered = new Set<W>();
  private readonly triggered = new Map<WatchTrigger['index'], Map<string, Set<W>>>();
  private readonly triggers = new Map<W, WatchTrigger>();

  get size(): number {
    return this.untriggered.size + this.triggers.size;
  }

  add(watch: W, trigger?: WatchTrigger): void {
    if (this.untriggered.has(watch) || this.triggers.has(watch)) return;
    if (!trigger) {
      this.untriggered.add(watch);
      return;
    }
    this.triggers.set(watch, trigger);
    let byValue = this.triggered.get(trigger.index);
    if (!byValue) this.triggered.set(trigger.index, (byValue = new Map()));
    let same = byValue.get(trigger.value);
    if (!same) byValue.set(trigger.value, (same = new Set()));
    same.add(watch);
  }

  /** Whether it was here. */
  delete(watch: W): boolean {
    if (this.untriggered.delete(watch)) return true;
    const trigger = this.triggers.get(watch);
    if (!trigger) return false;
    this.triggers.delete(watch);
    const byValue = this.triggered.get(trigger.index)!;
    const same = byValue.get(trigger.value)!;
    same.delete(watch);
    if (same.size === 0) byValue.delete(trigger.value);
    if (byValue.size === 0) this.triggered.delete(trigger.index);
    return true;
  }

  *all(): Iterable<W> {
    yield* this.untriggered;
    yield* this.triggers.keys();
  }

  notify(event: WatchEvent): void {
    for (const watch of this.untriggered) watch.notify(event);
    for (const [index, byValue] of this.triggered) {
      const now = index(event.kv);
      notifyAll(byValue.get(now), event);
      const before = event.prevKv ? index(event.prevKv) : now;
      if (before !== now) notifyAll(byValue.get(before), event);
    }
  }
}

function notifyAll<W extends Notified>(watches: Set<W> | undefined, event: WatchEvent): void {
  if (watches) for (const watch of watches) watch.notify(event);
}
