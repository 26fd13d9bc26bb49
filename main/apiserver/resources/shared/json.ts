// Objects travel as plain JSON. These read a field of the expected JSON type
// (anything else reads as absent, as a Go decoder would reject or zero it)
// and create nested objects for defaulting.

import { putKey } from '../../../kube/ownKeys.ts';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(parent: unknown, key: string): JsonObject | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

/** The object at `key`, created empty when absent: for filling in defaults. */
export function ensureObject(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  if (isObject(value)) return value;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

export function arrayAt(parent: unknown, key: string): unknown[] {
  if (!isObject(parent)) return [];
  const value = parent[key];
  return Array.isArray(value) ? value : [];
}

/** The object elements of the array at `key`. */
export function objectsAt(parent: unknown, key: string): JsonObject[] {
  return arrayAt(parent, key).filter(isObject);
}

export function stringAt(parent: unknown, key: string): string {
  if (!isObject(parent)) return '';
  const value = parent[key];
  return typeof value === 'string' ? value : '';
}

export function numberAt(parent: unknown, key: string): number | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typeof value === 'number' ? value : undefined;
}

export function boolAt(parent: unknown, key: string): boolean {
  return isObject(parent) && parent[key] === true;
}

/** A map of strings (labels, selectors, configmap data). */
export function stringMapAt(parent: unknown, key: string): Record<string, string> | undefined {
  const value = objectAt(parent, key);
  if (!value) return undefined;
  const out: Record<string, string> = {};
  // An own key even when named __proto__: validation must see every key the object will be stored with.
  for (const [k, v] of Object.entries(value)) putKey(out, k, typeof v === 'string' ? v : String(v ?? ''));
  return out;
}

export function setDefault(target: JsonObject, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null || target[key] === '') target[key] = value;
}
