// The Store on a real etcd cluster (v3 API through the `etcd3` client), for
// clusters that outgrow one machine's SQLite file. Each operation is one etcd
// request: compare-and-swap writes are transactions whose failure branch reads the
// key, so a Conflict carries the current value without a second round trip.

import type * as Etcd3Client from 'etcd3';
import type {
  Etcd3,
  ICompare,
  IKeyValue,
  IRangeRequest,
  IRequestOp,
  IResponseHeader,
  ITxnResponse,
  IEvent,
  IWatchResponse,
  Watcher,
} from 'etcd3';
import { lazyModule } from '../lazyModule.ts';
import {
  checkRequestSize,
  StoreError,
  isStoreError,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from './store.ts';

// etcd3 brings gRPC (some 300 modules): loaded only when a cluster is configured with an etcd store.
const etcd3 = lazyModule<typeof Etcd3Client>('etcd3');

export interface EtcdStoreOptions {
  /** `HOST:PORT` or `http(s)://HOST:PORT` of each member. */
  endpoints: string[];
  /** Stored keys are `prefix + key`, so several PodLab clusters can share one etcd. */
  prefix?: string;
  /** A request that gets no answer in this time fails as Unavailable (default 10 s). */
  requestTimeoutMs?: number;
  /** A watch that cannot reconnect for this long ends with Unavailable (default 30 s). */
  watchReconnectTimeoutMs?: number;
}

const NUL = Buffer.from([0]);

/**
 * The etcd range [key, range_end) of every key starting with `prefix`. "\0" as
 * range_end means "to the last key"; etcd rejects an empty key, so the empty
 * prefix starts at "\0" (as etcdctl does).
 */
function prefixRange(prefix: Buffer): { key: Buffer; range_end: Buffer } {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return { key: prefix, range_end: end.subarray(0, i + 1) };
    }
  }
  return { key: prefix.length > 0 ? prefix : NUL, range_end: NUL };
}

/** Maps the client's errors to the store's codes; anything else passes through unchanged. */
function storeErrorOf(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (message.includes('required revision has been compacted')) return new StoreError('Compacted', message);
  if (message.includes('required revision is a future revision')) return new StoreError('FutureRevision', message);
  if (message.includes('request is too large')) return new StoreError('TooLarge', 'etcdserver: request is too large');
  if (message.includes('database space exceeded')) return new StoreError('NoSpace', 'etcdserver: mvcc: database space exceeded');
  if (err instanceof etcd3().ClientClosedError) return new StoreError('Closed', 'store closed');
  // isBrokenCircuitError: the client's circuit breaker (cockatiel) stopped calling a member after repeated failures.
  if (
    err instanceof etcd3().GRPCUnavailableError ||
    err instanceof etcd3().GRPCDeadlineExceededError ||
    (err as { isBrokenCircuitError?: boolean } | null)?.isBrokenCircuitError === true
  ) {
    return new StoreError('Unavailable', `etcd unreachable: ${message}`);
  }
  return err;
}

function revisionOf(header: IResponseHeader): number {
  return Number(header.revision);
}

