// The renderer's live views: one list-then-watch per selection, as a
// client-go informer does it. Changes are sent in batches (a burst of a
// thousand pod updates arrives as a few messages, not a thousand), a watch
// the server ends is resumed from the last resourceVersion seen, and 410 Gone
// (history compacted) or any error is answered by listing again. Objects go
// without metadata.managedFields: no view shows them (YAML is read with a get,
// as kubectl get -o yaml hides them), and they are a third of a pod's bytes.

import { randomUUID } from 'node:crypto';
import type { BridgeEvents, KubeObject, Selection, Status, WatchChange } from '../../preload/api.ts';
import type { KubeClient, WatchHandle } from '../kube/client/types.ts';
import { toBridgeError } from './bridgeError.ts';
import { forbiddenMessage } from './forbiddenAdvice.ts';

const batchMs = 50;

function forViews(object: KubeObject): KubeObject {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return { ...object, metadata };
}
const retryMs = 1000;

type Emit = (payload: BridgeEvents['watch']) => void;

class LiveSelection {
  private handle: WatchHandle | undefined;
  private stopped = false;
  private pending: WatchChange[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private resourceVersion = '';

  constructor(
    readonly id: string,
    private readonly client: KubeClient,
    private readonly selection: Selection,
    private readonly emit: Emit,
  ) {}

  start(): void {
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.handle?.stop();
    clearTimeout(this.flushTimer);
    clearTimeout(this.retryTimer);
  }

  private get resource() {
    return this.client.resource(this.selection.resource);
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    const { namespace, labelSelector, fieldSelector } = this.selection;
    try {
      const list = await this.resource.list(namespace, { labelSelector, fieldSelector });
      if (this.stopped) return;
      this.pending = [];
      this.resourceVersion = list.metadata.resourceVersion ?? '';
      const kind = list.kind.replace(/List$/, '');
      const apiVersion = list.apiVersion;
      // List items come without kind/apiVersion; views and YAML want them.
      this.emit({ watchId: this.id, sync: list.items.map((item) => ({ apiVersion, kind, ...forViews(item) })) });
      this.watch();
    } catch (err) {
      if (this.stopped) return;
      this.emit({ watchId: this.id, error: toBridgeError(err) });
      this.retryTimer = setTimeout(() => void this.relist(), retryMs);
    }
  }

  private watch(): void {
    const { namespace, labelSelector, fieldSelector } = this.selection;
    // undefined: resume watching; a number: list again after that many ms.
    let relistAfter: number | undefined;
    const handle = this.resource.watch(namespace, { labelSelector, fieldSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true }, (event) => {
      const object = event.object as KubeObject;
      if (event.type === 'ERROR') {
        const status = object as unknown as Status;
        relistAfter = status.code === 410 ? 0 : retryMs;
        if (status.code !== 410) this.emit({ watchId: this.id, error: { message: forbiddenMessage({ ...status, message: status.message ?? 'the watch failed' }) } });
        return;
      }
      if (object.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
      if (event.type === 'BOOKMARK') return;
      this.pending.push({ type: event.type, object: forViews(object) });
      this.flushTimer ??= setTimeout(() => this.flush(), batchMs);
    });
    this.handle = handle;
    void handle.done.then(() => {
      if (this.stopped || this.handle !== handle) return;
      this.flush();
      if (relistAfter === undefined) this.watch();
      else this.retryTimer = setTimeout(() => void this.relist(), relistAfter);
    });
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.stopped || this.pending.length === 0) return;
    const changes = this.pending;
    this.pending = [];
    this.emit({ watchId: this.id, changes });
  }
}

export class WatchManager {
  private readonly live = new Map<string, LiveSelection>();

  constructor(private readonly emit: Emit) {}

  start(client: KubeClient, selection: Selection): string {
    const id = randomUUID();
    const live = new LiveSelection(id, client, selection, this.emit);
    this.live.set(id, live);
    live.start();
    return id;
  }

  stop(id: string): void {
    this.live.get(id)?.stop();
    this.live.delete(id);
  }

  stopAll(): void {
    for (const live of this.live.values()) live.stop();
    this.live.clear();
  }
}
