// The key-value store every PodLab object lives in. Modeled on etcd's v3 API as
// kube-apiserver uses it (and as kine emulates it on SQL): one global, strictly
// increasing revision; every write gets the next revision; an object's
// resourceVersion is the revision of its last write (its modRevision).

/** One stored key at one revision. Values are opaque strings (PodLab stores JSON). */
export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key: the object's resourceVersion. */
  modRevision: number;
}

export type WatchEventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  type: WatchEventType;
  /** For PUT the new value; for DELETE the value as it was when deleted, with modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event, when there was one. */
  prevKv?: KeyValue;
  /** Revision at which this event happened (equals kv.modRevision). */
  revision: number;
}

export interface RangeOptions {
  /** Read as of this revision (0 or absent: the current revision). */
  revision?: number;
  /** At most this many keys (0 or absent: no limit). */
  limit?: number;
  /** Only keys >= startKey (for pagination: the key after the last one returned). */
  startKey?: string;
}

export interface RangeResult {
  kvs: readonly KeyValue[];
  /** The revision this range was read at: pass it back with startKey to continue at one consistent revision. */
  revision: number;
  /** True when more keys matched than `limit` allowed. */
  more: boolean;
}

export interface WatchOptions {
  /** Deliver every event with revision >= startRevision, then live ones. Absent: only events after now. */
  startRevision?: number;
  /** Called once when the watch ends by itself (Compacted, store closed, backend lost). Not called after cancel(). */
  onError?: (error: Error) => void;
  /** Which live events the watcher can use at all; a store may deliver more (see WatchTrigger). */
  trigger?: WatchTrigger;
}

/**
 * kube-apiserver's indexed trigger (the cacher's TriggerFunc: pods by
 * spec.nodeName): the watcher only keeps events whose new or previous value
 * has `value` as its `index`, so a store may skip the others instead of
 * handing each of a hundred kubelets every pod event. `index` is one function
 * for all watches of a kind: the store works it out once per event. A hint
 * only: the watcher still filters what it gets.
 */
export interface WatchTrigger {
  index: (kv: KeyValue) => string;
  value: string;
}

export interface Watch {
  cancel(): void;
}

/**
 * Errors carry a `code` so callers (the API server) map them to HTTP statuses
 * without knowing which backend threw them.
 */
export type StoreErrorCode =
  | 'KeyExists' // create of a key that exists → 409 AlreadyExists
  | 'KeyNotFound' // update/delete/get of a missing key → 404 NotFound
  | 'Conflict' // compare-and-swap failed: modRevision changed → 409 Conflict
  | 'Compacted' // a revision older than the compaction point → 410 Gone (Expired)
  | 'FutureRevision' // a revision newer than the store's → 504/Timeout in Kubernetes ("Too large resource version")
  | 'Closed' // store closed
  | 'Unavailable' // backend unreachable
  | 'TooLarge' // a write over etcd's request limit → 500 with etcd's own words, as kube-apiserver answers
  | 'NoSpace'; // the disk under the store is full: the write is refused whole, reads go on → 500 saying so (etcd's NOSPACE alarm)

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** For Conflict: the current value, so callers can report it without another read. */
    readonly current?: KeyValue,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** etcd's default --max-request-bytes (1.5 MiB): no stored object may be larger, whichever backend holds it. */
export const maxRequestBytes = 1.5 * 1024 * 1024;

/** Refuses a write etcd would refuse, in etcd's words (rpctypes.ErrRequestTooLarge). */
export function checkRequestSize(key: string, value: string): void {
  if (Buffer.byteLength(key) + Buffer.byteLength(value) > maxRequestBytes) throw new StoreError('TooLarge', 'etcdserver: request is too large');
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

export interface Store {
  /** The newest revision written (0 when empty). */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable; older ones answer Compacted. */
  compactRevision(): Promise<number>;

  /** One key (as of `revision` when given); undefined when absent. */
  get(key: string, revision?: number): Promise<{ kv?: KeyValue; revision: number }>;
  /**
   * The key's newest value when the store holds it in memory, at once (`{}`
   * when it does not exist); undefined when only get() can tell. Optional: a
   * store without it is always asked with get().
   */
  getCached?(key: string): { kv?: KeyValue } | undefined;
  /** Keys with this prefix, in key order, at one consistent revision. */
  range(prefix: string, options?: RangeOptions): Promise<RangeResult>;
  /** Every key with this prefix at the newest revision when the store holds them in memory, at once; undefined when only range() can tell. Optional, as getCached. */
  rangeCached?(prefix: string): readonly KeyValue[] | undefined;
  /** Number of keys with this prefix at the current revision. */
  count(prefix: string): Promise<number>;

  /** Creates the key; KeyExists when present. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Replaces the value only if the key's modRevision is still `expectedModRevision`; Conflict otherwise, KeyNotFound when absent. */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /** Deletes the key (only if its modRevision is `expectedModRevision`, when given). Returns the deleted value with modRevision = the delete's revision. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;

  /** Ordered events for keys with this prefix. Events are delivered strictly in revision order, each once. */
  watch(prefix: string, onEvent: (event: WatchEvent) => void, options?: WatchOptions): Watch;

  /** Forgets history older than `revision` (the newest value of each live key is always kept). */
  compact(revision: number): Promise<void>;

  close(): Promise<void>;
}
