// The garbage collector's dependency graph (garbagecollector/graph.go and
// graph_builder.go): a node per object any informer has shown, linked to its
// owners (from ownerReferences) and its dependents. An owner referenced
// before it has been seen gets a "virtual" node, to be checked against the
// API. Each change to the graph says which nodes the collector must look at:
// dependents whose owner went away, owners whose foreground deletion may have
// finished, owners that started an orphaning or foreground deletion.

import type { KubeObject, OwnerReference } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  /** The dependent's namespace for a virtual node of a namespaced owner; '' for cluster-scoped objects. */
  namespace: string;
  name: string;
  uid: string;
}

export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  beingDeleted = false;
  deletingDependents = false;

  constructor(
    public identity: ObjectIdentity,
    public owners: OwnerReference[],
    /** Known only from a dependent's ownerReference, not (yet) from an informer. */
    public virtual: boolean,
  ) {}

  /** Dependents that block this owner's foreground deletion (blockOwnerDeletion on their reference to it). */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true));
  }
}

/** What a graph change asks of the collector. */
export interface GraphActions {
  attemptToDelete: GraphNode[];
  attemptToOrphan: GraphNode[];
}

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

function beingDeleted(obj: KubeObject): boolean {
  return !!obj.metadata.deletionTimestamp;
}

/** deletionStartsWithFinalizer: the object is now being deleted with `finalizer`, and was not before. */
function deletionStartsWith(old: KubeObject | undefined, cur: KubeObject, finalizer: string): boolean {
  if (!beingDeleted(cur) || !hasFinalizer(cur, finalizer)) return false;
  return !old || !beingDeleted(old) || !hasFinalizer(old, finalizer);
}

export function identityOf(obj: KubeObject): ObjectIdentity {
  return { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '' };
}

export function identityKey(identity: ObjectIdentity): string {
  return `${identity.apiVersion}/${identity.kind}/${identity.namespace}/${identity.name}/${identity.uid}`;
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** An add or update from an informer. */
  observe(old: KubeObject | undefined, obj: KubeObject): GraphActions {
    const actions: GraphActions = { attemptToDelete: [], attemptToOrphan: [] };
    const uid = obj.metadata.uid ?? '';
    const owners = obj.metadata.ownerReferences ?? [];
    let node = this.nodes.get(uid);
    if (!node) {
      node = new GraphNode(identityOf(obj), owners, false);
      node.beingDeleted = beingDeleted(obj);
      node.deletingDependents = node.beingDeleted && hasFinalizer(obj, foregroundFinalizer);
      this.nodes.set(uid, node);
      this.addDependentToOwners(node, owners, actions);
    } else {
      if (node.virtual) {
        node.virtual = false;
        node.identity = identityOf(obj);
      }
      const before = new Map(node.owners.map((o) => [o.uid, o]));
      const after = new Map(owners.map((o) => [o.uid, o]));
      const added = owners.filter((o) => !before.has(o.uid));
      const removed = node.owners.filter((o) => !after.has(o.uid));
      const changed = node.owners.filter((o) => after.has(o.uid) && !deepEqual(o, after.get(o.uid)));
      if (added.length + removed.length + changed.length > 0) {
        this.addUnblockedOwners(removed, changed, after, actions);
        node.owners = owners;
        this.addDependentToOwners(node, added, actions);
        for (const ref of removed) this.nodes.get(ref.uid)?.dependents.delete(node);
      }
      if (beingDeleted(obj)) node.beingDeleted = true;
    }
    this.processTransitions(old, obj, node, actions);
    return actions;
  }

  /** An object is gone: from an informer, or (virtual) found missing by the collector. */
  remove(uid: string, virtual = false): { actions: GraphActions; hadDependents: boolean; identity?: ObjectIdentity } {
    const actions: GraphActions = { attemptToDelete: [], attemptToOrphan: [] };
    const node = this.nodes.get(uid);
    // A virtual deletion never removes what an informer showed: its own delete event will come.
    if (!node || (virtual && !node.virtual)) return { actions, hadDependents: false };
    this.nodes.delete(uid);
    for (const ref of node.owners) this.nodes.get(ref.uid)?.dependents.delete(node);
    actions.attemptToDelete.push(...node.dependents);
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      // A foreground deletion waiting on this dependent may now be able to finish.
      if (owner?.deletingDependents) actions.attemptToDelete.push(owner);
    }
    return { actions, hadDependents: node.dependents.size > 0, identity: node.identity };
  }

  private addDependentToOwners(node: GraphNode, owners: OwnerReference[], actions: GraphActions): void {
    for (const ref of owners) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: node.identity.namespace, name: ref.name, uid: ref.uid }, [], true);
        this.nodes.set(ref.uid, owner);
        // Is it there at all? The collector asks the API.
        actions.attemptToDelete.push(owner);
      }
      owner.dependents.add(node);
    }
  }

  /** addUnblockedOwnersToDeleteQueue: a dependent that stopped blocking lets a waiting owner go on. */
  private addUnblockedOwners(removed: OwnerReference[], changed: OwnerReference[], after: Map<string, OwnerReference>, actions: GraphActions): void {
    const unblocked = [
      ...removed.filter((ref) => ref.blockOwnerDeletion === true),
      ...changed.filter((ref) => ref.blockOwnerDeletion === true && after.get(ref.uid)?.blockOwnerDeletion !== true),
    ];
    for (const ref of unblocked) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) actions.attemptToDelete.push(owner);
    }
  }

  private processTransitions(old: KubeObject | undefined, obj: KubeObject, node: GraphNode, actions: GraphActions): void {
    if (deletionStartsWith(old, obj, orphanFinalizer)) {
      actions.attemptToOrphan.push(node);
      return;
    }
    if (deletionStartsWith(old, obj, foregroundFinalizer)) {
      node.deletingDependents = true;
      actions.attemptToDelete.push(...node.dependents, node);
    }
  }
}
