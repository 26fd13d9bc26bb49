// Kubernetes' field.Error: the constructors validation code uses, and the
// one-line body ("Invalid value: \"A\": a lowercase RFC 1123 ...") each error
// prints as, worded as k8s.io/apimachinery/pkg/util/validation/field does.

import type { FieldError } from '../../kube/meta.ts';
import { GoValue } from './goSyntax.ts';

/** field.OmitValueType: an Invalid error that prints no value (`rules[0]: Invalid value: specifying ...`). */
export const omittedValue = new GoValue('');

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, detail };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail };
}

/** `Unsupported value: "X": supported values: "A", "B"`. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length > 0 ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, value, detail };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, value };
}

export function tooLong(field: string, maxLength: number): FieldError {
  return { type: 'FieldValueTooLong', field, detail: maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long' };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, value: actual, detail: max >= 0 ? `must have at most ${max} items` : 'too many items' };
}

export const fieldImmutableErrorMsg = 'field is immutable';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';

/** apimachinery's ValidateImmutableField: deep equality, the new value reported. */
export function validateImmutableField(newValue: unknown, oldValue: unknown, field: string, printed?: unknown): FieldError[] {
  return semanticEqual(newValue, oldValue) ? [] : [invalid(field, printed ?? newValue, fieldImmutableErrorMsg)];
}

export function validateNonnegativeField(value: number | undefined, field: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(field, value, isNegativeErrorMsg)] : [];
}

const typeTitles: Record<FieldError['type'], string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotFound: 'Not found',
  FieldValueUnknown: 'Internal error',
};

// Required, Forbidden and TooLong never print the value (field.Error.ErrorBody).
const valueless = new Set<FieldError['type']>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'FieldValueUnknown']);

/** field.Error.ErrorBody: the message without the field path. */
export function fieldErrorBody(e: FieldError): string {
  let body = typeTitles[e.type];
  if (!valueless.has(e.type) && e.value !== omittedValue) body += `: ${printValue(e.value)}`;
  if (e.detail) body += `: ${e.detail}`;
  return body;
}

/** field.Error.Error: `spec.containers[0].image: Required value`. */
export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

function printValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof GoValue) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * Equality the way apiequality.Semantic sees decoded Go structs: an absent JSON field is the Go zero
 * value, so absent, null, "", 0, false and empty collections all compare equal.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => semanticEqual(v, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!semanticEqual(ra[k], rb[k])) return false;
  return true;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object' && !(v instanceof GoValue)) return Object.keys(v as object).length === 0;
  return false;
}
