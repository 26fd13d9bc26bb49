// The namespace controller (kube-controller-manager's namespace-controller):
// a deleted namespace shows phase Terminating while everything in it is
// deleted, then goes away.
//
// Kubernetes holds a deleted namespace with spec.finalizers ["kubernetes"]
// and lets it go through the namespaces/finalize subresource. PodLab's API
// server treats namespaces like every other object, held only by
// metadata.finalizers; so this controller gives every deletable namespace the
// metadata finalizer "kubernetes" as soon as it sees it, and removing that
// finalizer is its "finalize". `kubectl get ns` shows the same thing:
// Terminating until the content is gone, then nothing.

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { immortalNamespaces } from '../../apiserver/admission/namespaceLifecycle.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { QueueController, type ControllerContext } from '../shared/controller.ts';
import { removeFinalizer } from '../shared/finalizers.ts';
import { namespacesResource, refKey, type KindInfo } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { parseTime, timestampOf } from '../shared/time.ts';
import type { Pod } from '../shared/types.ts';
import { conditionsFor, mergeConditions, type DeletionTotals } from './namespaceConditions.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const namespaceFinalizer = 'kubernetes';
/** How long to wait for objects held by finalizers before looking again (finalizerEstimateSeconds). */
const finalizerEstimateSeconds = 15;

function resourceName(info: KindInfo): string {
  return `${info.ref.plural}.${info.ref.group}`;
}

function phaseOf(ns: KubeObject): string | undefined {
  return (ns.status as { phase?: string } | undefined)?.phase;
}

export class NamespaceController extends QueueController {
  private readonly namespaces: SharedInformer<KubeObject>;
  private readonly nsClient: ResourceClient;
  private readonly watched = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(ctx: ControllerContext, workers = 5) {
    super('namespace-controller', ctx, workers);
    this.namespaces = ctx.informers.informer(namespacesResource);
    this.nsClient = ctx.client.resource(namespacesResource);
    this.namespaces.addEventHandler({ onAdd: (ns) => this.enqueue(ns), onUpdate: (_old, ns) => this.enqueue(ns) });
    this.watchContent();
    this.unsubscribe = ctx.resources.onChange(() => this.watchContent());
  }

  /** The namespaced kinds served now: what a namespace's deletion empties (custom resources included). */
  private namespacedKinds(): KindInfo[] {
    return this.ctx.resources.deletable().filter((k) => k.namespaced);
  }

  /** Kubernetes only looks again after an estimate; content going away is a better cue for a terminating namespace. */
  private watchContent(): void {
    const served = this.namespacedKinds();
    // A kind that went away loses its informer; if it comes back, its new informer gets the handler again.
    for (const key of this.watched) if (!served.some((info) => refKey(info.ref) === key)) this.watched.delete(key);
    for (const info of served) {
      const key = refKey(info.ref);
      if (info.ref.plural === 'events' || this.watched.has(key)) continue;
      this.watched.add(key);
      this.ctx.informers.informer(info.ref).addEventHandler({
        onDelete: (obj) => {
          const ns = this.namespaces.get(undefined, obj.metadata.namespace ?? '');
          if (ns?.metadata.deletionTimestamp) this.enqueue(ns);
        },
      });
    }
  }

  override async stop(): Promise<void> {
    this.unsubscribe();
    await super.stop();
  }

  protected async reconcile(name: string): Promise<void> {
    const cached = this.namespaces.get(undefined, name);
    if (!cached) return;
    if (!cached.metadata.deletionTimestamp) return this.ensureFinalizer(cached);
    let ns: KubeObject;
    try {
      ns = await this.nsClient.get(undefined, name);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return;
    ns = await this.markTerminating(ns);
    if (!ns.metadata.finalizers?.includes(namespaceFinalizer)) return;
    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) {
      this.queue.addAfter(name, (Math.floor(estimate / 2) + 1) * 1000);
      return;
    }
    await removeFinalizer(this.nsClient, undefined, name, ns.metadata.uid, namespaceFinalizer);
  }

