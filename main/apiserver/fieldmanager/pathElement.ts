// One step of a field path, as structured-merge-diff names the parts of an
// object: a struct or map field (`f:name`), a list item by its keys
// (`k:{"name":"web"}`), a set item by its value (`v:"a"`), or a list index
// (`i:0`, only for lists without keys). Path elements are ordered the way
// structured-merge-diff orders them, which is the order managedFields lists
// them in.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type PathElement =
  | { field: string }
  | { key: Array<[string, JsonValue]> }
  | { value: JsonValue }
  | { index: number };

export type FieldPath = PathElement[];

/** A key element from an item's key fields: sorted by field name, as fieldpath.KeyByFields does. */
export function keyElement(fields: Array<[string, JsonValue]>): PathElement {
  return { key: [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

function rank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

function cmp<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** value.Compare: numbers (ints and floats together) < strings < booleans < lists < maps < null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; ; i++) {
      if (i >= a.length && i >= b.length) return 0;
      if (i >= a.length) return -1;
      if (i >= b.length) return 1;
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
  }
  if (ra === 4) {
    const am = a as Record<string, JsonValue>;
    const bm = b as Record<string, JsonValue>;
    const keys = [...new Set([...Object.keys(am), ...Object.keys(bm)])].sort();
    const la = Object.keys(am).length;
    const lb = Object.keys(bm).length;
    if (la === 0 && lb === 0) return 0;
    let i = 0;
    for (const k of keys) {
      let c: number;
      if (i === la) c = -1;
      else if (i === lb) c = 1;
      else if (!Object.hasOwn(am, k)) c = 1;
      else if (!Object.hasOwn(bm, k)) c = -1;
      else c = compareValues(am[k], bm[k]);
      i++;
      if (c !== 0) return c;
    }
    return 0;
  }
  if (ra === 2) return (a ? 1 : 0) - (b ? 1 : 0);
  if (ra === 5) return 0;
  return cmp(a, b);
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => valuesEqual(v, (b as unknown[])[i]));
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(b, k) && valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function kindRank(e: PathElement): number {
  if ('field' in e) return 0;
  if ('key' in e) return 1;
  if ('value' in e) return 2;
  return 3;
}

/** PathElement.Compare: field names < keys < values < indexes, then within each kind. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ka = kindRank(a);
  const kb = kindRank(b);
  if (ka !== kb) return ka - kb;
  if ('field' in a && 'field' in b) return cmp(a.field, b.field);
  if ('key' in a && 'key' in b) {
    for (let i = 0; ; i++) {
      if (i >= a.key.length && i >= b.key.length) return 0;
      if (i >= a.key.length) return -1;
      if (i >= b.key.length) return 1;
      const c = cmp(a.key[i][0], b.key[i][0]) || compareValues(a.key[i][1], b.key[i][1]);
      if (c !== 0) return c;
    }
  }
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  if ('index' in a && 'index' in b) return a.index - b.index;
  return 0;
}

/** Go's %q of a string (strconv.Quote), close enough for field names and values: JSON quoting. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** value.ToString: how a value prints inside a path. */
function valueToString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  return Object.entries(v)
    .map(([k, x]) => `${k}=${valueToString(x)}`)
    .join('');
}

/** PathElement.String: `.replicas`, `[name="web"]`, `[="a"]`, `[0]`. */
export function pathElementString(e: PathElement): string {
  if ('field' in e) return `.${e.field}`;
  if ('key' in e) return `[${e.key.map(([k, v]) => `${k}=${valueToString(v)}`).join(',')}]`;
  if ('value' in e) return `[=${valueToString(e.value)}]`;
  return `[${e.index}]`;
}

/** Path.String: `.spec.containers[name="web"].image`. */
export function pathString(path: FieldPath): string {
  return path.map(pathElementString).join('');
}

/** JSON as Go's encoder writes it inside managedFields keys: HTML characters escaped. */
export function goJson(v: JsonValue): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The FieldsV1 key of an element: `f:name`, `k:{"name":"web"}`, `v:"a"`, `i:0`. */
export function serializePathElement(e: PathElement): string {
  if ('field' in e) return `f:${e.field}`;
  if ('key' in e) return `k:{${e.key.map(([k, v]) => `${goJson(k)}:${goJson(v)}`).join(',')}}`;
  if ('value' in e) return `v:${goJson(e.value)}`;
  return `i:${e.index}`;
}

export class UnknownPathElementType extends Error {}

/** DeserializePathElement: the inverse of serializePathElement; unknown prefixes are their own error (skipped by readers). */
export function deserializePathElement(s: string): PathElement {
  if (s.length < 2) throw new Error('key must be 2 characters long');
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { field: rest };
    case 'v':
      return { value: JSON.parse(rest) as JsonValue };
    case 'k': {
      const parsed: unknown = JSON.parse(rest);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`invalid key: ${s}`);
      return keyElement(Object.entries(parsed as Record<string, JsonValue>));
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(rest)) throw new Error(`invalid index: ${s}`);
      return { index: Number(rest) };
    }
    default:
      throw new UnknownPathElementType('unknown path element type');
  }
}
