// The garbage collector (kube-controller-manager's garbage-collector-controller).
// It watches every kind (events aside) to keep the dependency graph, and
// works two queues:
//
// attemptToDelete: an object whose owners may be gone. Every owner is looked
// up in the API; when none is left ("dangling" references only), the object
// is deleted, with the propagation its own finalizers ask for (Background
// deletion of an owner thus cascades down, level by level). When an owner is
// being deleted in the foreground, the object is deleted in the foreground
// too if it has dependents of its own. An owner in foreground deletion whose
// blocking dependents are all gone loses its foregroundDeletion finalizer,
// which lets the API server remove it.
//
// attemptToOrphan: an owner deleted with propagationPolicy=Orphan: its
// dependents lose their ownerReference to it, then it loses its orphan
// finalizer.

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject, OwnerReference } from '../../kube/meta.ts';
import type { Controller, ControllerContext } from '../shared/controller.ts';
import { deleteOwnerRefsPatch } from '../shared/controllerRef.ts';
import { removeFinalizer } from '../shared/finalizers.ts';
import { refKey, type KindInfo } from '../shared/resources.ts';
import { WorkQueue } from '../shared/workQueue.ts';
import { DependencyGraph, foregroundFinalizer, hasFinalizer, identityKey, orphanFinalizer, type GraphActions, type GraphNode, type ObjectIdentity } from './graph.ts';

/** Events come and go by the thousand and own nothing (kube-controller-manager ignores them too). */
const ignoredResources = new Set(['events', 'events.events.k8s.io']);
const absentOwnerCacheSize = 500;

type Propagation = 'Orphan' | 'Background' | 'Foreground';

