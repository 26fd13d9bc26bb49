// Decoding a body into a built-in kind's Go types, for the errors only.
// kube-apiserver unmarshals every body into Go structs; a value of the wrong
// type, an integer out of range, a bad quantity, time or base64 string fails
// the request before anything else looks at it. This walks the body against
// the kind's OpenAPI definition and answers what Go's decoders answer:
//
// - JSON bodies (create, update, and the result of a JSON or merge patch):
//   encoding/json as sigs.k8s.io/json runs it. A type error is remembered and
//   decoding goes on, so the first one in document order is reported
//   (`json: cannot unmarshal string into Go struct field
//   DeploymentSpec.spec.replicas of type int32`: the Go struct holding the
//   field, then the JSON path from the root without list indices or map keys).
//   A type that decodes itself (Quantity, Time, IntOrString) stops decoding
//   at once with its own error, which then wins over a remembered one.
// - The result of a strategic merge patch: the unstructured converter, which
//   stops at the first error and words it differently (`unrecognized type:
//   int32`), without a path, and does not check integer ranges.
//
// Go type names come from the definitions: `io.k8s.api.apps.v1.DeploymentSpec`
// is `v1.DeploymentSpec`, a list of it `[]v1.DeploymentSpec`, integers
// `int32`/`int64` by format. Named string types (v1.RestartPolicy) are plain
// `string` in the OpenAPI and are printed so.

import { parseQuantity, QuantityParseError } from '../../kube/quantity.ts';
import { numberLiteral } from '../http/jsonNumbers.ts';
import { base64Error } from './goBase64.ts';
import { goTimeParseError, rfc3339, rfc3339Micro } from './goTime.ts';
import type { GroupVersionKind, Schema } from './schema.ts';
import type { SchemaLookup } from './schemaLookup.ts';
import { ownValue } from '../../kube/ownKeys.ts';

/** encoding/json's scanner refuses JSON nested deeper than this (maxNestingDepth). */
export const maxNestingDepth = 10000;

const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const timeName = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const microTimeName = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

type Mode = 'json' | 'unstructured';

/** Where decoding is: the Go struct holding the current field and the JSON names from the root (encoding/json's errorContext). */
interface Context {
  struct: string;
  fields: string[];
}

/** An error that ends decoding at once (an Unmarshaler's, or any error of the unstructured converter). */
class Stop {
  constructor(readonly message: string) {}
}

class Walk {
  /** The first type error, reported when nothing stops decoding before the end. */
  saved: string | undefined;
  /** Changed as the walk goes in and out of fields (errors read it when they happen). */
  private readonly ctx: Context = { struct: '', fields: [] };

  constructor(
    private readonly lookup: SchemaLookup,
    private readonly mode: Mode,
    /** The decoded body, whose long number literals may have been remembered. */
    private readonly root: unknown,
  ) {}

  /** A number as the body wrote it: its literal when remembered, else as JSON writes it (Go's encoder and JavaScript agree on the shortest form, which is what kubectl sends). */
  private numberText(value: number): string {
    return numberLiteral(this.root, value) ?? String(value);
  }

  /** A type error: remembered (JSON) or final (unstructured). */
  private typeError(message: string): void {
    if (this.mode === 'unstructured') throw new Stop(message);
    this.saved ??= message;
  }

  value(value: unknown, raw: Schema): void {
    if (value === null || value === undefined) return; // null decodes into anything
    const { schema, name } = this.lookup.resolve(raw);
    if (name === quantityName) return this.quantity(value);
    if (name === intOrStringName) return this.intOrString(value);
    if (name === timeName || name === microTimeName) return this.time(value, name === timeName ? rfc3339 : rfc3339Micro);
    if (isFreeForm(schema)) return;
    if (schema.type === 'array') return this.list(value, schema);
    if (schema.type === 'object' || schema.properties) {
      if (schema.properties) return this.struct(value, schema, name);
      if (typeof schema.additionalProperties === 'object') return this.map(value, schema);
      return;
    }
    this.scalar(value, schema);
  }

