// The OpenAPI models of a CRD version, as kube-apiserver's CRD OpenAPI
// builder (apiextensions' controller/openapi/builder) publishes them, so that
// `kubectl explain crontab.spec` and unknown-field checks work:
// - `com.example.stable.v1.CronTab` (the group reversed): the version's
//   structural schema, with apiVersion and kind from TypeMeta, metadata a
//   reference to ObjectMeta, the embedded-resource fields filled in the same
//   way, and the group-version-kind (and selectable fields) extensions;
// - `com.example.stable.v1.CronTabList`: items of that kind, ListMeta.
// For /openapi/v2 the schema is made v2-safe as ToStructuralOpenAPIV2 does
// (no junctors, nullable and preserve-unknown-fields nodes lose their type
// and children) and defaults are pruned; for /openapi/v3 it is kept whole,
// int-or-string fields getting their anyOf. References use the v2 form
// (`#/definitions/...`) in both, as PodLab's documents expect.

import type { Definitions, Schema } from '../openapi/schema.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from './types.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

const objectMetaRef = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const listMetaRef = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const apiVersionDescription =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const kindDescription =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const objectMetadataDescription = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const listMetadataDescription = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const embeddedApiVersionDescription = 'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const embeddedKindDescription = 'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

const openapiV3Types = ['string', 'number', 'integer', 'boolean', 'array', 'object'];
// What a structural schema keeps of a node, in go-openapi's field order.
const valueKeys = ['maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties', 'minProperties', 'required'];
const junctors = ['allOf', 'oneOf', 'anyOf'] as const;
const extensionKeys = ['x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations'];

type Raw = Record<string, unknown>;

export interface CustomResourceModelOptions {
  /** Which document the models are for: /openapi/v2 (the default) or a group-version's /openapi/v3. */
  openapi?: 'v2' | 'v3';
  /** Whether a schema is structural; kube-apiserver publishes only the bare object model for one that is not. */
  isStructural?: (schema: Raw) => boolean;
}

/** util.ToRESTFriendlyName of `<group>/<version>.<Kind>`: `com.example.stable.v1.CronTab`. */
export function modelName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

const asRaw = (v: unknown): Raw | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);

/** SchemaHasInvalidTypes: a type outside OpenAPI v3's six anywhere in the schema. */
function hasInvalidTypes(schema: unknown): boolean {
  const s = asRaw(schema);
  if (!s) return false;
  if (typeof s.type === 'string' && s.type !== '' && !openapiV3Types.includes(s.type)) return true;
  const children = [s.items, s.additionalProperties, s.not, s.additionalItems, ...Object.values(asRaw(s.properties) ?? {}), ...Object.values(asRaw(s.patternProperties) ?? {}), ...Object.values(asRaw(s.definitions) ?? {}), ...Object.values(asRaw(s.dependencies) ?? {})];
  for (const j of junctors) children.push(...((s[j] as unknown[]) ?? []));
  return children.some(hasInvalidTypes);
}

