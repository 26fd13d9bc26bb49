// Who owns whom, read from the API as the garbage collector sees it: every
// object of every kind that can be listed and deleted (from discovery, custom
// resources included), indexed by the uids its ownerReferences name. A
// namespaced owner's dependents are in its namespace; a cluster-scoped
// owner's may be anywhere.

import type { AffectedObject, ApiGroupKinds, ApiKind, ObjectRef } from '../../../preload/api.ts';
import { isApiError, type KubeClient } from '../../kube/client/types.ts';
import type { KubeObject, OwnerReference } from '../../kube/meta.ts';
import { splitApiVersion } from '../apply/kindResolver.ts';
import { findKind } from './kinds.ts';

export interface Entry {
  kind: ApiKind;
  object: KubeObject;
}

/** Both Event APIs serve one store: listing only one of them counts each event once. */
const duplicateStores = new Set(['events.k8s.io/events']);

/** The kinds an owner can have dependents in (or a namespace can hold): listable and deletable. */
export function deletableKinds(groups: ApiGroupKinds[], namespaced?: boolean): ApiKind[] {
  return groups
    .flatMap((g) => g.kinds)
    .filter((k) => ['list', 'delete'].every((verb) => k.verbs.includes(verb)))
    .filter((k) => !duplicateStores.has(`${k.resource.group}/${k.resource.plural}`))
    .filter((k) => namespaced === undefined || k.namespaced === namespaced);
}

/** Every object of `kinds` in `namespace` (all namespaces when absent); a kind that cannot be listed is left out. */
export async function listAll(client: KubeClient, kinds: ApiKind[], namespace: string | undefined): Promise<Entry[]> {
  const lists = await Promise.all(
    kinds.map(async (kind) => {
      try {
        const list = await client.resource(kind.resource).list(kind.namespaced ? namespace : undefined);
        return list.items.map((object) => ({ kind, object }));
      } catch (err) {
        // Forbidden or gone since discovery: what cannot be seen cannot be counted.
        if (isApiError(err)) return [];
        throw err;
      }
    }),
  );
  const seen = new Set<string>();
  return lists.flat().filter((e) => {
    const uid = e.object.metadata.uid;
    if (!uid) return true;
    if (seen.has(uid)) return false;
    seen.add(uid);
    return true;
  });
}

export function affected(entry: Entry, depth: number): AffectedObject {
  const out: AffectedObject = { resource: entry.kind.resource, kind: entry.kind.kind, name: entry.object.metadata.name ?? '', depth };
  if (entry.object.metadata.namespace) out.namespace = entry.object.metadata.namespace;
  return out;
}

export class OwnershipIndex {
  private readonly byUid = new Map<string, Entry>();
  private readonly children = new Map<string, Entry[]>();

  constructor(entries: Entry[]) {
    for (const entry of entries) {
      const uid = entry.object.metadata.uid;
      if (uid) this.byUid.set(uid, entry);
      for (const ref of entry.object.metadata.ownerReferences ?? []) {
        const list = this.children.get(ref.uid) ?? [];
        list.push(entry);
        this.children.set(ref.uid, list);
      }
    }
  }

  /** The objects whose ownerReferences name `uid`. */
  dependentsOf(uid: string): Entry[] {
    return this.children.get(uid) ?? [];
  }

  has(uid: string): boolean {
    return this.byUid.has(uid);
  }
}

/** The index of everything that can depend on `owner`: its namespace's objects, or everything for a cluster-scoped owner. */
export async function ownershipScope(client: KubeClient, groups: ApiGroupKinds[], owner: { namespaced: boolean; namespace?: string }): Promise<OwnershipIndex> {
  const kinds = deletableKinds(groups).filter((k) => !owner.namespaced || k.namespaced);
  return new OwnershipIndex(await listAll(client, kinds, owner.namespaced ? owner.namespace : undefined));
}

/** The objects one level below `ref`'s object. */
export async function ownedObjects(client: KubeClient, groups: ApiGroupKinds[], ref: ObjectRef): Promise<AffectedObject[]> {
  const owner = await client.resource(ref.resource).get(ref.namespace, ref.name);
  const namespaced = !!owner.metadata.namespace;
  const index = await ownershipScope(client, groups, { namespaced, namespace: owner.metadata.namespace });
  return index
    .dependentsOf(owner.metadata.uid ?? '')
    .map((e) => affected(e, 1))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/**
 * Whether the owner an ownerReference names still exists, asked of the API
 * as the garbage collector asks it (same uid at that name): for owners outside
 * the listed scope.
 */
export async function ownerExists(client: KubeClient, groups: ApiGroupKinds[], ref: OwnerReference, namespace: string | undefined): Promise<boolean> {
  const kind = findKind(groups, splitApiVersion(ref.apiVersion).group, ref.kind);
  if (!kind) return false;
  try {
    const found = await client.resource(kind.resource).get(kind.namespaced ? namespace : undefined, ref.name);
    return found.metadata.uid === ref.uid;
  } catch (err) {
    if (isApiError(err) && err.code === 404) return false;
    throw err;
  }
}