export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly prefix: Buffer;
  private readonly watchReconnectTimeoutMs: number;
  private readonly watches = new Set<EtcdWatch>();
  /** A compaction point already seen; it only moves forward, so searches start there. */
  private knownCompactRevision = 0;
  private closed = false;

  constructor(options: EtcdStoreOptions) {
    if (options.endpoints.length === 0) throw new Error('EtcdStore needs at least one endpoint');
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.client = new (etcd3().Etcd3)({
      hosts: options.endpoints.map((e) => (e.includes('://') ? e : `http://${e}`)),
      dialTimeout: requestTimeoutMs,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
    });
    this.prefix = Buffer.from(options.prefix ?? '');
    this.watchReconnectTimeoutMs = options.watchReconnectTimeoutMs ?? 30_000;
  }

  async currentRevision(): Promise<number> {
    return revisionOf((await this.rangeRequest(this.probe())).header);
  }

  /**
   * etcd does not report its compaction point, but a read below it fails, so this
   * searches for the oldest readable revision (a few tiny reads).
   */
  async compactRevision(): Promise<number> {
    let low = Math.max(this.knownCompactRevision, 1);
    let high = await this.currentRevision();
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      try {
        await this.rangeRequest({ ...this.probe(), revision: middle });
        high = middle;
      } catch (err) {
        if (!isStoreError(err, 'Compacted')) throw err;
        low = middle + 1;
      }
    }
    // Like SQLite's: 0 while nothing older than revision 1 has been forgotten.
    this.knownCompactRevision = low <= 1 ? 0 : low;
    return this.knownCompactRevision;
  }

  async get(key: string, revision?: number): Promise<{ kv?: KeyValue; revision: number }> {
    const response = await this.rangeRequest({ key: this.keyOf(key), revision: revision || 0 });
    const found = response.kvs[0];
    const rev = revision || revisionOf(response.header);
    return found ? { kv: this.keyValueOf(found), revision: rev } : { revision: rev };
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    const { key, range_end } = prefixRange(this.keyOf(prefix));
    const startKey = options.startKey ? this.keyOf(options.startKey) : key;
    const response = await this.rangeRequest({
      key: Buffer.compare(startKey, key) > 0 ? startKey : key,
      range_end,
      limit: options.limit && options.limit > 0 ? options.limit : 0,
      revision: options.revision || 0,
    });
    return {
      kvs: response.kvs.map((kv) => this.keyValueOf(kv)),
      revision: options.revision || revisionOf(response.header),
      more: response.more,
    };
  }

  async count(prefix: string): Promise<number> {
    const response = await this.rangeRequest({ ...prefixRange(this.keyOf(prefix)), count_only: true });
    return Number(response.count);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    // A server started with a larger --max-request-bytes would store it; PodLab's limit is the default's everywhere.
    checkRequestSize(key, value);
    const k = this.keyOf(key);
    const response = await this.txn(
      [{ key: k, target: etcd3().CompareTarget.Create, result: etcd3().CompareResult.Equal, create_revision: 0 }],
      { request_put: { key: k, value: Buffer.from(value) } },
    );
    if (!response.succeeded) throw new StoreError('KeyExists', `key ${key} already exists`);
    const revision = revisionOf(response.header);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    checkRequestSize(key, value);
    const k = this.keyOf(key);
    const response = await this.txn(
      [{ key: k, target: etcd3().CompareTarget.Mod, result: etcd3().CompareResult.Equal, mod_revision: expectedModRevision }],
      { request_put: { key: k, value: Buffer.from(value), prev_kv: true } },
    );
    if (!response.succeeded) this.throwSwapFailure(key, expectedModRevision, response);
    const previous = response.responses[0]!.response_put.prev_kv;
    return { key, value, createRevision: Number(previous.create_revision), modRevision: revisionOf(response.header) };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const k = this.keyOf(key);
    const compare: ICompare =
      expectedModRevision === undefined
        ? { key: k, target: etcd3().CompareTarget.Create, result: etcd3().CompareResult.Greater, create_revision: 0 }
        : { key: k, target: etcd3().CompareTarget.Mod, result: etcd3().CompareResult.Equal, mod_revision: expectedModRevision };
    const response = await this.txn([compare], { request_delete_range: { key: k, prev_kv: true } });
    if (!response.succeeded) this.throwSwapFailure(key, expectedModRevision, response);
    const previous = response.responses[0]!.response_delete_range.prev_kvs[0]!;
    return { ...this.keyValueOf(previous), modRevision: revisionOf(response.header) };
  }

  // options.trigger is a hint this store does not use: etcd sends every event under the prefix, and the watcher filters.
  watch(prefix: string, onEvent: (event: WatchEvent) => void, options: WatchOptions = {}): Watch {
    if (this.closed) throw new StoreError('Closed', 'store closed');
    const { key, range_end } = prefixRange(this.keyOf(prefix));
    const builder = this.client.watch().inRange({ start: key, end: range_end }).withPreviousKV();
    const start = options.startRevision && options.startRevision > 0 ? options.startRevision : undefined;
    if (start !== undefined) builder.startRevision(String(start));
    const watch = new EtcdWatch(
      {
        watcher: builder.watcher(),
        toEvent: (event, revision) => this.watchEventOf(event, revision),
        isCompacted: (revision) => this.isCompacted(revision),
        forget: (w) => this.watches.delete(w),
        reconnectTimeoutMs: this.watchReconnectTimeoutMs,
      },
      start,
      onEvent,
      options.onError,
    );
    this.watches.add(watch);
    return watch;
  }

  /** Compacting at or below the current compaction point is a no-op, as the store's compactor expects. */
  async compact(revision: number): Promise<void> {
    this.assertOpen();
    try {
      // physical: answer only once the history is gone, so later reads see Compacted.
      await this.client.kv.compact({ revision, physical: true });
    } catch (err) {
      const mapped = storeErrorOf(err);
      if (isStoreError(mapped, 'Compacted')) return;
      throw mapped;
    }
    this.knownCompactRevision = Math.max(this.knownCompactRevision, revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.end(new StoreError('Closed', 'store closed'));
    this.client.close();
  }

  private watchEventOf(event: IEvent, revision: number): WatchEvent {
    const previous = event.prev_kv ? this.keyValueOf(event.prev_kv) : undefined;
    if (event.type === 'Delete') {
      // etcd's tombstone carries only the key; the deleted value is the previous one.
      const kv = {
        key: this.userKeyOf(event.kv.key),
        value: previous?.value ?? '',
        createRevision: previous?.createRevision ?? 0,
        modRevision: revision,
      };
      return previous ? { type: 'DELETE', kv, prevKv: previous, revision } : { type: 'DELETE', kv, revision };
    }
    const kv = this.keyValueOf(event.kv);
    return previous ? { type: 'PUT', kv, prevKv: previous, revision } : { type: 'PUT', kv, revision };
  }

  /** Whether reading at `revision` fails because that history was compacted. */
  private async isCompacted(revision: number): Promise<boolean> {
    try {
      await this.rangeRequest({ ...this.probe(), revision });
      return false;
    } catch (err) {
      if (isStoreError(err, 'Compacted')) return true;
      if (isStoreError(err, 'FutureRevision')) return false;
      throw err;
    }
  }

  private throwSwapFailure(key: string, expectedModRevision: number | undefined, response: ITxnResponse): never {
    const current = response.responses[0]?.response_range.kvs[0];
    if (!current) throw new StoreError('KeyNotFound', `key ${key} not found`);
    const kv = this.keyValueOf(current);
    throw new StoreError('Conflict', `key ${key} was modified: expected revision ${expectedModRevision}, found ${kv.modRevision}`, kv);
  }

  /** One compare-and-swap: `success` when every compare holds, else a read of the key. */
  private async txn(compare: ICompare[], success: IRequestOp): Promise<ITxnResponse> {
    this.assertOpen();
    try {
      return await this.client.kv.txn({ compare, success: [success], failure: [{ request_range: { key: compare[0]!.key } }] });
    } catch (err) {
      throw storeErrorOf(err);
    }
  }

  private async rangeRequest(request: IRangeRequest) {
    this.assertOpen();
    try {
      return await this.client.kv.range(request);
    } catch (err) {
      throw storeErrorOf(err);
    }
  }

  /** A one-key lookup: the cheapest request whose answer carries the store's revision (and fails at a compacted one). */
  private probe(): IRangeRequest {
    return { key: Buffer.concat([this.prefix, NUL]), count_only: true };
  }

  private keyOf(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key)]);
  }

  private userKeyOf(key: Buffer): string {
    return key.subarray(this.prefix.length).toString('utf8');
  }

  private keyValueOf(kv: IKeyValue): KeyValue {
    return {
      key: this.userKeyOf(kv.key),
      value: kv.value.toString('utf8'),
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('Closed', 'store closed');
  }
}