  private struct(value: unknown, schema: Schema, name: string | undefined): void {
    if (!isObject(value)) return this.mismatch(value, goType(schema, name, this.lookup), 'struct');
    const outer = this.ctx.struct;
    const struct = name ? name.slice(name.lastIndexOf('.') + 1) : outer;
    const properties = schema.properties!;
    // encoding/json follows the document; the converter follows the struct's fields.
    const keys = this.mode === 'json' ? Object.keys(value) : Object.keys(properties).filter((k) => k in value);
    for (const key of keys) {
      const field = ownValue(properties, key);
      if (!field) continue;
      this.ctx.struct = struct;
      this.ctx.fields.push(key);
      this.value(value[key], field);
      this.ctx.fields.pop();
      this.ctx.struct = outer;
    }
  }

  private map(value: unknown, schema: Schema): void {
    if (!isObject(value)) return this.mismatch(value, goType(schema, undefined, this.lookup), 'map');
    const element = schema.additionalProperties as Schema;
    for (const key of Object.keys(value)) this.value(value[key], element);
  }

  private list(value: unknown, schema: Schema): void {
    if (!Array.isArray(value)) return this.mismatch(value, goType(schema, undefined, this.lookup), 'slice');
    if (!schema.items) return;
    for (const element of value) this.value(element, schema.items);
  }

  private scalar(value: unknown, schema: Schema): void {
    if (schema.type === 'string' && typeof value === 'string' && schema.format !== 'byte') return;
    const type = goType(schema, undefined, this.lookup);
    if (type === '[]uint8') return this.bytes(value);
    const ok =
      (schema.type === 'string' && typeof value === 'string') ||
      (schema.type === 'boolean' && typeof value === 'boolean') ||
      (schema.type === 'number' && typeof value === 'number') ||
      (schema.type === 'integer' && typeof value === 'number' && (this.mode === 'unstructured' || fitsInteger(value, type, numberLiteral(this.root, value))) && Number.isInteger(value));
    if (ok) return;
    if (this.mode === 'json') {
      const what = typeof value === 'number' && schema.type === 'integer' ? `number ${this.numberText(value)}` : jsonKind(value);
      return this.typeError(goUnmarshalTypeError(what, type, this.ctx));
    }
    // The converter: integers and floats convert into each other (a float only when whole), an integer into a string type "converts" and fails.
    if (typeof value === 'number' && schema.type === 'integer') return this.typeError(`cannot convert float64 to ${type}`);
    if (typeof value === 'number' && Number.isInteger(value) && schema.type === 'string') return this.typeError(`cannot convert int64 to ${type}`);
    if (typeof value === 'number' && schema.type === 'number') return;
    this.typeError(`unrecognized type: ${type}`);
  }

  /** A []byte field: a base64 string (or, as Go allows, a list of byte values). */
  private bytes(value: unknown): void {
    if (typeof value === 'string') {
      const error = base64Error(value);
      if (error) this.typeError(this.mode === 'json' ? error : `error decoding from json: ${error}`);
      return;
    }
    if (Array.isArray(value)) {
      for (const b of value) {
        if (b === null) continue;
        if (typeof b === 'number' && Number.isInteger(b) && (this.mode === 'unstructured' || (b >= 0 && b <= 255))) continue;
        if (this.mode === 'json') this.typeError(goUnmarshalTypeError(typeof b === 'number' ? `number ${this.numberText(b)}` : jsonKind(b), 'uint8', this.ctx));
        else this.typeError(typeof b === 'number' ? 'cannot convert float64 to uint8' : 'unrecognized type: uint8');
        return;
      }
      return;
    }
    this.mismatch(value, '[]uint8', 'slice');
  }

  /** A value of the wrong JSON kind for a struct, map or list. */
  private mismatch(value: unknown, type: string, what: 'struct' | 'map' | 'slice'): void {
    if (this.mode === 'json') return this.typeError(goUnmarshalTypeError(jsonKind(value), type, this.ctx));
    const kind = goKind(value);
    this.typeError(what === 'struct' ? `cannot restore struct from: ${kind}` : `cannot restore ${what} from ${kind}`);
  }

  /** resource.Quantity's UnmarshalJSON: the JSON text (unquoted, trimmed) must parse. */
  private quantity(value: unknown): void {
    const text = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : Array.isArray(value) ? '[' : '{';
    try {
      parseQuantity(text);
    } catch (err) {
      if (err instanceof QuantityParseError) throw new Stop(err.message);
      throw err;
    }
  }

