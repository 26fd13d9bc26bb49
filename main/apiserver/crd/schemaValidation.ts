// Validation of a custom resource against its CRD version's structural
// schema, as kube-apiserver's customresource validator runs kube-openapi's
// validator and turns its results into field errors: the paths, the values
// and the words ("spec.replicas in body must be of type integer: \"string\"")
// are Kubernetes' own.

import type { FieldError } from '../../kube/meta.ts';
import { invalid, notSupported, required, tooLong, tooMany } from '../validation/fieldErrors.ts';
import { ownValue } from '../../kube/ownKeys.ts';

/** The apiextensions.k8s.io/v1 JSONSchemaProps fields validation reads. */
export interface JSONSchemaProps {
  type?: string;
  format?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: Array<{ rule: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string; optionalOldSelf?: boolean }>;
  [extension: string]: unknown;
}

/** The JSON type word kube-openapi reports a value as. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'object';
}

function typeMatches(type: string, value: unknown): boolean {
  const actual = jsonType(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

// The formats kube-openapi's strfmt checks for CRDs (others are accepted as they are).
const formats: Record<string, (v: string) => boolean> = {
  'date-time': (v) => /^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(v),
  date: (v) => /^\d{4}-\d\d-\d\d$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  byte: (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
  ipv4: (v) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(v),
  email: (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
  hostname: (v) => /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/.test(v),
  duration: (v) => /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/.test(v),
  int32: () => true,
  int64: () => true,
};

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    patterns.set(pattern, re);
  }
  return re;
}

/** The value as kube-openapi quotes it in a message: `"string"`, `3`. */
function quoted(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function validateValue(value: unknown, schema: JSONSchemaProps, path: string, errs: FieldError[]): void {
  const where = path || '<root>';
  if (value === null) {
    if (schema.nullable) return;
    if (schema.type) errs.push({ type: 'FieldValueTypeInvalid', field: path, value: 'null', detail: `${where} in body must be of type ${schema.type}: "null"` });
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
      errs.push({ type: 'FieldValueTypeInvalid', field: path, value: jsonType(value), detail: `${where} in body must be of type integer,string: ${JSON.stringify(jsonType(value))}` });
      return;
    }
  } else if (schema.type && !typeMatches(schema.type, value)) {
    errs.push({ type: 'FieldValueTypeInvalid', field: path, value: jsonType(value), detail: `${where} in body must be of type ${schema.type}: ${JSON.stringify(jsonType(value))}` });
    return;
  }
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    errs.push(notSupported(path, value, schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))));
  }
  if (typeof value === 'number') validateNumber(value, schema, path, where, errs);
  if (typeof value === 'string') validateString(value, schema, path, where, errs);
  if (Array.isArray(value)) validateArray(value, schema, path, where, errs);
  else if (typeof value === 'object') validateObject(value as Record<string, unknown>, schema, path, where, errs);
  for (const sub of schema.allOf ?? []) validateValue(value, sub, path, errs);
  if (schema.anyOf && !schema.anyOf.some((sub) => valid(value, sub, path))) errs.push(invalid(path, value, `${where} in body must validate at least one schema (anyOf)`));
  if (schema.oneOf && schema.oneOf.filter((sub) => valid(value, sub, path)).length !== 1) errs.push(invalid(path, value, `${where} in body must validate one and only one schema (oneOf)`));
  if (schema.not && valid(value, schema.not, path)) errs.push(invalid(path, value, `${where} in body must not validate the schema (not)`));
}

function valid(value: unknown, schema: JSONSchemaProps, path: string): boolean {
  const errs: FieldError[] = [];
  validateValue(value, schema, path, errs);
  return errs.length === 0;
}

function validateNumber(value: number, schema: JSONSchemaProps, path: string, where: string, errs: FieldError[]): void {
  if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
    errs.push(invalid(path, value, `${where} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`));
  }
  if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
    errs.push(invalid(path, value, `${where} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`));
  }
  if (schema.multipleOf !== undefined && schema.multipleOf > 0 && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9) {
    errs.push(invalid(path, value, `${where} in body should be a multiple of ${schema.multipleOf}`));
  }
}

function validateString(value: string, schema: JSONSchemaProps, path: string, where: string, errs: FieldError[]): void {
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) errs.push({ ...tooLong(path, schema.maxLength), value });
  if (schema.minLength !== undefined && length < schema.minLength) errs.push(invalid(path, value, `${where} in body should be at least ${schema.minLength} chars long`));
  if (schema.pattern !== undefined && !compiled(schema.pattern).test(value)) errs.push(invalid(path, value, `${where} in body should match '${schema.pattern}'`));
  const check = schema.format ? formats[schema.format] : undefined;
  if (check && !check(value)) errs.push(invalid(path, value, `${where} in body must be of type ${schema.format}: ${quoted(value)}`));
}

function validateArray(value: unknown[], schema: JSONSchemaProps, path: string, where: string, errs: FieldError[]): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) errs.push(tooMany(path, value.length, schema.maxItems));
  if (schema.minItems !== undefined && value.length < schema.minItems) errs.push(invalid(path, value.length, `${where} in body should have at least ${schema.minItems} items`));
  const listType = schema['x-kubernetes-list-type'];
  if (schema.uniqueItems || listType === 'set') {
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const key = JSON.stringify(item);
      if (seen.has(key)) errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, value: item });
      seen.add(key);
    });
  }
  if (listType === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      if (!item || typeof item !== 'object') return;
      const key = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k]));
      if (seen.has(key)) errs.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, value: Object.fromEntries(keys.map((k) => [k, (item as Record<string, unknown>)[k]])) });
      seen.add(key);
    });
  }
  if (schema.items) value.forEach((item, i) => validateValue(item, schema.items!, `${path}[${i}]`, errs));
}

/** The schema of an object's field `key`: its own property's, else additionalProperties' (a field may be named constructor or toString). */
export function propertySchema(schema: JSONSchemaProps | undefined, key: string): JSONSchemaProps | undefined {
  return ownValue(schema?.properties ?? {}, key) ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
}

function validateObject(value: Record<string, unknown>, schema: JSONSchemaProps, path: string, where: string, errs: FieldError[]): void {
  const join = (key: string) => (path ? `${path}.${key}` : key);
  for (const key of schema.required ?? []) if (ownValue(value, key) === undefined) errs.push(required(join(key)));
  const count = Object.keys(value).length;
  if (schema.maxProperties !== undefined && count > schema.maxProperties) errs.push(tooMany(path, count, schema.maxProperties));
  if (schema.minProperties !== undefined && count < schema.minProperties) errs.push(invalid(path, count, `${where} in body should have at least ${schema.minProperties} properties`));
  // The root's metadata is ObjectMeta: the registry validates it.
  const isRoot = path === '';
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined || (isRoot && (key === 'metadata' || key === 'apiVersion' || key === 'kind'))) continue;
    const sub = propertySchema(schema, key);
    if (sub) validateValue(child, sub, join(key), errs);
  }
}

/** Every schema violation of a custom resource (its metadata is the registry's to validate). */
export function validateAgainstSchema(obj: unknown, schema: JSONSchemaProps): FieldError[] {
  const errs: FieldError[] = [];
  validateValue(obj, schema, '', errs);
  return errs;
}
