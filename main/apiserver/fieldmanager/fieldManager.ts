// Field ownership (metadata.managedFields), kept on every write as
// kube-apiserver's fieldmanager keeps it, and server-side apply:
// - an Update (create, update, patch) gives its manager the fields it set or
//   changed, and takes them from the others; removed fields leave every set;
// - an Apply makes the applier's set exactly the fields of its configuration:
//   fields it applied before and no longer applies are removed (unless another
//   manager owns them), the rest is merged by the schema's list types, and a
//   field another manager owns with another value is a conflict (409) unless
//   forced, which takes it over.

import type { KubeObject, ManagedFieldsEntry, StatusCause } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import { StatusError } from '../errors.ts';
import type { SchemaNode } from '../openapi/schemaLookup.ts';
import { fieldSet, formatPath, fromFieldsV1, keyElement, listKind, removeAt, toFieldsV1, valueAt, type FieldPath } from './fieldSet.ts';

export interface ManagerWrite {
  manager: string;
  /** The apiVersion the manager wrote in (`apps/v1`). */
  apiVersion: string;
  subresource: string;
  now: Date;
  /** The kind has a status subresource: the main resource does not manage status, and status writes manage only it. */
  statusSubresource: boolean;
}

const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

interface Owned {
  entry: ManagedFieldsEntry;
  set: Set<string>;
}

function partOf(write: ManagerWrite): 'main' | 'status' | 'all' {
  if (!write.statusSubresource) return 'all';
  return write.subresource === 'status' ? 'status' : 'main';
}

function decode(entries: ManagedFieldsEntry[] | undefined): Owned[] {
  return (entries ?? []).filter((e) => e.fieldsType === 'FieldsV1' && e.manager !== undefined).map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
}

function encode(owned: Owned[]): ManagedFieldsEntry[] | undefined {
  const kept = owned.filter((o) => o.set.size > 0).map((o) => ({ ...o.entry, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(o.set) }));
  return kept.length > 0 ? kept : undefined;
}

function sameEntry(e: ManagedFieldsEntry, manager: string, operation: string, subresource: string): boolean {
  return e.manager === manager && e.operation === operation && (e.subresource ?? '') === subresource;
}

function entryFor(owned: Owned[], write: ManagerWrite, operation: 'Update' | 'Apply'): Owned {
  let found = owned.find((o) => sameEntry(o.entry, write.manager, operation, write.subresource));
  if (!found) {
    found = { entry: { manager: write.manager, operation, apiVersion: write.apiVersion, time: kubeTimestamp(write.now), fieldsType: 'FieldsV1', ...(write.subresource ? { subresource: write.subresource } : {}) }, set: new Set() };
    owned.push(found);
  }
  return found;
}

/** The managedFields after an Update by `write.manager` (create when `old` is undefined); `sent` is what the client put in the body. */
export function managedFieldsAfterUpdate(updated: KubeObject, old: KubeObject | undefined, sent: ManagedFieldsEntry[] | undefined, schema: SchemaNode | undefined, write: ManagerWrite): ManagedFieldsEntry[] | undefined {
  const part = partOf(write);
  const after = fieldSet(updated, schema, part);
  const before = old ? fieldSet(old, schema, part) : new Set<string>();
  // managedFields: [] in a body resets ownership, as Kubernetes allows.
  const owned = decode(Array.isArray(sent) && sent.length === 0 ? [] : old?.metadata.managedFields);
  const changed = [...after].filter((p) => {
    if (!before.has(p)) return true;
    const path = JSON.parse(p) as FieldPath;
    return path[path.length - 1] !== '.' && !deepEqual(valueAt(updated, path), valueAt(old, path));
  });
  const removed = [...before].filter((p) => !after.has(p));
  for (const o of owned) {
    for (const p of removed) o.set.delete(p);
    if (!sameEntry(o.entry, write.manager, 'Update', write.subresource)) for (const p of changed) o.set.delete(p);
  }
  if (changed.length > 0) {
    const mine = entryFor(owned, write, 'Update');
    for (const p of changed) mine.set.add(p);
    mine.entry = { ...mine.entry, apiVersion: write.apiVersion, time: kubeTimestamp(write.now) };
  }
  return encode(owned);
}

/** Merges an applied configuration into the live object by the schema's list types (structured-merge-diff's merge of a set). */
function merge(live: unknown, applied: unknown, node: SchemaNode | undefined): unknown {
  if (Array.isArray(applied)) {
    const kind = node ? listKind(node.schema) : ({ type: 'atomic' } as const);
    if (kind.type === 'atomic' || !Array.isArray(live)) return structuredClone(applied);
    if (kind.type === 'set') return [...live, ...applied.filter((item) => !live.some((l) => deepEqual(l, item)))];
    const result = [...live];
    for (const item of applied) {
      if (!item || typeof item !== 'object') continue;
      const key = keyElement(item as Record<string, unknown>, kind.keys);
      const at = result.findIndex((l) => l && typeof l === 'object' && keyElement(l as Record<string, unknown>, kind.keys) === key);
      if (at >= 0) result[at] = merge(result[at], item, node?.items());
      else result.push(structuredClone(item));
    }
    return result;
  }
  if (applied && typeof applied === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live) || (node && (node.schema['x-kubernetes-map-type'] === 'atomic' || node.isFreeForm))) return structuredClone(applied);
    const result: Record<string, unknown> = { ...(live as Record<string, unknown>) };
    for (const [key, value] of Object.entries(applied as Record<string, unknown>)) {
      result[key] = key in result ? merge(result[key], value, node?.field(key)) : structuredClone(value);
    }
    return result;
  }
  return applied;
}