/** NewStructural + ToKubeOpenAPI: the node as a structural schema keeps it; nested (junctor) nodes have no additionalProperties. */
function structural(s: Raw, nested = false): Schema {
  const out: Raw = {};
  for (const key of ['description', 'type', 'nullable', 'format', 'title']) {
    if (s[key] !== undefined && s[key] !== '' && s[key] !== false && s[key] !== null) out[key] = s[key];
  }
  if (s.default !== undefined) out.default = s.default;
  for (const key of valueKeys) {
    const value = s[key];
    if (value === undefined || value === null || value === false || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  const items = asRaw(s.items);
  if (items) out.items = structural(items, nested);
  for (const j of junctors) {
    const list = s[j];
    if (Array.isArray(list) && list.length > 0) out[j] = list.map((sub) => structural(asRaw(sub) ?? {}, true));
  }
  const not = asRaw(s.not);
  if (not) out.not = structural(not, true);
  const properties = asRaw(s.properties);
  if (properties) out.properties = Object.fromEntries(Object.keys(properties).sort().map((k) => [k, structural(asRaw(properties[k]) ?? {}, nested)]));
  if (!nested && s.additionalProperties !== undefined && s.additionalProperties !== null) {
    const additional = asRaw(s.additionalProperties);
    out.additionalProperties = additional ? structural(additional) : s.additionalProperties === true;
  }
  for (const key of extensionKeys) {
    const value = s[key];
    if (value === undefined || value === null || value === false || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out as Schema;
}

const intOrStringAnyOf = [{ type: 'integer' }, { type: 'string' }];
const isIntOrStringPattern = (list: unknown) => JSON.stringify(list) === JSON.stringify(intOrStringAnyOf);

/** Visits every structural node (not the junctors' nested ones), parent before children. */
function visit(s: Schema, fn: (node: Schema) => void): void {
  fn(s);
  if (s.items) visit(s.items, fn);
  for (const child of Object.values(s.properties ?? {})) visit(child, fn);
  if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, fn);
}

/** Unfold: x-kubernetes-int-or-string spelled out as anyOf integer/string (unless already so). */
function unfold(root: Schema): void {
  visit(root, (s) => {
    const node = s as Raw;
    if (!s['x-kubernetes-int-or-string']) return;
    if (isIntOrStringPattern(node.anyOf) || isIntOrStringPattern(asRaw((node.allOf as unknown[] | undefined)?.[0])?.anyOf)) return;
    if (!node.anyOf) node.anyOf = deepCopy(intOrStringAnyOf);
    else node.allOf = [{ anyOf: deepCopy(intOrStringAnyOf) }, ...((node.allOf as unknown[]) ?? [])];
  });
}

/** ToStructuralOpenAPIV2: what kubectl's OpenAPI v2 reader can cope with. */
function toOpenAPIV2(root: Schema): void {
  visit(root, (s) => {
    const node = s as Raw;
    for (const j of [...junctors, 'not']) delete node[j];
    // A nullable field's children are dropped with its type; its parent no longer requires it.
    const nullableChildren = Object.entries(s.properties ?? {}).filter(([, child]) => (child as Raw).nullable === true).map(([k]) => k);
    const nullableValues = typeof s.additionalProperties === 'object' && (s.additionalProperties as Raw).nullable === true;
    if (node.nullable) {
      delete node.type;
      delete node.nullable;
      delete node.items;
      delete node.properties;
    }
    if (s['x-kubernetes-preserve-unknown-fields']) {
      delete node.items;
      delete node.properties;
    }
    if (!node.items && node.type === 'array') delete node.type;
    if (s['x-kubernetes-preserve-unknown-fields'] && node.type === 'object') delete node.type;
    if (node.required && nullableChildren.length > 0) {
      node.required = (node.required as string[]).filter((r) => !nullableChildren.includes(r));
      if ((node.required as string[]).length === 0) delete node.required;
    }
    if (nullableValues) delete node.required;
  });
}

/** handler.PruneDefaults: /openapi/v2 carries no defaults. */
function pruneDefaults(s: Schema): void {
  delete (s as Raw).default;
  if (s.items) pruneDefaults(s.items);
  for (const child of Object.values(s.properties ?? {})) pruneDefaults(child);
  if (typeof s.additionalProperties === 'object') pruneDefaults(s.additionalProperties);
  for (const j of [...junctors]) for (const sub of ((s as Raw)[j] as Schema[] | undefined) ?? []) pruneDefaults(sub);
  if ((s as Raw).not) pruneDefaults((s as Raw).not as Schema);
}

const typeMetaProperties = (): Record<string, Schema> => ({
  apiVersion: { description: apiVersionDescription, type: 'string' },
  kind: { description: kindDescription, type: 'string' },
});

function withProperties(s: Schema, extra: Record<string, Schema>): void {
  const merged = { ...(s.properties ?? {}), ...extra };
  s.properties = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
}

/** addEmbeddedProperties: an x-kubernetes-embedded-resource object gets apiVersion, kind and metadata, the first two required. */
function addEmbeddedProperties(s: Schema, v2: boolean): void {
  for (const child of Object.values(s.properties ?? {})) addEmbeddedProperties(child, v2);
  if (s.items) addEmbeddedProperties(s.items, v2);
  if (typeof s.additionalProperties === 'object') addEmbeddedProperties(s.additionalProperties, v2);
  if (s['x-kubernetes-preserve-unknown-fields'] && v2) return;
  if (!s['x-kubernetes-embedded-resource']) return;
  withProperties(s, {
    apiVersion: { description: embeddedApiVersionDescription, type: 'string' },
    kind: { description: embeddedKindDescription, type: 'string' },
    metadata: { $ref: objectMetaRef, description: objectMetadataDescription },
  });
  const required = s.required ?? [];
  s.required = [...required, ...(['kind', 'apiVersion'] as const).filter((r) => !required.includes(r))];
}

/** Keys in go-openapi's order: the schema's own fields, then its extensions sorted. */
function ordered(s: Schema): Schema {
  const entries = Object.entries(s);
  return Object.fromEntries([...entries.filter(([k]) => !k.startsWith('x-')), ...entries.filter(([k]) => k.startsWith('x-')).sort(([a], [b]) => a.localeCompare(b))]) as Schema;
}

/** buildSelectableFields as 1.32 builds it: a version without selectable fields gets an empty list. */
function selectableFieldsExtension(version: CustomResourceDefinitionVersion): Array<{ fieldPath: string }> {
  return (version.selectableFields ?? []).map((f) => ({ fieldPath: f.jsonPath.replace(/^\./, '') }));
}

/** The kind's and list's models for one version of a CRD (BuildOpenAPIV2 / BuildOpenAPIV3). */
export function customResourceModels(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion, options: CustomResourceModelOptions = {}): Definitions {
  const v2 = (options.openapi ?? 'v2') === 'v2';
  const { group } = crd.spec;
  const { kind, plural } = crd.spec.names;
  const listKind = crd.spec.names.listKind || `${kind}List`;
  const kindName = modelName(group, version.name, kind);
  const gvk = (k: string) => [{ group, kind: k, version: version.name }];

  const raw = asRaw(version.schema?.openAPIV3Schema);
  const usable = raw && !hasInvalidTypes(raw) && (options.isStructural?.(raw) ?? true);
  let model: Schema;
  if (!usable || (v2 && (raw['x-kubernetes-preserve-unknown-fields'] === true || crd.spec.preserveUnknownFields))) {
    model = { type: 'object' };
  } else {
    model = structural(raw);
    unfold(model);
    if (v2) toOpenAPIV2(model);
    withProperties(model, { ...typeMetaProperties(), metadata: { $ref: objectMetaRef, description: objectMetadataDescription } });
    addEmbeddedProperties(model, v2);
  }
  model['x-kubernetes-group-version-kind'] = gvk(kind);
  model['x-kubernetes-selectable-fields'] = selectableFieldsExtension(version);

  const list: Schema = {
    description: `${listKind} is a list of ${kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: typeMetaProperties().apiVersion,
      items: { description: `List of ${plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, type: 'array', items: { $ref: `#/definitions/${kindName}` } },
      kind: typeMetaProperties().kind,
      metadata: { $ref: listMetaRef, description: listMetadataDescription },
    },
    'x-kubernetes-group-version-kind': gvk(listKind),
    'x-kubernetes-selectable-fields': selectableFieldsExtension(version),
  };
  if (v2) pruneDefaults(model);
  return { [kindName]: ordered(model), [modelName(group, version.name, listKind)]: ordered(list) };
}