/**
 * One etcd watch. The client reconnects by itself; this makes the resume point the
 * revision after the last event delivered (the client would resume after the
 * newest revision it heard of, which skips history not yet delivered), drops
 * anything replayed, and ends the watch on compaction or a lasting outage.
 */
interface EtcdWatchContext {
  watcher: Watcher;
  toEvent: (event: IEvent, revision: number) => WatchEvent;
  isCompacted: (revision: number) => Promise<boolean>;
  forget: (watch: EtcdWatch) => void;
  reconnectTimeoutMs: number;
}

class EtcdWatch implements Watch {
  /** The next revision to deliver; unknown for a live-only watch until etcd confirms it. */
  private next: number | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly context: EtcdWatchContext,
    startRevision: number | undefined,
    private readonly onEvent: (event: WatchEvent) => void,
    private readonly onError: ((error: Error) => void) | undefined,
  ) {
    this.next = startRevision;
    const { watcher, reconnectTimeoutMs } = context;
    watcher.on('connected', (response: IWatchResponse) => {
      this.clearReconnectTimer();
      // A live-only watch starts after the revision etcd registered it at.
      this.next ??= revisionOf(response.header) + 1;
    });
    watcher.on('data', (response: IWatchResponse) => this.deliver(response));
    watcher.on('disconnected', () => {
      if (this.next !== undefined) watcher.request.start_revision = this.next;
      if (this.reconnectTimer) return;
      this.reconnectTimer = setTimeout(() => {
        this.end(new StoreError('Unavailable', `etcd unreachable: the watch could not reconnect in ${reconnectTimeoutMs} ms`));
      }, reconnectTimeoutMs);
      this.reconnectTimer.unref();
    });
    watcher.on('error', (err: Error) => void this.explain(err));
  }

  cancel(): void {
    if (this.done) return;
    this.stop();
  }

  /** Ends the watch by itself: the one onError call. */
  end(error: Error): void {
    if (this.done) return;
    this.stop();
    this.onError?.(error);
  }

  private stop(): void {
    this.done = true;
    this.clearReconnectTimer();
    this.context.forget(this);
    // The client may already be closed, or the watcher already canceled by etcd.
    this.context.watcher.cancel().catch(() => undefined);
  }

  private clearReconnectTimer(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private deliver(response: IWatchResponse): void {
    if (this.done || response.events.length === 0) return;
    const next = this.next ?? 0;
    let last = 0;
    for (const raw of response.events) {
      const revision = Number(raw.kv.mod_revision);
      last = revision;
      if (revision < next) continue;
      try {
        this.onEvent(this.context.toEvent(raw, revision));
      } catch (err) {
        this.end(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (this.done) return;
    }
    // Events of one revision arrive in one response, so the next one starts after it.
    this.next = Math.max(next, last + 1);
  }

  /** etcd cancels a watch without saying why; the usual reason is compaction, so check for it. */
  private async explain(err: Error): Promise<void> {
    if (this.done) return;
    let error: Error = new StoreError('Unavailable', `etcd ended the watch: ${err.message}`);
    try {
      if (this.next !== undefined && (await this.context.isCompacted(this.next))) {
        error = new StoreError('Compacted', `revision ${this.next} has been compacted`);
      }
    } catch (probeError) {
      const mapped = storeErrorOf(probeError);
      if (mapped instanceof Error) error = mapped;
    }
    this.end(error);
  }
}
