// Values kept by key prefix (the watched prefixes of a store, the prefixes its
// memory holds), found for a key without allocating anything. Every write asks
// which prefixes its key falls under, several times; iterating a Map made an
// entry array and an iterator result per prefix each time, some six hundred
// megabytes over a 10,000-pod run. The prefixes change rarely (a watch on a
// new resource, a first list), so each change makes a new array of them.
//
// The registry's prefixes are directories (they end with `/`): a key then
// falls under the same prefixes as its directory, and what each directory
// falls under is worked out once, until the prefixes change. Admission looks
// up half a dozen lists on every write, against some sixty prefixes.

type Entry<V> = readonly [string, V];

/** Directories remembered at most between two changes of the prefixes. */
const DIRECTORIES_KEPT = 4096;

export class PrefixMap<V> {
  private readonly byPrefix = new Map<string, V>();
  /** The entries in insertion order; replaced, never changed, so a walk over it is not disturbed by a change it causes. */
  private entries: ReadonlyArray<Entry<V>> = [];
  /** Whether every prefix ends with `/` (else a key is matched against each prefix itself). */
  private directoriesOnly = true;
  /** The entries each directory falls under, in insertion order, since the prefixes last changed. */
  private byDirectory = new Map<string, ReadonlyArray<Entry<V>>>();

  get size(): number {
    return this.byPrefix.size;
  }

  get(prefix: string): V | undefined {
    return this.byPrefix.get(prefix);
  }

  set(prefix: string, value: V): void {
    if (this.byPrefix.get(prefix) === value) return;
    this.byPrefix.set(prefix, value);
    this.changed();
  }

  delete(prefix: string): boolean {
    if (!this.byPrefix.delete(prefix)) return false;
    this.changed();
    return true;
  }

  clear(): void {
    this.byPrefix.clear();
    this.changed();
  }

  /** Every prefix and value, in insertion order, as they are now. */
  all(): ReadonlyArray<Entry<V>> {
    return this.entries;
  }

  /** The first entry (in insertion order) whose prefix `key` starts with. */
  covering(key: string): Entry<V> | undefined {
    return this.matching(key)[0];
  }

  /** Calls `fn` for each entry whose prefix `key` starts with, as the entries were when the call began. */
  forEachCovering(key: string, fn: (value: V, prefix: string) => void): void {
    const matching = this.matching(key);
    for (let i = 0; i < matching.length; i++) fn(matching[i]![1], matching[i]![0]);
  }

  private changed(): void {
    this.entries = [...this.byPrefix];
    this.directoriesOnly = this.entries.every(([prefix]) => prefix.endsWith('/'));
    this.byDirectory = new Map();
  }

  /** The entries whose prefix `key` starts with, in insertion order. */
  private matching(key: string): ReadonlyArray<Entry<V>> {
    if (!this.directoriesOnly) return this.scan(key);
    // A prefix ending with `/` that the key starts with is one its directory starts with too.
    const directory = key.slice(0, key.lastIndexOf('/') + 1);
    let found = this.byDirectory.get(directory);
    if (!found) {
      found = this.scan(directory);
      if (this.byDirectory.size >= DIRECTORIES_KEPT) this.byDirectory = new Map();
      this.byDirectory.set(directory, found);
    }
    return found;
  }

  private scan(key: string): ReadonlyArray<Entry<V>> {
    const entries = this.entries;
    const found: Entry<V>[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (key.startsWith(entries[i]![0])) found.push(entries[i]!);
    }
    return found;
  }
}
