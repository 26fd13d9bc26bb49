// Controller references (metav1.NewControllerRef / GetControllerOf) and the
// strategic merge patches Kubernetes' ControllerRefManager adopts and
// releases dependents with. The patches carry the dependent's uid so a
// dependent deleted and recreated under the same name is not touched.

import type { KubeObject, OwnerReference } from '../../kube/meta.ts';

export interface ControllerKind {
  apiVersion: string;
  kind: string;
}

// Loops, not find(): the ReplicaSet controller asks this of each of thousands of pods at every sync.
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences;
  if (!refs) return undefined;
  for (let i = 0; i < refs.length; i++) if (refs[i]!.controller === true) return refs[i];
  return undefined;
}

export function newControllerRef(owner: KubeObject, kind: ControllerKind): OwnerReference {
  return { apiVersion: kind.apiVersion, kind: kind.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRefOf(obj);
  return !!ref && ref.uid === owner.metadata.uid;
}

/** ownerRefControllerPatch: adds `owner` as the controller. */
export function adoptPatch(owner: KubeObject, kind: ControllerKind, dependentUID: string | undefined): unknown {
  return { metadata: { ownerReferences: [newControllerRef(owner, kind)], uid: dependentUID } };
}

/** GenerateDeleteOwnerRefStrategicMergeBytes: removes the references to `ownerUIDs`. */
export function deleteOwnerRefsPatch(dependentUID: string | undefined, ownerUIDs: string[]): unknown {
  return { metadata: { ownerReferences: ownerUIDs.map((uid) => ({ $patch: 'delete', uid })), uid: dependentUID } };
}

/** resolveControllerRef: the owner a controller reference names, if the cache holds that very object (same uid). */
export function resolveControllerRef<T extends KubeObject>(
  owners: { get(namespace: string | undefined, name: string): T | undefined },
  namespace: string | undefined,
  ref: OwnerReference | undefined,
  kind: ControllerKind,
): T | undefined {
  if (!ref || ref.kind !== kind.kind) return undefined;
  const owner = owners.get(namespace, ref.name);
  return owner?.metadata.uid === ref.uid ? owner : undefined;
}
