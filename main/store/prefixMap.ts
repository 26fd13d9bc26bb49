// Values kept by key prefix (the watched prefixes of a store, the prefixes its
// memory holds), found for a key without allocating anything. Every write asks
// which prefixes its key falls under, several times; iterating a Map made an
// entry array and an iterator result per prefix each time, some six hundred
// megabytes over a 10,000-pod run. The prefixes change rarely (a watch on a
// new resource, a first list), so each change makes a new array of them.

export class PrefixMap<V> {
  private readonly byPrefix = new Map<string, V>();
  /** The entries in insertion order; replaced, never changed, so a walk over it is not disturbed by a change it causes. */
  private entries: ReadonlyArray<readonly [string, V]> = [];

  get size(): number {
    return this.byPrefix.size;
  }

  get(prefix: string): V | undefined {
    return this.byPrefix.get(prefix);
  }

  set(prefix: string, value: V): void {
    if (this.byPrefix.get(prefix) === value) return;
    this.byPrefix.set(prefix, value);
    this.entries = [...this.byPrefix];
  }

  delete(prefix: string): boolean {
    if (!this.byPrefix.delete(prefix)) return false;
    this.entries = [...this.byPrefix];
    return true;
  }

  clear(): void {
    this.byPrefix.clear();
    this.entries = [];
  }

  /** Every prefix and value, in insertion order, as they are now. */
  all(): ReadonlyArray<readonly [string, V]> {
    return this.entries;
  }

  /** The first entry (in insertion order) whose prefix `key` starts with. */
  covering(key: string): readonly [string, V] | undefined {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (key.startsWith(entry[0])) return entry;
    }
    return undefined;
  }

  /** Calls `fn` for each entry whose prefix `key` starts with, as the entries were when the call began. */
  forEachCovering(key: string, fn: (value: V, prefix: string) => void): void {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (key.startsWith(entry[0])) fn(entry[1], entry[0]);
    }
  }
}