  /** intstr.IntOrString's UnmarshalJSON: a string, or JSON it unmarshals into an int32. */
  private intOrString(value: unknown): void {
    if (typeof value === 'string') return;
    if (typeof value === 'number' && Number.isInteger(value) && fitsInteger(value, 'int32')) return;
    const what = typeof value === 'number' ? `number ${this.numberText(value)}` : jsonKind(value);
    throw new Stop(this.mode === 'json' ? goUnmarshalTypeError(what, 'int32', this.ctx) : `json: cannot unmarshal ${what} into Go value of type int32`);
  }

  /** metav1.Time and MicroTime: a JSON string that time.Parse takes with their layout. */
  private time(value: unknown, layout: typeof rfc3339 | typeof rfc3339Micro): void {
    if (typeof value !== 'string') {
      const what = jsonKind(value);
      throw new Stop(this.mode === 'json' ? goUnmarshalTypeError(what, 'string', this.ctx) : `json: cannot unmarshal ${what} into Go value of type string`);
    }
    const error = goTimeParseError(layout, value);
    if (error) throw new Stop(error);
  }
}

/**
 * The error decoding `body` into the Go type of `gvk` gives, in the words of
 * Go's JSON decoder (`json: cannot unmarshal ...`); undefined when it decodes,
 * or when the kind has no definition.
 */
export function jsonDecodeError(body: unknown, gvk: GroupVersionKind, lookup: SchemaLookup): string | undefined {
  return decode(body, gvk, lookup, 'json');
}

/** The error the unstructured converter gives for a strategic-merge-patched object; undefined when it converts. */
export function unstructuredDecodeError(body: unknown, gvk: GroupVersionKind, lookup: SchemaLookup): string | undefined {
  return decode(body, gvk, lookup, 'unstructured');
}

function decode(body: unknown, gvk: GroupVersionKind, lookup: SchemaLookup, mode: Mode): string | undefined {
  const name = lookup.definitionName(gvk);
  if (!name) return undefined;
  const walk = new Walk(lookup, mode, body);
  try {
    walk.value(body, { $ref: `#/definitions/${name}` });
  } catch (err) {
    if (err instanceof Stop) return err.message;
    throw err;
  }
  return walk.saved;
}

/**
 * The error encoding/json's scanner gives for JSON nested deeper than
 * maxNestingDepth (`invalid character '{' exceeded max depth`, naming the
 * first bracket too deep), or undefined. Iterative: the value may be far too
 * deep for recursion.
 */
export function nestingDepthError(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxNestingDepth) return `invalid character '${Array.isArray(current) ? '[' : '{'}' exceeded max depth`;
    const children = Array.isArray(current) ? current : Object.values(current);
    // Pushed last to first, so the first child is looked at first, as a scanner reads.
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

/**
 * apimachinery's summarizeData: the first 30 bytes of the body (as compact
 * JSON, which is what kubectl sends), followed by " ..." when there is more.
 */
export function summarizeBody(value: unknown, maxLength = 30): string {
  const text = jsonPrefix(value, maxLength + 1);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return '<empty>';
  if (text[0] !== '{') return bytes.subarray(0, maxLength).toString('hex') + (bytes.length > maxLength ? ' ...' : '');
  return bytes.length > maxLength ? `${bytes.subarray(0, maxLength).toString('utf8')} ...` : text;
}

