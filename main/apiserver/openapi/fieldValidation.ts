// Unknown-field detection for the `fieldValidation` query parameter
// (Strict: reject, Warn: warn and drop, Ignore: drop silently), matching
// kube-apiserver's strict decoding: each unknown field is reported as
// `unknown field "spec.containers[0].imagee"`, in the order it appears in the
// object. Free-form values (maps such as labels, annotations and data;
// RawExtension; x-kubernetes-preserve-unknown-fields) accept any key.
// Duplicate fields are not detected here.

import type { GroupVersionKind } from './schema.ts';
import type { SchemaLookup, SchemaNode } from './schemaLookup.ts';

/** The paths of the unknown fields of `obj`, as Kubernetes prints them. Empty when the kind has no schema. */
export function findUnknownFields(obj: unknown, gvk: GroupVersionKind, lookup: SchemaLookup): string[] {
  const found: string[] = [];
  const root = lookup.forKind(gvk);
  if (root) visit(obj, root, '', (path) => found.push(path));
  return found;
}

/** Removes the unknown fields from `obj` in place; returns their paths (for the Warn directive's warnings). */
export function pruneUnknownFields(obj: unknown, gvk: GroupVersionKind, lookup: SchemaLookup): string[] {
  const removed: string[] = [];
  const root = lookup.forKind(gvk);
  if (root) {
    visit(obj, root, '', (path, container, key) => {
      delete container[key];
      removed.push(path);
    });
  }
  return removed;
}

type OnUnknown = (path: string, container: Record<string, unknown>, key: string) => void;

function visit(value: unknown, node: SchemaNode, path: string, onUnknown: OnUnknown): void {
  if (node.isFreeForm || value === null || typeof value !== 'object' || isScalar(node)) return;
  if (Array.isArray(value)) {
    const items = node.items();
    if (items) value.forEach((element, i) => visit(element, items, `${path}[${i}]`, onUnknown));
    return;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const fieldPath = path ? `${path}.${key}` : key;
    const field = node.field(key);
    if (field) visit(object[key], field, fieldPath, onUnknown);
    else if (!isTypeMeta(path, key)) onUnknown(fieldPath, object, key);
  }
}

/** A wrong type (an object where a string belongs) is a validation error, not an unknown field. */
function isScalar(node: SchemaNode): boolean {
  const type = node.schema.type;
  return type !== undefined && type !== 'object' && type !== 'array';
}

/** apiVersion and kind are always known at the top level, whatever the schema says. */
function isTypeMeta(path: string, key: string): boolean {
  return path === '' && (key === 'apiVersion' || key === 'kind');
}