  private async ensureFinalizer(ns: KubeObject): Promise<void> {
    const name = ns.metadata.name ?? '';
    if (immortalNamespaces.has(name) || ns.metadata.finalizers?.includes(namespaceFinalizer)) return;
    await this.nsClient.patch(undefined, name, 'application/merge-patch+json', {
      metadata: { resourceVersion: ns.metadata.resourceVersion, finalizers: [...(ns.metadata.finalizers ?? []), namespaceFinalizer] },
    });
  }

  private async markTerminating(ns: KubeObject): Promise<KubeObject> {
    if (phaseOf(ns) === 'Terminating') return ns;
    return this.nsClient.updateStatus(undefined, { ...ns, status: { ...((ns.status as object) ?? {}), phase: 'Terminating' } });
  }

  /** deleteAllContent: deletes everything in the namespace; the seconds to wait for what remains (0: all gone). Throws when something failed. */
  private async deleteAllContent(ns: KubeObject): Promise<number> {
    const namespace = ns.metadata.name ?? '';
    const deletedAt = parseTime(ns.metadata.deletionTimestamp) ?? this.ctx.clock.now();
    const totals: DeletionTotals = { remainingByResource: new Map(), remainingByFinalizer: new Map(), errors: [] };
    let estimate = 0;
    for (const info of this.namespacedKinds()) {
      try {
        estimate = Math.max(estimate, await this.deleteAllOf(info, namespace, deletedAt, totals));
      } catch (err) {
        totals.errors.push((err as Error).message);
      }
    }
    const fresh = deepCopy(ns);
    if (mergeConditions(fresh, conditionsFor(totals, timestampOf(this.ctx.clock)))) {
      await this.nsClient.updateStatus(undefined, fresh).catch((err) => this.ctx.onError(err, `${this.name}: status of ${namespace}`));
    }
    if (totals.errors.length > 0) throw new Error(totals.errors.length === 1 ? totals.errors[0] : `[${totals.errors.join(', ')}]`);
    return estimate;
  }

  /** deleteAllContentForGroupVersionResource: the seconds to wait for this kind's remaining objects. */
  private async deleteAllOf(info: KindInfo, namespace: string, deletedAt: number, totals: DeletionTotals): Promise<number> {
    const resource = this.ctx.client.resource(info.ref);
    const before = await resource.list(namespace);
    const graceEstimate = info.ref.plural === 'pods' && info.ref.group === '' ? this.podsEstimate(before.items as Pod[], deletedAt) : 0;
    for (const obj of before.items) {
      try {
        await resource.delete(namespace, obj.metadata.name ?? '', { propagationPolicy: 'Background' });
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
    }
    const remaining = (await resource.list(namespace)).items;
    if (remaining.length === 0) return 0;
    totals.remainingByResource.set(resourceName(info), remaining.length);
    let withFinalizers = 0;
    for (const obj of remaining) {
      for (const finalizer of obj.metadata.finalizers ?? []) {
        totals.remainingByFinalizer.set(finalizer, (totals.remainingByFinalizer.get(finalizer) ?? 0) + 1);
        withFinalizers++;
      }
    }
    if (graceEstimate > 0) return graceEstimate;
    if (withFinalizers > 0) return finalizerEstimateSeconds;
    throw new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${info.ref.group}/${info.ref.version}, Resource=${info.ref.plural}`);
  }

  /** estimateGracefulTerminationForPods: the longest grace period of a pod still running, less the time since the namespace was deleted. */
  private podsEstimate(pods: Pod[], deletedAt: number): number {
    let estimate = 0;
    for (const pod of pods) {
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      estimate = Math.max(estimate, pod.spec.terminationGracePeriodSeconds ?? 0);
    }
    const elapsed = Math.floor((this.ctx.clock.now() - deletedAt) / 1000);
    return Math.max(0, estimate - elapsed);
  }
}