class ItemError extends Error {}

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector-controller';
  private readonly graph = new DependencyGraph();
  private readonly attemptToDelete: WorkQueue;
  private readonly attemptToOrphan: WorkQueue;
  /** The kinds watched into the graph (refKey → kind), following what the API server serves. */
  private readonly monitors = new Map<string, KindInfo>();
  private readonly unsubscribe: () => void;
  /** Owners known not to exist (by full identity), so their many dependents do not each ask the API. */
  private readonly absentOwners = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    workers = 10,
  ) {
    const onError = (what: string) => (err: unknown, uid: string) => ctx.onError(err, `${this.name}: ${what} ${this.describe(uid)}`);
    this.attemptToDelete = new WorkQueue((uid) => this.attemptToDeleteItem(uid), { clock: ctx.clock, workers, onError: onError('deleting') });
    this.attemptToOrphan = new WorkQueue((uid) => this.orphanDependents(uid), { clock: ctx.clock, workers, onError: onError('orphaning dependents of') });
    this.syncMonitors();
    this.unsubscribe = ctx.resources.onChange(() => this.syncMonitors());
  }

  /** resyncMonitors: an informer for every deletable kind served now (events aside); kinds gone stop being watched. */
  private syncMonitors(): void {
    const wanted = new Map<string, KindInfo>();
    for (const info of this.ctx.resources.deletable()) {
      const resource = info.ref.group ? `${info.ref.plural}.${info.ref.group}` : info.ref.plural;
      if (!ignoredResources.has(resource)) wanted.set(refKey(info.ref), info);
    }
    for (const [key, info] of this.monitors) {
      if (wanted.has(key)) continue;
      this.monitors.delete(key);
      void this.ctx.informers.forget(info.ref);
    }
    for (const [key, info] of wanted) {
      if (this.monitors.has(key)) continue;
      this.monitors.set(key, info);
      this.ctx.informers.informer(info.ref).addEventHandler({
        onAdd: (obj) => this.apply(this.graph.observe(undefined, obj)),
        onUpdate: (old, obj) => this.apply(this.graph.observe(old, obj)),
        onDelete: (obj) => this.removeNode(obj.metadata.uid ?? '', false),
      });
    }
  }

  start(): void {
    this.attemptToDelete.start();
    this.attemptToOrphan.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await Promise.all([this.attemptToDelete.stop(), this.attemptToOrphan.stop()]);
  }

  private describe(uid: string): string {
    const node = this.graph.get(uid);
    if (!node) return uid;
    const { kind, namespace, name } = node.identity;
    return `${kind} ${namespace ? `${namespace}/` : ''}${name} (${uid})`;
  }

  private apply(actions: GraphActions): void {
    for (const node of actions.attemptToDelete) this.attemptToDelete.add(node.identity.uid);
    for (const node of actions.attemptToOrphan) this.attemptToOrphan.add(node.identity.uid);
  }

  private removeNode(uid: string, virtual: boolean): void {
    const { actions, hadDependents, identity } = this.graph.remove(uid, virtual);
    if (hadDependents && identity) this.rememberAbsent(identity);
    this.apply(actions);
  }

  private rememberAbsent(identity: ObjectIdentity): void {
    if (this.absentOwners.size >= absentOwnerCacheSize) this.absentOwners.delete(this.absentOwners.values().next().value as string);
    this.absentOwners.add(identityKey(identity));
  }

  private client(apiVersion: string, kind: string): { resource: ResourceClient; namespaced: boolean } {
    const info = this.ctx.resources.kindInfo(apiVersion, kind);
    if (!info) throw new ItemError(`unable to get REST mapping for ${apiVersion}/${kind}`);
    return { resource: this.ctx.client.resource(info.ref), namespaced: info.namespaced };
  }

  private async getObject(identity: ObjectIdentity): Promise<KubeObject | undefined> {
    const { resource, namespaced } = this.client(identity.apiVersion, identity.kind);
    try {
      return await resource.get(namespaced ? identity.namespace : undefined, identity.name);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  /** isDangling: the owner this reference names does not exist (or is another object by now). */
  private async ownerOf(ref: OwnerReference, item: GraphNode): Promise<KubeObject | undefined> {
    const { namespaced } = this.client(ref.apiVersion, ref.kind);
    const identity = { apiVersion: ref.apiVersion, kind: ref.kind, namespace: namespaced ? item.identity.namespace : '', name: ref.name, uid: ref.uid };
    if (this.absentOwners.has(identityKey(identity))) return undefined;
    if (!item.identity.namespace && namespaced) throw new ItemError(`cluster-scoped ${item.identity.kind} ${item.identity.name} names namespaced owner ${ref.kind} ${ref.name}`);
    const owner = await this.getObject(identity);
    if (!owner || owner.metadata.uid !== ref.uid) {
      this.rememberAbsent(identity);
      return undefined;
    }
    return owner;
  }

  private async attemptToDeleteItem(uid: string): Promise<void> {
    const item = this.graph.get(uid);
    if (!item) return;
    try {
      await this.processItem(item);
    } catch (err) {
      // A reference that can never resolve (unknown kind, wrong scope) is not retried.
      if (err instanceof ItemError) return this.ctx.onError(err, `${this.name}: ${this.describe(uid)}`);
      throw err;
    }
    // A virtual node that exists: wait until its informer shows it.
    if (this.graph.get(uid)?.virtual) this.attemptToDelete.addRateLimited(uid);
  }

  private async processItem(item: GraphNode): Promise<void> {
    // Already on its way out: its dependents are handled when it is gone.
    if (item.beingDeleted && !item.deletingDependents) return;
    const latest = await this.getObject(item.identity);
    if (!latest || latest.metadata.uid !== item.identity.uid) {
      this.removeNode(item.identity.uid, true);
      return;
    }
    if (item.deletingDependents) return this.processDeletingDependents(item);
    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await this.ownerOf(ref, item);
      if (!owner) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && hasFinalizer(owner, foregroundFinalizer)) waiting.push(ref);
      else solid.push(ref);
    }
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Keep the object for its live owners; drop the references that would keep the others waiting.
      const { resource, namespaced } = this.client(item.identity.apiVersion, item.identity.kind);
      await resource
        .patch(namespaced ? item.identity.namespace : undefined, item.identity.name, 'application/strategic-merge-patch+json', deleteOwnerRefsPatch(item.identity.uid, [...dangling, ...waiting].map((r) => r.uid)))
        .catch((err) => {
          if (!isApiError(err, 'NotFound')) throw err;
        });
      return;
    }
    if (waiting.length > 0 && item.dependents.size > 0) return this.deleteObject(item.identity, 'Foreground');
    const policy: Propagation = hasFinalizer(latest, orphanFinalizer) ? 'Orphan' : hasFinalizer(latest, foregroundFinalizer) ? 'Foreground' : 'Background';
    return this.deleteObject(item.identity, policy);
  }

  /** processDeletingDependentsItem: finish the foreground deletion once nothing blocks it, else push the blockers along. */
  private async processDeletingDependents(item: GraphNode): Promise<void> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) return this.removeFinalizer(item.identity, foregroundFinalizer);
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep.identity.uid);
  }

  private async deleteObject(identity: ObjectIdentity, propagationPolicy: Propagation): Promise<void> {
    const { resource, namespaced } = this.client(identity.apiVersion, identity.kind);
    try {
      await resource.delete(namespaced ? identity.namespace : undefined, identity.name, { preconditions: { uid: identity.uid }, propagationPolicy });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }

  private removeFinalizer(identity: ObjectIdentity, finalizer: string): Promise<void> {
    const { resource, namespaced } = this.client(identity.apiVersion, identity.kind);
    return removeFinalizer(resource, namespaced ? identity.namespace : undefined, identity.name, identity.uid, finalizer);
  }

  /** attemptToOrphanWorker: dependents drop their reference to the owner, then the owner drops its orphan finalizer. */
  private async orphanDependents(uid: string): Promise<void> {
    const owner = this.graph.get(uid);
    if (!owner) return;
    const failures: string[] = [];
    await Promise.all(
      [...owner.dependents].map(async (dep) => {
        try {
          const { resource, namespaced } = this.client(dep.identity.apiVersion, dep.identity.kind);
          await resource.patch(namespaced ? dep.identity.namespace : undefined, dep.identity.name, 'application/strategic-merge-patch+json', deleteOwnerRefsPatch(dep.identity.uid, [uid]));
        } catch (err) {
          if (!isApiError(err, 'NotFound')) failures.push((err as Error).message);
        }
      }),
    );
    if (failures.length > 0) throw new Error(`failed to orphan dependents of owner ${this.describe(uid)}, got errors: ${failures.join(', ')}`);
    await this.removeFinalizer(owner.identity, orphanFinalizer);
  }
}
