// List-then-watch for one resource (a reflector plus store, as client-go's
// informers): lists, delivers the differences from what it knew as
// add/update/delete, then watches from the list's resourceVersion. When a
// watch ends it watches again from the last resourceVersion seen; when the
// server says that version is gone (410) or reports an error, it lists again.
// Failures are retried with backoff on the injected clock.

import type { Clock, Timer } from '../clock.ts';
import { isApiError, type ClientWatchEvent, type ResourceClient, type WatchHandle } from './types.ts';
import type { KubeObject } from '../meta.ts';

export interface InformerHandlers<T extends KubeObject> {
  onAdd(obj: T): void;
  onUpdate(oldObj: T, newObj: T): void;
  onDelete(obj: T): void;
}

export interface InformerOptions {
  clock: Clock;
  onError: (err: unknown, context: string) => void;
}

/** client-go's reflector backoff: 800 ms doubling to 30 s. */
const INITIAL_RETRY_MS = 800;
const MAX_RETRY_MS = 30_000;

export function objectKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : (obj.metadata.name ?? '');
}

export class Informer<T extends KubeObject> {
  private readonly store = new Map<string, T>();
  private resourceVersion: string | undefined;
  private stopped = false;
  private watch: WatchHandle | undefined;
  private retryTimer: Timer | undefined;
  private wake: (() => void) | undefined;
  private retryMs = INITIAL_RETRY_MS;
  /** Watches in a row that ended without delivering anything. */
  private emptyWatches = 0;
  private synced!: () => void;
  private readonly hasSynced = new Promise<void>((resolve) => (this.synced = resolve));
  private running: Promise<void> | undefined;

  constructor(
    private readonly resource: ResourceClient<T>,
    private readonly handlers: InformerHandlers<T>,
    private readonly options: InformerOptions,
    private readonly what: string,
  ) {}

  /** Resolves once the first list has been delivered to the handlers (or the informer was stopped). */
  start(): Promise<void> {
    this.running ??= this.run();
    return Promise.race([this.hasSynced, this.running]);
  }

  /** Resolves when the list/watch loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.stop();
    this.retryTimer?.cancel();
    this.wake?.();
    await this.running;
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  /** Every cached object. */
  values(): T[] {
    return [...this.store.values()];
  }

  private async run(): Promise<void> {
    let mustList = true;
    while (!this.stopped) {
      try {
        if (mustList) {
          await this.list();
          mustList = false;
        }
        const outcome = await this.watchOnce();
        if (outcome !== 'rewatch') mustList = true;
        if (outcome === 'retry') await this.backoff();
      } catch (err) {
        if (this.stopped) break;
        this.options.onError(err, `${this.what}: list/watch failed`);
        mustList = true;
        await this.backoff();
      }
    }
  }

  private async list(): Promise<void> {
    const list = await this.resource.list(undefined);
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj);
      seen.add(key);
      this.apply(key, obj);
    }
    for (const [key, obj] of this.store) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.handlers.onDelete(obj);
    }
    this.resourceVersion = list.metadata.resourceVersion;
    this.synced();
  }

  private apply(key: string, obj: T): void {
    const old = this.store.get(key);
    this.store.set(key, obj);
    if (!old) this.handlers.onAdd(obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.handlers.onUpdate(old, obj);
  }

  /**
   * 'rewatch': the watch ended normally (a quiet one too: servers end watches
   * on a timeout); 'relist': our resourceVersion is gone (410); 'retry': the
   * server reported an error, or ended watches twice in a row without
   * delivering anything: list again after backoff rather than in a tight loop.
   */
  private async watchOnce(): Promise<'rewatch' | 'relist' | 'retry'> {
    let delivered = false;
    let failure: 'gone' | 'error' | undefined;
    const onEvent = (event: ClientWatchEvent<T>) => {
      if (this.stopped || failure) return;
      if (event.type === 'ERROR') {
        const status = event.object as { code?: number; message?: string };
        failure = status.code === 410 ? 'gone' : 'error';
        if (failure === 'error') this.options.onError(new Error(status.message ?? `watch error ${status.code}`), `${this.what}: watch`);
        handle?.stop();
        return;
      }
      delivered = true;
      const obj = event.object as T;
      this.resourceVersion = obj.metadata.resourceVersion ?? this.resourceVersion;
      if (event.type === 'BOOKMARK') return;
      const key = objectKey(obj);
      if (event.type === 'DELETED') {
        this.store.delete(key);
        this.handlers.onDelete(obj);
      } else {
        this.apply(key, obj);
      }
    };
    let handle: WatchHandle | undefined;
    try {
      handle = this.resource.watch(undefined, { resourceVersion: this.resourceVersion, allowWatchBookmarks: true }, onEvent);
    } catch (err) {
      if (isApiError(err) && err.code === 410) return 'relist';
      throw err;
    }
    this.watch = handle;
    // An ERROR delivered while watch() was still running could not stop the handle yet.
    if (this.stopped || failure) handle.stop();
    await handle.done;
    this.watch = undefined;
    if (failure === 'gone') return 'relist';
    if (failure === 'error') return 'retry';
    this.emptyWatches = delivered ? 0 : this.emptyWatches + 1;
    if (this.emptyWatches > 1) return 'retry';
    if (delivered) this.retryMs = INITIAL_RETRY_MS;
    return 'rewatch';
  }

  private backoff(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    return new Promise((resolve) => {
      this.wake = resolve;
      this.retryTimer = this.options.clock.setTimeout(resolve, delay);
    });
  }
}