interface Conflict {
  manager: string;
  apiVersion: string;
  path: FieldPath;
}

function conflictError(conflicts: Conflict[], resource: { group: string; resource: string }, name: string): StatusError {
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) byManager.set(`${c.manager}\u0000${c.apiVersion}`, [...(byManager.get(`${c.manager}\u0000${c.apiVersion}`) ?? []), c]);
  const parts = [...byManager.values()].map((list) => {
    const head = `conflict${list.length > 1 ? 's' : ''} with ${JSON.stringify(list[0].manager)}${list[0].apiVersion ? ` using ${list[0].apiVersion}` : ''}`;
    return list.length === 1 ? `${head}: ${formatPath(list[0].path)}` : `${head}:\n${list.map((c) => `- ${formatPath(c.path)}`).join('\n')}`;
  });
  const message = `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${parts.join('\n')}`;
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${JSON.stringify(c.manager)}${c.apiVersion ? ` using ${c.apiVersion}` : ''}`, field: formatPath(c.path) }));
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Conflict', details: { name, group: resource.group || undefined, kind: resource.resource, causes }, code: 409 });
}

/**
 * lastAppliedManager: `kubectl apply --server-side` (manager "kubectl") takes
 * over from client-side apply without conflicts on the fields the
 * last-applied annotation records and whose live value is still the one it
 * recorded.
 */
function allowedByLastApplied(live: KubeObject, path: FieldPath, manager: string): boolean {
  const annotation = live.metadata.annotations?.[lastAppliedAnnotation];
  if (manager !== 'kubectl' || !annotation) return false;
  try {
    const recorded = valueAt(JSON.parse(annotation), path);
    return recorded !== undefined && deepEqual(recorded, valueAt(live, path));
  } catch {
    return false;
  }
}

/**
 * Server-side apply of `applied` over `live` (undefined: the object is being
 * created). Returns the object to write and its managedFields; throws a 409
 * naming the conflicting managers and fields unless `force`.
 */
export function applyConfiguration(
  live: KubeObject | undefined,
  applied: KubeObject,
  schema: SchemaNode | undefined,
  write: ManagerWrite,
  options: { force: boolean; resource: { group: string; resource: string } },
): { object: KubeObject; managedFields: ManagedFieldsEntry[] | undefined } {
  const part = partOf(write);
  const wanted = fieldSet(applied, schema, part);
  const owned = decode(live?.metadata.managedFields);
  const mine = entryFor(owned, write, 'Apply');
  const others = owned.filter((o) => o !== mine);
  const conflicts: Conflict[] = [];
  const taken = new Set<string>();
  if (live) {
    for (const p of wanted) {
      const path = JSON.parse(p) as FieldPath;
      if (path[path.length - 1] === '.') continue;
      if (deepEqual(valueAt(applied, path), valueAt(live, path))) continue;
      for (const o of others) {
        if (!o.set.has(p)) continue;
        taken.add(p);
        if (allowedByLastApplied(live, path, write.manager)) continue;
        conflicts.push({ manager: o.entry.manager ?? '', apiVersion: o.entry.apiVersion ?? '', path });
      }
    }
  }
  if (conflicts.length > 0 && !options.force) throw conflictError(conflicts, options.resource, applied.metadata.name ?? '');
  let object = structuredClone(live ?? ({ metadata: {} } as KubeObject));
  // What this manager applied before and applies no more goes, unless someone else owns it: whole
  // items and maps first (unless someone owns something inside), then single fields, deepest first.
  const dropped = [...mine.set].filter((p) => !wanted.has(p) && !others.some((o) => o.set.has(p))).map((p) => JSON.parse(p) as FieldPath);
  const ownedByOthers = others.flatMap((o) => [...o.set]);
  const nodes = dropped.filter((path) => path[path.length - 1] === '.').sort((a, b) => a.length - b.length);
  for (const path of nodes) {
    const prefix = JSON.stringify(path.slice(0, -1)).slice(0, -1);
    if (!ownedByOthers.some((p) => p.startsWith(prefix))) removeAt(object, path);
  }
  for (const path of dropped.filter((p) => p[p.length - 1] !== '.').sort((a, b) => b.length - a.length)) removeAt(object, path);
  const { metadata: appliedMeta, ...appliedRest } = applied;
  object = merge(object, appliedRest, schema) as KubeObject;
  object.metadata = merge(object.metadata ?? {}, appliedMeta ?? {}, schema?.field('metadata')) as KubeObject['metadata'];
  for (const o of others) for (const p of taken) o.set.delete(p);
  mine.set = wanted;
  mine.entry = { ...mine.entry, apiVersion: write.apiVersion, time: kubeTimestamp(write.now) };
  return { object, managedFields: encode(owned) };
}
