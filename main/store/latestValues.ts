// The newest value of every key under the prefixes that were listed, kept in
// memory as the store commits, so a list at the newest revision (an
// informer's list, `kubectl get`, the UI) and a get are answered without
// reading SQLite. kube-apiserver answers such lists from its watch cache the
// same way (ConsistentListFromCache, on by default since 1.31); reading 10,000
// pods back from the file took most of a list's time.
//
// A list fills a prefix from the file once; from then on every committed
// write under it updates it. Lists and gets under a filled prefix (a
// namespace inside a listed resource included) are answered from here.

import { PrefixMap } from './prefixMap.ts';
import type { KeyValue } from './store.ts';

export interface LatestValuesLimits {
  /** Value text kept across all prefixes (UTF-16 code units); what would pass it is not kept. */
  maxChars: number;
  /** Prefixes kept at most; when a new one would pass it, all are dropped. */
  maxPrefixes: number;
}

const DEFAULT_LIMITS: LatestValuesLimits = { maxChars: 128 * 1024 * 1024, maxPrefixes: 512 };

interface Filled {
  values: Map<string, KeyValue>;
  /** The keys in the store's order; undefined after a key came or went, sorted again when next read. */
  sortedKeys: string[] | undefined;
  chars: number;
  /**
   * Whole lists of prefixes under this one (a resource, a namespace of it)
   * made since its last change, frozen: admission lists its configuration
   * (webhooks, policies, limit ranges) on every write, and the same array
   * lets a reader keep what it made of it.
   */
  lists: Map<string, readonly KeyValue[]> | undefined;
}

/** Whole lists kept per filled prefix at most (namespaces of one resource), dropped together when passed. */
const LISTS_KEPT = 64;

export class LatestValues {
  private readonly filled = new PrefixMap<Filled>();
  private chars = 0;

  private readonly limits: LatestValuesLimits;

  constructor(limits: Partial<LatestValuesLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /**
   * The newest keys under `prefix`, in order, from `startKey` on, at most
   * `limit` (0: all); undefined when no filled prefix covers it. The values
   * are frozen and shared: the same object while its key is unchanged, which
   * lets a reader remember what it worked out of one (registry.ts).
   */
  range(prefix: string, startKey: string, limit: number): { kvs: readonly KeyValue[]; more: boolean } | undefined {
    const covering = this.covering(prefix);
    if (!covering) return undefined;
    const [filledPrefix, filled] = covering;
    const from = compareCodePoints(startKey, prefix) > 0 ? startKey : prefix;
    const whole = from === prefix && !limit;
    const kept = whole ? filled.lists?.get(prefix) : undefined;
    if (kept) return { kvs: kept, more: false };
    const keys = (filled.sortedKeys ??= [...filled.values.keys()].sort(compareCodePoints));
    let i = from === filledPrefix ? 0 : lowerBound(keys, from);
    const kvs: KeyValue[] = [];
    for (; i < keys.length && keys[i]!.startsWith(prefix); i++) {
      if (limit && kvs.length === limit) return { kvs, more: true };
      kvs.push(filled.values.get(keys[i]!)!);
    }
    if (whole) {
      filled.lists ??= new Map();
      if (filled.lists.size >= LISTS_KEPT) filled.lists.clear();
      filled.lists.set(prefix, Object.freeze(kvs));
    }
    return { kvs, more: false };
  }

  /** A key's newest value; `{ kv: undefined }` when it does not exist; undefined when no filled prefix covers it. */
  get(key: string): { kv: KeyValue | undefined } | undefined {
    const covering = this.covering(key);
    if (!covering) return undefined;
    return { kv: covering[1].values.get(key) };
  }

  /** Keeps `kvs`, all the keys under `prefix` at the newest revision, in the store's order. */
  fill(prefix: string, kvs: KeyValue[]): void {
    if (this.covering(prefix)) return;
    const chars = kvs.reduce((sum, kv) => sum + kv.value.length, 0);
    if (chars > this.limits.maxChars || this.limits.maxChars === 0) return;
    // Prefixes inside the new one are covered by it.
    for (const [other, filled] of this.filled.all()) {
      if (other.startsWith(prefix)) this.drop(other, filled);
    }
    if (this.chars + chars > this.limits.maxChars || this.filled.size >= this.limits.maxPrefixes) this.clear();
    this.filled.set(prefix, { values: new Map(kvs.map((kv) => [kv.key, frozen(kv)])), sortedKeys: kvs.map((kv) => kv.key), chars, lists: undefined });
    this.chars += chars;
  }

  /** A committed write: `kv` is the key's new value, or undefined when it was deleted. */
  apply(key: string, kv: KeyValue | undefined): void {
    this.filled.forEachCovering(key, (filled, prefix) => {
      const before = filled.values.get(key);
      const delta = (kv?.value.length ?? 0) - (before?.value.length ?? 0);
      if (kv) filled.values.set(key, frozen(kv));
      else filled.values.delete(key);
      if (!before !== !kv) filled.sortedKeys = undefined;
      filled.lists = undefined;
      filled.chars += delta;
      this.chars += delta;
      if (this.chars > this.limits.maxChars) this.drop(prefix, filled);
    });
  }

  /** Another connection wrote the file: nothing here can be trusted. */
  clear(): void {
    this.filled.clear();
    this.chars = 0;
  }

  private covering(key: string): readonly [string, Filled] | undefined {
    return this.filled.covering(key);
  }

  private drop(prefix: string, filled: Filled): void {
    this.filled.delete(prefix);
    this.chars -= filled.chars;
  }
}

/** The value as kept: the store's own frozen KeyValue as it is (the one its watch event carried), anything else frozen as a copy. */
function frozen(kv: KeyValue): KeyValue {
  return Object.isFrozen(kv) ? kv : Object.freeze({ ...kv });
}

/** The first index whose key is not below `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareCodePoints(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Code-point order, which is SQLite's BINARY order of UTF-8 text and etcd's
 * byte order. JavaScript's own `<` compares UTF-16 code units, which puts
 * characters above U+FFFF (surrogate pairs) below U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
