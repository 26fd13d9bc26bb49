// Structural defaulting of custom resources (apiextensions' structural
// defaulting): a field its schema gives a `default` is set when absent, and a
// null in a field that is not nullable takes its default, or goes.

import type { JSONSchemaProps } from './schemaValidation.ts';
import { deepCopy } from '../../kube/deepCopy.ts';
import { ownValue, putKey } from '../../kube/ownKeys.ts';

function defaultInto(value: unknown, schema: JSONSchemaProps): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) defaultInto(item, schema.items);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  // Own keys only: a field may be named constructor or toString (ownKeys.ts).
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const current = ownValue(obj, key);
    if (current === null && !sub.nullable) {
      if (sub.default !== undefined) putKey(obj, key, deepCopy(sub.default));
      else delete obj[key];
    } else if (current === undefined && sub.default !== undefined) {
      putKey(obj, key, deepCopy(sub.default));
    }
    const defaulted = ownValue(obj, key);
    if (defaulted !== undefined) defaultInto(defaulted, sub);
  }
  if (typeof schema.additionalProperties === 'object') {
    const sub = schema.additionalProperties;
    for (const key of Object.keys(obj)) if (!ownValue(schema.properties ?? {}, key)) defaultInto(obj[key], sub);
  }
}

/** Fills in the defaults of `schema` in place (the root's metadata is left alone). */
export function applySchemaDefaults(obj: Record<string, unknown>, schema: JSONSchemaProps): void {
  const { metadata } = obj;
  defaultInto(obj, { ...schema, properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => k !== 'metadata')) });
  obj.metadata = metadata;
}
