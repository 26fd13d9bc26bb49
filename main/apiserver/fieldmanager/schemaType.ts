// The shape of a value as structured-merge-diff sees it (its schema "atom"): a
// scalar, a list (atomic, or associative: a set, or a map keyed by some of
// its items' fields), or a map (struct fields and/or arbitrary keys; granular
// or atomic). Built from the kind's OpenAPI schema the way kube-openapi's
// schemaconv converts it; values without a schema are "deduced" from what
// they hold, as structured-merge-diff's deduced type does for unknown kinds.

import type { Schema } from '../openapi/schema.ts';
import type { SchemaNode } from '../openapi/schemaLookup.ts';
import type { JsonValue } from './pathElement.ts';

export interface ListAtom {
  atomic: boolean;
  /** Key fields of a map-like list; empty for a set of scalars. */
  keys: string[];
  element(): SmdType;
  /** The schema default of a key field, used when an item leaves it out. */
  keyDefault(field: string): JsonValue | undefined;
}

export interface MapAtom {
  atomic: boolean;
  /** A struct field the schema declares (its own type), as opposed to a map key. */
  isDeclared(key: string): boolean;
  /** The type of `key`: the declared field's, else the map's element type; undefined when the schema allows no other keys. */
  fieldType(key: string): SmdType | undefined;
}

export interface Atom {
  scalar?: true;
  list?: ListAtom;
  map?: MapAtom;
}

export interface SmdType {
  atom(): Atom;
}

// Atoms are made once per type and shared (never changed): a write's comparison asks every field of the
// object for its type and atom, and making them afresh each time was a sixth of the field manager's work.

const untypedAtom: Atom = {
  scalar: true,
  list: { atomic: true, keys: [], element: () => untypedType, keyDefault: () => undefined },
  map: { atomic: true, isDeclared: () => false, fieldType: () => untypedType },
};

/** An atom that is anything, and atomic whatever it is (`__untyped_atomic_`). */
export const untypedType: SmdType = { atom: () => untypedAtom };

const deducedAtom: Atom = {
  scalar: true,
  list: { atomic: true, keys: [], element: () => untypedType, keyDefault: () => undefined },
  map: { atomic: false, isDeclared: () => false, fieldType: () => deducedType },
};

/** Structured-merge-diff's deduced type (`__untyped_deduced_`): maps are granular, lists atomic. */
export const deducedType: SmdType = { atom: () => deducedAtom };

const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

// Key defaults kube-apiserver's own models carry (`+default="TCP"`) that the published OpenAPI leaves out.
const builtInKeyDefaults: Record<string, Record<string, JsonValue>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
};
const rawExtension = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/** getListElementRelationship: list-type first, else the strategic-merge-patch strategy (a merge key makes it a map). */
export function listRelationship(schema: Schema): { atomic: boolean; keys: string[] } {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== undefined) {
    if (listType === 'set') return { atomic: false, keys: [] };
    if (listType === 'map') return { atomic: false, keys: schema['x-kubernetes-list-map-keys'] ?? [] };
    return { atomic: true, keys: [] };
  }
  const strategy = schema['x-kubernetes-patch-strategy'];
  if (strategy === 'merge' || strategy === 'merge,retainKeys') {
    const key = schema['x-kubernetes-patch-merge-key'];
    return { atomic: false, keys: key ? [key] : [] };
  }
  return { atomic: true, keys: [] };
}

function mapTypeOf(schema: Schema | undefined): boolean | undefined {
  const value = schema?.['x-kubernetes-map-type'];
  if (value === 'atomic') return true;
  if (value === 'granular') return false;
  return undefined;
}

class SchemaType implements SmdType {
  private memo: Atom | undefined;

  constructor(
    private readonly node: SchemaNode,
    /** The field's own schema before resolution: it may override the map type of what it refers to. */
    private readonly site: Schema | undefined,
    private readonly preserveUnknown: boolean,
  ) {}

