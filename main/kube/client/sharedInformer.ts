// One list/watch per resource for every controller (client-go's shared
// informers): the client's Informer does the list/watch and keeps the
// objects; this adds what several controllers need on top of it: more than
// one set of handlers, and listing the cache by namespace.

import type { ResourceClient } from './types.ts';
import type { KubeObject } from '../meta.ts';
import { Informer, type InformerHandlers, type InformerOptions } from './informer.ts';

export type EventHandlers<T extends KubeObject> = Partial<InformerHandlers<T>>;

export class SharedInformer<T extends KubeObject> {
  private readonly handlers: EventHandlers<T>[] = [];
  /** namespace ('' for cluster-scoped) → name → object, so a namespace lists without a scan or a key per object (the ReplicaSet controller lists its namespace's pods on every sync). */
  private readonly index = new Map<string, Map<string, T>>();
  private readonly informer: Informer<T>;

  constructor(
    resource: ResourceClient<T>,
    private readonly options: InformerOptions,
    readonly what: string,
  ) {
    this.informer = new Informer(
      resource,
      {
        onAdd: (obj) => {
          this.indexAdd(obj);
          this.dispatch('onAdd', (h) => h.onAdd?.(obj));
        },
        onUpdate: (oldObj, newObj) => {
          this.indexAdd(newObj);
          this.dispatch('onUpdate', (h) => h.onUpdate?.(oldObj, newObj));
        },
        onDelete: (obj) => {
          this.indexRemove(obj);
          this.dispatch('onDelete', (h) => h.onDelete?.(obj));
        },
      },
      options,
      what,
    );
  }

  /** Handlers added before start() see every object of the first list as an add. */
  addEventHandler(handlers: EventHandlers<T>): void {
    this.handlers.push(handlers);
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.informer.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Every cached object of one namespace, or of all namespaces when `namespace` is undefined. */
  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.index.get(namespace)?.values() ?? [])];
    const out: T[] = [];
    for (const objects of this.index.values()) for (const obj of objects.values()) out.push(obj);
    return out;
  }

  private indexAdd(obj: T): void {
    const ns = obj.metadata.namespace ?? '';
    let objects = this.index.get(ns);
    if (!objects) this.index.set(ns, (objects = new Map()));
    objects.set(obj.metadata.name ?? '', obj);
  }

  private indexRemove(obj: T): void {
    const ns = obj.metadata.namespace ?? '';
    const objects = this.index.get(ns);
    objects?.delete(obj.metadata.name ?? '');
    if (objects?.size === 0) this.index.delete(ns);
  }

  /** A failing handler must not stop the others, nor the watch. */
  private dispatch(what: string, call: (h: EventHandlers<T>) => void): void {
    for (const h of this.handlers) {
      try {
        call(h);
      } catch (err) {
        this.options.onError(err, `${this.what}: ${what} handler`);
      }
    }
  }
}