/** Compact JSON of `value`, written only until it is at least `limit` bytes long (without recursion). */
function jsonPrefix(value: unknown, limit: number): string {
  let out = '';
  // Work items: a value to write, or a literal string.
  const stack: ({ value: unknown } | string)[] = [{ value }];
  while (stack.length > 0 && Buffer.byteLength(out) < limit) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      const parts: ({ value: unknown } | string)[] = ['['];
      v.forEach((e, i) => parts.push(...(i > 0 ? [','] : []), { value: e === undefined ? null : e }));
      parts.push(']');
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).filter(([, e]) => e !== undefined);
      const parts: ({ value: unknown } | string)[] = ['{'];
      entries.forEach(([k, e], i) => parts.push(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`, { value: e }));
      parts.push('}');
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    } else {
      out += JSON.stringify(v) ?? 'null';
    }
  }
  return out;
}

/** encoding/json's UnmarshalTypeError with its context. */
function goUnmarshalTypeError(what: string, type: string, ctx: Context): string {
  if (ctx.struct || ctx.fields.length > 0) return `json: cannot unmarshal ${what} into Go struct field ${ctx.struct}.${ctx.fields.join('.')} of type ${type}`;
  return `json: cannot unmarshal ${what} into Go value of type ${type}`;
}

/** The Go type a schema decodes into, as reflect prints it. */
function goType(raw: Schema, knownName: string | undefined, lookup: SchemaLookup): string {
  const { schema, name } = knownName ? { schema: raw, name: knownName } : lookup.resolve(raw);
  if (name) return name.split('.').slice(-2).join('.');
  switch (schema.type) {
    case 'array':
      return `[]${schema.items ? goType(schema.items, undefined, lookup) : 'interface {}'}`;
    case 'integer':
      return schema.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return schema.format === 'byte' ? '[]uint8' : 'string';
  }
  const element = schema.additionalProperties;
  if (typeof element === 'object') {
    // Maps of quantities are core/v1's ResourceList.
    if (lookup.resolve(element).name === quantityName) return 'v1.ResourceList';
    return `map[string]${goType(element, undefined, lookup)}`;
  }
  return 'map[string]interface {}';
}

/** An object, a field of no described type, or anything the schema leaves open: no type to check against. */
function isFreeForm(schema: Schema): boolean {
  if (schema['x-kubernetes-preserve-unknown-fields']) return true;
  if (schema.properties || schema.items || schema.type === 'array') return false;
  if (schema.type === undefined) return true;
  return schema.type === 'object' && typeof schema.additionalProperties !== 'object';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How encoding/json names a JSON value in its errors. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  return typeof value === 'string' ? 'string' : 'object';
}

/** reflect.Kind of the unstructured value (json numbers are int64 when whole, float64 otherwise). */
function goKind(value: unknown): string {
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'string' ? 'string' : 'map';
}

function fitsInteger(value: number, type: string, literal?: string): boolean {
  if (type === 'int32') return value >= -2147483648 && value <= 2147483647;
  // The literal decides at int64's edges, where doubles cannot tell 2^63-1 from 2^63.
  if (literal && /^-?\d+$/.test(literal)) return BigInt(literal) >= -(2n ** 63n) && BigInt(literal) < 2n ** 63n;
  // 2^63 is the first double above int64's range; every double below it fits.
  return value >= -9223372036854775808 && value < 9223372036854775808;
}

/**
 * What kube-apiserver answers (400 BadRequest) when a create or update body
 * does not decode into `gvk`'s Go type, or undefined:
 * `Deployment in version "v1" cannot be handled as a Deployment: json: ...`;
 * a body nested too deep, or whose apiVersion or kind is not a string, is
 * refused before its kind is known (`the object provided is unrecognized`).
 */
export function bodyDecodeError(body: unknown, gvk: GroupVersionKind, lookup: SchemaLookup): string | undefined {
  const unrecognized = (why: string) =>
    `the object provided is unrecognized (must be of type ${gvk.kind}): couldn't get version/kind; json parse error: ${why} (${summarizeBody(body)})`;
  const tooDeep = nestingDepthError(body);
  if (tooDeep) return unrecognized(tooDeep);
  if (!isObject(body)) return undefined;
  for (const key of Object.keys(body)) {
    const value = body[key];
    if ((key === 'apiVersion' || key === 'kind') && value !== null && typeof value !== 'string') {
      return unrecognized(`json: cannot unmarshal ${jsonKind(value)} into Go struct field .${key} of type string`);
    }
  }
  const error = jsonDecodeError(body, gvk, lookup);
  if (!error) return undefined;
  // The kind and version the body names, defaulted from the endpoint's.
  const kind = typeof body.kind === 'string' && body.kind ? body.kind : gvk.kind;
  const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1) || gvk.version;
  return `${kind} in version "${version}" cannot be handled as a ${gvk.kind}: ${error}`;
}

/** fmt's %+v of a decoded JSON value: `map[spec:map[replicas:three]]`, keys sorted. */
export function goSprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goSprint).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${goSprint(v)}`).join(' ')}]`;
  }
  return String(value);
}