  atom(): Atom {
    return (this.memo ??= this.makeAtom());
  }

  private makeAtom(): Atom {
    const s = this.node.schema;
    if (this.node.name === quantity || s['x-kubernetes-int-or-string'] || s.format === 'int-or-string') return { scalar: true };
    if (this.node.name === rawExtension) return untypedType.atom();
    const preserve = this.preserveUnknown || s['x-kubernetes-preserve-unknown-fields'] === true;
    if (s.type === 'array' || (s.type === undefined && s.items)) return { list: this.list(s, preserve) };
    if (s.type === 'object' || (s.type === undefined && (s.properties || s.additionalProperties !== undefined))) return { map: this.map(s, preserve) };
    if (s.type === undefined) return deducedType.atom();
    return { scalar: true };
  }

  private list(s: Schema, preserve: boolean): ListAtom {
    const { atomic, keys } = listRelationship(s);
    const items = this.node.items();
    const element = items ? new SchemaType(items, s.items, preserve) : untypedType;
    return {
      atomic,
      keys,
      element: () => element,
      keyDefault: (field) => (items?.schema.properties?.[field]?.default as JsonValue | undefined) ?? builtInKeyDefaults[items?.name ?? '']?.[field],
    };
  }

  private map(s: Schema, preserve: boolean): MapAtom {
    const atomic = mapTypeOf(this.site) ?? mapTypeOf(s) ?? false;
    const properties = s.properties ?? {};
    const hasProperties = Object.keys(properties).length > 0;
    const additional = s.additionalProperties;
    // Declared fields' types by name (as many as the schema has), and the one type of every other key.
    const declared = new Map<string, SmdType>();
    let anyKey: SmdType | undefined;
    return {
      atomic,
      isDeclared: (key) => Object.hasOwn(properties, key),
      fieldType: (key) => {
        if (Object.hasOwn(properties, key)) {
          let type = declared.get(key);
          if (!type) {
            const child = this.node.field(key);
            declared.set(key, (type = child ? new SchemaType(child, properties[key], preserve) : untypedType));
          }
          return type;
        }
        if (additional && typeof additional === 'object') {
          if (!anyKey) {
            const child = this.node.field(key);
            anyKey = child ? new SchemaType(child, additional, preserve) : untypedType;
          }
          return anyKey;
        }
        // An object without declared fields is free-form, as is anything under preserve-unknown-fields.
        if (additional === true || preserve || !hasProperties) return deducedType;
        return undefined;
      },
    };
  }
}

/** The type of a kind's objects from its schema; deduced when the kind has none. */
export function typeOf(node: SchemaNode | undefined): SmdType {
  return node ? new SchemaType(node, undefined, false) : deducedType;
}

/** deduceAtom: the one alternative of an atom that fits the value (the whole atom when none or several could). */
export function deduceAtom(atom: Atom, value: unknown): Atom {
  if (value === undefined || value === null) return atom;
  // An atom that is only what the value is stands for itself: no new atom (most schema types are one thing).
  if (Array.isArray(value)) return atom.list ? (atom.map || atom.scalar ? { list: atom.list } : atom) : atom;
  if (typeof value === 'object') return atom.map ? (atom.list || atom.scalar ? { map: atom.map } : atom) : atom;
  return atom.scalar ? (atom.map || atom.list ? SCALAR : atom) : atom;
}

const SCALAR: Atom = Object.freeze({ scalar: true });

/** Whether two deduced atoms are the same alternative (handleAtom picks map, then scalar, then list). */
export function sameAtom(a: Atom, b: Atom): boolean {
  return a.map === b.map && a.scalar === b.scalar && a.list === b.list;
}

/** handleAtom's choice among what is left: a map, else a scalar, else a list. */
export function chosen(atom: Atom): 'map' | 'scalar' | 'list' | undefined {
  if (atom.map) return 'map';
  if (atom.scalar) return 'scalar';
  if (atom.list) return 'list';
  return undefined;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
