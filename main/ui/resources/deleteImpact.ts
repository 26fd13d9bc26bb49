// What goes with a deleted object, worked out before the user confirms:
// - an object: what the garbage collector will delete after it, level by
//   level (Deployment → ReplicaSets → Pods): each object whose owners are
//   all gone; with Orphan nothing goes and the objects it owns stay;
// - a namespace: everything in it;
// - a CustomResourceDefinition: its custom resources;
// and notes on finalizers and stored data.

import type { AffectedObject, ApiGroupKinds, ApiKind, DeleteImpact, ObjectRef, PropagationPolicy } from '../../../preload/api.ts';
import type { KubeClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { badRequest } from '../bridgeError.ts';
import { findKind } from './kinds.ts';
import { affected, deletableKinds, listAll, ownerExists, ownershipScope, type Entry, type OwnershipIndex } from './ownership.ts';
import { volumeNotes } from './volumeNotes.ts';

/** How many objects the answer names; the counts cover them all. */
export const namedObjects = 200;

interface Going {
  entry: Entry;
  depth: number;
}

/**
 * The garbage collector's cascade: a dependent goes once none of its owners
 * is left (owners outside the index are asked for), so a pod another live
 * object also owns stays.
 */
async function cascade(client: KubeClient, groups: ApiGroupKinds[], target: Entry, index: OwnershipIndex): Promise<Going[]> {
  const gone = new Set([target.object.metadata.uid ?? '']);
  const outside = new Map<string, Promise<boolean>>();
  const ownersGone = async (entry: Entry) => {
    for (const ref of entry.object.metadata.ownerReferences ?? []) {
      if (gone.has(ref.uid)) continue;
      if (index.has(ref.uid)) return false;
      if (!outside.has(ref.uid)) outside.set(ref.uid, ownerExists(client, groups, ref, entry.object.metadata.namespace));
      if (await outside.get(ref.uid)) return false;
    }
    return true;
  };
  const going: Going[] = [];
  const waiting = new Map<string, Entry>();
  let frontier = [target];
  for (let depth = 1; frontier.length > 0; depth++) {
    const candidates = new Map(waiting);
    for (const owner of frontier) for (const child of index.dependentsOf(owner.object.metadata.uid ?? '')) candidates.set(child.object.metadata.uid ?? '', child);
    frontier = [];
    for (const [uid, entry] of candidates) {
      if (gone.has(uid)) continue;
      if (await ownersGone(entry)) {
        gone.add(uid);
        waiting.delete(uid);
        going.push({ entry, depth });
        frontier.push(entry);
      } else {
        waiting.set(uid, entry);
      }
    }
  }
  return going;
}

async function namespaceContents(client: KubeClient, groups: ApiGroupKinds[], namespace: string): Promise<Going[]> {
  const entries = await listAll(client, deletableKinds(groups, true), namespace);
  return entries.map((entry) => ({ entry, depth: 1 }));
}

async function customResources(client: KubeClient, groups: ApiGroupKinds[], crd: KubeObject): Promise<Going[]> {
  const spec = crd.spec as { group?: string; names?: { kind?: string } } | undefined;
  const kind = findKind(groups, spec?.group ?? '', spec?.names?.kind ?? '');
  // Not served (never established): there are no custom resources to delete.
  if (!kind) return [];
  const entries = await listAll(client, [kind], undefined);
  return entries.map((entry) => ({ entry, depth: 1 }));
}

function counts(going: Going[]): DeleteImpact['counts'] {
  const byKind = new Map<string, number>();
  for (const { entry } of going) byKind.set(entry.kind.kind, (byKind.get(entry.kind.kind) ?? 0) + 1);
  return [...byKind.entries()].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

function kindOf(groups: ApiGroupKinds[], ref: ObjectRef): ApiKind {
  const kind = groups.flatMap((g) => g.kinds).find((k) => k.resource.group === ref.resource.group && k.resource.plural === ref.resource.plural);
  if (!kind) throw badRequest(`the server does not serve ${ref.resource.plural}${ref.resource.group ? `.${ref.resource.group}` : ''}`);
  return kind;
}

function finalizerNotes(target: Entry, isNamespace: boolean): string[] {
  if (isNamespace) return [`Namespace ${target.object.metadata.name} shows Terminating until everything in it is deleted.`];
  const finalizers = target.object.metadata.finalizers ?? [];
  if (finalizers.length === 0) return [];
  return [`Its finalizers (${finalizers.join(', ')}) keep it, marked for deletion, until their controllers remove them.`];
}

export async function deleteImpact(client: KubeClient, groups: ApiGroupKinds[], ref: ObjectRef, policy: PropagationPolicy = 'Background'): Promise<DeleteImpact> {
  const kind = kindOf(groups, ref);
  const object = await client.resource(ref.resource).get(kind.namespaced ? ref.namespace : undefined, ref.name);
  const target: Entry = { kind, object };
  const isNamespace = ref.resource.group === '' && ref.resource.plural === 'namespaces';
  const isCrd = ref.resource.group === 'apiextensions.k8s.io' && ref.resource.plural === 'customresourcedefinitions';
  let going: Going[];
  let orphaned = false;
  if (isNamespace) going = await namespaceContents(client, groups, ref.name);
  else if (isCrd) going = await customResources(client, groups, object);
  else {
    const index = await ownershipScope(client, groups, { namespaced: kind.namespaced, namespace: object.metadata.namespace });
    if (policy === 'Orphan') {
      orphaned = true;
      going = index.dependentsOf(object.metadata.uid ?? '').map((entry) => ({ entry, depth: 1 }));
    } else {
      going = await cascade(client, groups, target, index);
    }
  }
  going.sort((a, b) => a.depth - b.depth || a.entry.kind.kind.localeCompare(b.entry.kind.kind) || (a.entry.object.metadata.name ?? '').localeCompare(b.entry.object.metadata.name ?? ''));
  const notes = finalizerNotes(target, isNamespace);
  if (policy === 'Foreground' && going.length > 0 && !isNamespace && !isCrd) {
    notes.push(`Foreground: ${kind.kind} ${ref.name} stays, marked for deletion, until the objects it owns are deleted.`);
  }
  if (orphaned && going.length > 0) notes.push('Orphan: the objects it owns stay, without their owner reference to it.');
  notes.push(...(await volumeNotes(client, target, orphaned ? [] : going.map((g) => g.entry))));
  const objects: AffectedObject[] = going.slice(0, namedObjects).map((g) => affected(g.entry, g.depth));
  return { objects, counts: counts(going), total: going.length, truncated: going.length > namedObjects, orphaned, notes };
}
