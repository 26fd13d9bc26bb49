// Hands every controller the same informer for a resource, and starts them
// all together once every controller has registered its handlers, so each
// handler sees the first list. Informers asked for later (a kind that came
// with a CRD) start at once; `forget` stops the informer of a kind no longer
// served.

import type { KubeClient, ResourceRef } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { InformerOptions } from '../../kube/client/informer.ts';
import { refKey } from './resources.ts';
import { SharedInformer } from '../../kube/client/sharedInformer.ts';

export class InformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private started = false;

  constructor(
    private readonly client: KubeClient,
    private readonly options: InformerOptions,
  ) {}

  informer<T extends KubeObject>(ref: ResourceRef): SharedInformer<T> {
    const key = refKey(ref);
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new SharedInformer(this.client.resource(ref), this.options, ref.group ? `${ref.plural}.${ref.group}` : ref.plural);
      this.informers.set(key, informer);
      // Started after the others: the caller adds its handlers in the same turn, before the first list arrives.
      if (this.started) void informer.start().catch((err) => this.options.onError?.(err, `informer ${key}`));
    }
    return informer as unknown as SharedInformer<T>;
  }

  /** Stops and drops the informer of a resource (its kind is no longer served). */
  async forget(ref: ResourceRef): Promise<void> {
    const key = refKey(ref);
    const informer = this.informers.get(key);
    if (!informer) return;
    this.informers.delete(key);
    await informer.stop();
  }

  /** Resolves when every informer has delivered its first list. */
  async start(): Promise<void> {
    this.started = true;
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
