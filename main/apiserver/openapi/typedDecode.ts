// What decoding a body into Kubernetes' Go types refuses, found by walking
// the body against the kind's OpenAPI definition: a string where Go has an
// int32, a number too large for an int64, an object where Go has a string.
// kube-apiserver answers these with 400 and Go's encoding/json words
// ("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas
// of type int32"), and stores nothing; so does PodLab, where before such a
// value was stored as sent and broke every typed client that read it.

import { parseQuantity, QuantityParseError } from '../../kube/quantity.ts';
import type { Schema } from './schema.ts';
import type { SchemaLookup } from './schemaLookup.ts';

/** Go's encoding/json nesting limit. */
export const maxJsonDepth = 10_000;

const int32Range = [-(2 ** 31), 2 ** 31 - 1] as const;
const int64Limit = 2n ** 63n;

const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const rawTypes = new Set(['io.k8s.apimachinery.pkg.runtime.RawExtension', 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray']);

class DecodeError extends Error {}

/** The JSON value's kind as Go's UnmarshalTypeError names it. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  return typeof value === 'string' ? 'string' : 'object';
}

/** `io.k8s.api.apps.v1.DeploymentSpec` → `v1.DeploymentSpec`, as Go prints a named type. */
function goTypeName(definition: string): string {
  const parts = definition.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

interface Place {
  /** The Go struct holding the field (`DeploymentSpec`), and the field's JSON path from the root (`spec.replicas`). */
  struct: string;
  path: string;
}

/** Iterative, so a hostile body cannot overflow the stack before it is refused. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > maxJsonDepth) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export class TypedDecoder {
  constructor(private readonly lookup: SchemaLookup) {}

  /**
   * The error decoding `body` as the kind would give, or undefined when Go
   * would decode it. Only the first, as encoding/json reports only the first.
   */
  check(body: unknown, gvk: { group: string; version: string; kind: string }): string | undefined {
    if (jsonDepth(body) > maxJsonDepth) return 'json: exceeded max depth';
    const name = this.lookup.definitionName(gvk);
    if (!name) return undefined;
    try {
      this.walk(body, { $ref: `#/definitions/${name}` }, { struct: gvk.kind, path: '' });
      return undefined;
    } catch (err) {
      if (err instanceof DecodeError) return err.message;
      throw err;
    }
  }

  private fail(value: unknown, place: Place, goType: string, shown = jsonKind(value)): never {
    throw new DecodeError(`json: cannot unmarshal ${shown} into Go struct field ${place.struct}.${place.path} of type ${goType}`);
  }

  private walk(value: unknown, raw: Schema, place: Place): void {
    if (value === null || value === undefined) return;
    const { schema, name } = this.lookup.resolve(raw);
    if (name && rawTypes.has(name)) return;
    if (name === quantityName) {
      if (typeof value === 'number') return;
      if (typeof value !== 'string') this.fail(value, place, 'resource.Quantity');
      try {
        parseQuantity(value);
      } catch (err) {
        if (err instanceof QuantityParseError) throw new DecodeError(err.message);
        throw err;
      }
      return;
    }
    if (name === intOrStringName || schema.format === 'int-or-string') {
      if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return;
      this.fail(value, place, 'intstr.IntOrString');
    }
    if (schema['x-kubernetes-preserve-unknown-fields']) return;
    switch (schema.type) {
      case 'integer':
        return this.integer(value, schema.format === 'int32' ? 'int32' : 'int64', place);
      case 'number':
        if (typeof value !== 'number') this.fail(value, place, 'float64');
        return;
      case 'boolean':
        if (typeof value !== 'boolean') this.fail(value, place, 'bool');
        return;
      case 'string':
        if (typeof value !== 'string') this.fail(value, place, name ? goTypeName(name) : 'string');
        return;
      case 'array': {
        if (!Array.isArray(value)) this.fail(value, place, `[]${this.goType(schema.items)}`);
        if (schema.items) for (const item of value as unknown[]) this.walk(item, schema.items, place);
        return;
      }
      default: {
        if (!schema.properties && !schema.additionalProperties) return;
        const goType = name ? goTypeName(name) : `map[string]${this.goType(typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined)}`;
        if (typeof value !== 'object' || Array.isArray(value)) this.fail(value, place, goType);
        const struct = name ? name.slice(name.lastIndexOf('.') + 1) : place.struct;
        for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
          const field = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
          if (!field) continue;
          const isMap = !schema.properties?.[key];
          this.walk(child, field, { struct: isMap ? place.struct : struct, path: isMap ? place.path : place.path ? `${place.path}.${key}` : key });
        }
      }
    }
  }

  private integer(value: unknown, goType: 'int32' | 'int64', place: Place): void {
    if (typeof value !== 'number') this.fail(value, place, goType);
    const n = value as number;
    // JSON.parse has already rounded a huge literal: compare as an exact integer where possible.
    const outOfRange = goType === 'int32' ? n < int32Range[0] || n > int32Range[1] : !Number.isSafeInteger(n) && (BigInt(Math.trunc(n)) >= int64Limit || BigInt(Math.trunc(n)) < -int64Limit);
    if (!Number.isInteger(n) || outOfRange) this.fail(value, place, goType, `number ${formatNumber(n)}`);
  }

  private goType(schema: Schema | undefined): string {
    if (!schema) return 'interface {}';
    const { schema: resolved, name } = this.lookup.resolve(schema);
    if (name) return goTypeName(name);
    switch (resolved.type) {
      case 'integer':
        return resolved.format === 'int32' ? 'int32' : 'int64';
      case 'number':
        return 'float64';
      case 'boolean':
        return 'bool';
      case 'string':
        return 'string';
      case 'array':
        return `[]${this.goType(resolved.items)}`;
      default:
        return `map[string]${this.goType(typeof resolved.additionalProperties === 'object' ? resolved.additionalProperties : undefined)}`;
    }
  }
}

/** A number as it appeared in JSON, as far as JSON.parse kept it: large integers in full, as Go prints the literal. */
function formatNumber(n: number): string {
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? BigInt(n).toString() : String(n);
}
