// Finds the schema of a kind and walks its fields, resolving references the
// way kubectl does (a `$ref`, or an `allOf` whose first entry is one). Strategic
// merge patch, field validation and the OpenAPI documents all read the
// schema through this.

import { readFileSync } from 'node:fs';
import { appPaths } from '../../appPaths.ts';
import type { Definitions, GroupVersionKind, Schema } from './schema.ts';
import { ownValue } from '../../kube/ownKeys.ts';

/** The patch metadata of one field: `x-kubernetes-patch-strategy` (split on commas) and `x-kubernetes-patch-merge-key`. */
export interface PatchMeta {
  strategies: string[];
  mergeKey?: string;
}

export class SchemaLookup {
  private readonly byGVK = new Map<string, string>();
  /**
   * Each schema's node, made once: field ownership walks a pod's schema on every
   * write. The definitions never change under a lookup (new kinds make a new one).
   */
  private readonly wrapped = new WeakMap<Schema, SchemaNode>();
  private readonly named = new Map<string, SchemaNode>();

  constructor(
    readonly definitions: Definitions,
    private readonly refPrefix = '#/definitions/',
  ) {
    for (const [name, schema] of Object.entries(definitions)) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        // Lists and DeleteOptions carry several GVKs; the first definition to claim one keeps it.
        const key = gvkKey(gvk);
        if (!this.byGVK.has(key)) this.byGVK.set(key, name);
      }
    }
  }

  private static shared: SchemaLookup | undefined;

  /** The lookup over resources/openapi/definitions.json, loaded once. */
  static kubernetes(): SchemaLookup {
    SchemaLookup.shared ??= new SchemaLookup(JSON.parse(readFileSync(appPaths.openapiDefinitions, 'utf8')) as Definitions);
    return SchemaLookup.shared;
  }

  /** The definition name of a kind: `io.k8s.api.core.v1.Pod` for {'' v1 Pod}. */
  definitionName(gvk: GroupVersionKind): string | undefined {
    return this.byGVK.get(gvkKey(gvk));
  }

  forKind(gvk: GroupVersionKind): SchemaNode | undefined {
    const name = this.definitionName(gvk);
    return name === undefined ? undefined : this.node(name);
  }

  node(name: string): SchemaNode | undefined {
    const known = this.named.get(name);
    if (known) return known;
    const schema = this.definitions[name];
    if (!schema) return undefined;
    const node = new SchemaNode(this, schema, name);
    this.named.set(name, node);
    return node;
  }

  /** Follows `$ref` and single-entry `allOf` to the schema that has the type and fields. */
  resolve(schema: Schema): { schema: Schema; name?: string } {
    let current = schema;
    let name: string | undefined;
    for (let depth = 0; depth < 32; depth++) {
      if (current.$ref) {
        name = current.$ref.startsWith(this.refPrefix) ? current.$ref.slice(this.refPrefix.length) : current.$ref;
        const target = this.definitions[name];
        if (!target) throw new Error(`unresolvable reference ${current.$ref}`);
        current = target;
      } else if (current.allOf?.length === 1 && !current.properties && !current.type) {
        current = current.allOf[0];
      } else {
        return { schema: current, name };
      }
    }
    throw new Error('reference cycle in schema');
  }

  wrap(schema: Schema): SchemaNode {
    let node = this.wrapped.get(schema);
    if (!node) {
      const resolved = this.resolve(schema);
      node = new SchemaNode(this, resolved.schema, resolved.name);
      this.wrapped.set(schema, node);
    }
    return node;
  }
}

/** A resolved schema: an object with fields, a map, a list, or a scalar. */
export class SchemaNode {
  constructor(
    private readonly lookup: SchemaLookup,
    readonly schema: Schema,
    /** The definition name when this schema came from one. */
    readonly name?: string,
  ) {}

  get description(): string | undefined {
    return this.schema.description;
  }

  get required(): string[] {
    return this.schema.required ?? [];
  }

  /**
   * An object whose fields are not described: no properties and no
   * additionalProperties schema (RawExtension, FieldsV1), or one marked
   * `x-kubernetes-preserve-unknown-fields`. Anything goes inside.
   */
  get isFreeForm(): boolean {
    const s = this.schema;
    if (s['x-kubernetes-preserve-unknown-fields']) return true;
    if (s.properties || s.items) return false;
    if (s.additionalProperties === true) return true;
    return s.additionalProperties === undefined && (s.type === 'object' || s.type === undefined) && !s.oneOf;
  }

  /** The raw schema of field `name` (before resolution: it holds the field's description and x-kubernetes-patch-* extensions). */
  fieldSchema(name: string): Schema | undefined {
    // An own key: a field named like an Object.prototype member ("constructor", "__proto__") is not a declared one.
    const own = this.schema.properties && ownValue(this.schema.properties, name);
    if (own) return own;
    const additional = this.schema.additionalProperties;
    return typeof additional === 'object' ? additional : undefined;
  }

  /** Field `name` of an object, or any value of a map. */
  field(name: string): SchemaNode | undefined {
    const schema = this.fieldSchema(name);
    return schema ? this.lookup.wrap(schema) : undefined;
  }

  /** Whether `name` is a declared field (a map accepts any key). */
  hasField(name: string): boolean {
    return this.fieldSchema(name) !== undefined;
  }

  /** The element schema of a list. */
  items(): SchemaNode | undefined {
    return this.schema.items ? this.lookup.wrap(this.schema.items) : undefined;
  }

  patchMeta(fieldName: string): PatchMeta {
    const schema = this.schema.properties && ownValue(this.schema.properties, fieldName);
    const strategy = schema?.['x-kubernetes-patch-strategy'];
    const mergeKey = schema?.['x-kubernetes-patch-merge-key'];
    return { strategies: strategy ? strategy.split(',') : [], ...(mergeKey ? { mergeKey } : {}) };
  }

  /**
   * Walks a field path (`['spec', 'containers', 'ports']`), stepping through
   * lists and maps transparently as `kubectl explain` does.
   */
  walk(path: string[]): SchemaNode | undefined {
    let node: SchemaNode | undefined = this.elementOf();
    for (const segment of path) {
      node = node?.field(segment)?.elementOf();
      if (!node) return undefined;
    }
    return node;
  }

  private elementOf(): SchemaNode {
    let node: SchemaNode = this;
    for (let items = node.items(); items; items = node.items()) node = items;
    return node;
  }
}

function gvkKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}
