// The set of fields an object sets, as structured-merge-diff sees it through
// the kind's schema: struct fields (`f:name`), map entries that also own the
// map itself (`.`), list items by their merge keys (`k:{"name":"web"}`) or
// value (`v:"a"`), and atomic lists and maps as one leaf. Paths are arrays of
// those elements; a set of them encodes to and from managedFields' FieldsV1.

import type { SchemaLookup, SchemaNode } from '../openapi/schemaLookup.ts';

export type PathElement = string;
export type FieldPath = PathElement[];

/** How a list is merged: by keys (a map), by value (a set), or as a whole. */
export function listKind(schema: SchemaNode['schema']): { type: 'map'; keys: string[] } | { type: 'set' } | { type: 'atomic' } {
  const listType = schema['x-kubernetes-list-type'];
  const keys = schema['x-kubernetes-list-map-keys'];
  if (listType === 'map' && keys?.length) return { type: 'map', keys };
  if (listType === 'set') return { type: 'set' };
  const mergeKey = schema['x-kubernetes-patch-merge-key'];
  const strategy = String(schema['x-kubernetes-patch-strategy'] ?? '');
  // A patchMergeKey without a listType merges by that key, as Kubernetes' schema converter reads it.
  if (!listType && mergeKey && strategy.includes('merge')) return { type: 'map', keys: [mergeKey] };
  return { type: 'atomic' };
}

function isAtomicMap(schema: SchemaNode['schema']): boolean {
  return schema['x-kubernetes-map-type'] === 'atomic';
}

/** `k:{"name":"web"}`: the item's key fields, in the order the schema lists them. */
export function keyElement(item: Record<string, unknown>, keys: string[]): PathElement {
  const parts = keys.filter((k) => item[k] !== undefined).map((k) => `${JSON.stringify(k)}:${JSON.stringify(item[k])}`);
  return `k:{${parts.join(',')}}`;
}

/** Server-owned metadata nobody manages (fieldmanager's stripped fields). */
const ignoredMetadata = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);

/**
 * Every path `obj` sets. With `status: false` the status is left out (a
 * kind with a status subresource: the main resource does not manage it), and
 * the other way round for status writes.
 */
export function fieldSet(obj: Record<string, unknown>, root: SchemaNode | undefined, part: 'main' | 'status' | 'all' = 'all'): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind' || value === undefined) continue;
    if (part === 'main' && key === 'status') continue;
    if (part === 'status' && key !== 'status') continue;
    const child = root?.field(key);
    if (key === 'metadata' && value && typeof value === 'object') {
      // Only labels, annotations, finalizers and owner references are managed; the rest is the server's.
      const meta = Object.fromEntries(Object.entries(value).filter(([k, v]) => !ignoredMetadata.has(k) && v !== undefined));
      if (Object.keys(meta).length > 0) walk(meta, child, ['f:metadata'], out, true);
      continue;
    }
    walk(value, child, [`f:${key}`], out, false);
  }
  return out;
}

function walk(value: unknown, node: SchemaNode | undefined, path: FieldPath, out: Set<string>, isStructRoot: boolean): void {
  const schema = node?.schema;
  if (Array.isArray(value)) {
    const kind = schema ? listKind(schema) : ({ type: 'atomic' } as const);
    if (kind.type === 'atomic' || value.length === 0) return void out.add(JSON.stringify(path));
    const items = node?.items();
    for (const item of value) {
      if (kind.type === 'set') {
        out.add(JSON.stringify([...path, `v:${JSON.stringify(item)}`]));
      } else if (item && typeof item === 'object') {
        const itemPath = [...path, keyElement(item as Record<string, unknown>, kind.keys)];
        out.add(JSON.stringify([...itemPath, '.']));
        walkObject(item as Record<string, unknown>, items, itemPath, out);
      }
    }
    return;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0 || (schema && (isAtomicMap(schema) || node?.isFreeForm))) return void out.add(JSON.stringify(path));
    // A map (additionalProperties) owns itself too; a struct only through its fields.
    const isMap = !!schema && !schema.properties && typeof schema.additionalProperties === 'object';
    if (isMap && !isStructRoot) out.add(JSON.stringify([...path, '.']));
    walkObject(value as Record<string, unknown>, node, path, out);
    return;
  }
  out.add(JSON.stringify(path));
}

function walkObject(obj: Record<string, unknown>, node: SchemaNode | undefined, path: FieldPath, out: Set<string>): void {
  for (const [key, child] of Object.entries(obj)) {
    if (child === undefined) continue;
    walk(child, node?.field(key), [...path, `f:${key}`], out, false);
  }
}

/** The value at a path in `obj` (undefined when absent). */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let current = obj;
  for (const element of path) {
    if (element === '.') return current;
    if (current === undefined || current === null) return undefined;
    if (element.startsWith('f:')) {
      current = typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>)[element.slice(2)] : undefined;
    } else if (element.startsWith('k:')) {
      const keys = JSON.parse(element.slice(2)) as Record<string, unknown>;
      current = Array.isArray(current) ? current.find((item) => item && typeof item === 'object' && Object.entries(keys).every(([k, v]) => JSON.stringify((item as Record<string, unknown>)[k]) === JSON.stringify(v))) : undefined;
    } else if (element.startsWith('v:')) {
      const wanted = element.slice(2);
      current = Array.isArray(current) ? current.find((item) => JSON.stringify(item) === wanted) : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

/** Removes the field at `path` from `obj` (a list item, a map entry or a struct field). */
export function removeAt(obj: unknown, path: FieldPath): void {
  const target = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  if (target.length === 0) return;
  const parent = valueAt(obj, target.slice(0, -1));
  const last = target[target.length - 1];
  if (last.startsWith('f:')) {
    if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const item = valueAt(obj, target);
    const at = parent.indexOf(item);
    if (at >= 0) parent.splice(at, 1);
  }
}

/** A set of paths as FieldsV1 (`{"f:spec":{"f:replicas":{}}}`), keys sorted as Kubernetes writes them. */
export function toFieldsV1(paths: Iterable<string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const encoded of paths) {
    let node = root;
    for (const element of JSON.parse(encoded) as FieldPath) {
      node[element] ??= {};
      node = node[element] as Record<string, unknown>;
    }
  }
  const sorted = (node: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.keys(node)
        .sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0))
        .map((k) => [k, sorted(node[k] as Record<string, unknown>)]),
    );
  return sorted(root);
}

/** FieldsV1 back to paths: every leaf (an empty object) is one path. */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown, path: FieldPath) => {
    const entries = node && typeof node === 'object' ? Object.entries(node as Record<string, unknown>) : [];
    if (entries.length === 0 && path.length > 0) out.add(JSON.stringify(path));
    for (const [key, child] of entries) visit(child, [...path, key]);
  };
  visit(fields, []);
  return out;
}

/** The schema of a kind, or undefined (an unknown kind's fields are all leaves). */
export function kindSchema(lookup: SchemaLookup, gvk: { group: string; version: string; kind: string }): SchemaNode | undefined {
  return lookup.forKind(gvk);
}

/** `.spec.replicas`, `.spec.containers[name="web"].image`: a path as conflict messages print it. */
export function formatPath(path: FieldPath): string {
  let text = '';
  for (const element of path) {
    if (element === '.') continue;
    if (element.startsWith('f:')) text += `.${element.slice(2)}`;
    else if (element.startsWith('k:')) {
      const keys = JSON.parse(element.slice(2)) as Record<string, unknown>;
      text += `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    } else if (element.startsWith('v:')) text += `[=${element.slice(2)}]`;
  }
  return text;
}
