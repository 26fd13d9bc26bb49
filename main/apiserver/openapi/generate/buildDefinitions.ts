// Turns the client-node models into OpenAPI v2 definitions named and shaped
// as Kubernetes publishes them in /openapi/v2 (`#/definitions/io.k8s...`),
// with the vendor extensions of kubernetesExtensions.ts put back.

import type { Model, ModelField } from './clientNodeModels.ts';
import { anyFieldTypes, fieldExtensions, quantityFields, refFieldDescriptions } from './kubernetesExtensions.ts';
import {
  intOrStringName,
  kubernetesPackages,
  kubernetesTypeName,
  metaV1Prefix,
  microTimeName,
  quantityName,
  rawExtensionName,
  scalarDefinitions,
  timeName,
} from './kubernetesPackages.ts';
import type { Schema } from '../schema.ts';

/** Maps each reachable model to its Kubernetes definition name. */
function assignPackages(models: Map<string, Model>): Map<string, string> {
  const names = new Map<string, string>();
  for (const pkg of kubernetesPackages) {
    const queue = [...pkg.kinds];
    for (const kind of queue) {
      if (!models.has(kind)) throw new Error(`no client-node model ${kind} for ${pkg.prefix}`);
    }
    while (queue.length > 0) {
      const modelName = queue.shift()!;
      if (names.has(modelName)) continue;
      names.set(modelName, `${pkg.prefix}.${kubernetesTypeName(modelName)}`);
      for (const field of models.get(modelName)!.fields) {
        for (const ref of field.type.match(/\b(?:[A-Z][a-z]+)*V\d\w*/g) ?? []) {
          if (models.has(ref) && !names.has(ref)) queue.push(ref);
        }
      }
    }
  }
  return names;
}

function groupVersionKinds(names: Map<string, string>): Map<string, { group: string; version: string; kind: string }[]> {
  const gvks = new Map<string, { group: string; version: string; kind: string }[]>();
  const served = kubernetesPackages.filter((p) => p.prefix !== metaV1Prefix);
  for (const pkg of served) {
    for (const model of pkg.kinds) {
      gvks.set(names.get(model)!, [{ group: pkg.group, kind: kubernetesTypeName(model), version: pkg.version }]);
    }
  }
  gvks.set(`${metaV1Prefix}.Status`, [{ group: '', kind: 'Status', version: 'v1' }]);
  for (const kind of ['DeleteOptions', 'WatchEvent']) {
    const unique = new Map(served.map((p) => [`${p.group}/${p.version}`, { group: p.group, kind, version: p.version }]));
    gvks.set(`${metaV1Prefix}.${kind}`, [...unique.values()]);
  }
  return gvks;
}

export function buildDefinitions(models: Map<string, Model>): Record<string, Schema> {
  const names = assignPackages(models);
  const gvks = groupVersionKinds(names);
  const definitions: Record<string, Schema> = { ...scalarDefinitions };
  // A struct-typed field without its own description borrows its type's (the models lost field
  // descriptions on references); a scalar type's description (Quantity, Time) says nothing of the field.
  const typeDescriptions = new Map<string, string>();
  for (const [model, name] of names) typeDescriptions.set(name, models.get(model)!.description);

  const used = { quantity: new Set<string>(), extensions: new Set<string>() };

  for (const [modelName, defName] of names) {
    const model = models.get(modelName)!;
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const field of model.fields) {
      const schema = typeSchema(field.type, field.format, { defName, field, names, used });
      const description = field.description || (schema.$ref ? refDescription(schema.$ref, typeDescriptions) : '');
      const extensions = fieldExtensions[defName]?.[field.name];
      if (extensions) used.extensions.add(`${defName}.${field.name}`);
      properties[field.name] = { ...(description ? { description } : {}), ...schema, ...extensions };
      if (!field.optional) required.push(field.name);
    }
    definitions[defName] = {
      ...(model.description ? { description: model.description } : {}),
      type: 'object',
      ...(required.length > 0 ? { required } : {}),
      properties,
      ...(gvks.has(defName) ? { 'x-kubernetes-group-version-kind': gvks.get(defName) } : {}),
    };
  }

  assertAllUsed(fieldExtensions, used.extensions, 'extension');
  assertAllUsed(Object.fromEntries(Object.entries(quantityFields).map(([t, fs]) => [t, Object.fromEntries(fs.map((f) => [f, 1]))])), used.quantity, 'Quantity');
  return Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function refDescription(ref: string, typeDescriptions: Map<string, string>): string {
  const target = ref.slice('#/definitions/'.length);
  return refFieldDescriptions[target] ?? typeDescriptions.get(target) ?? '';
}

interface TypeContext {
  defName: string;
  field: ModelField;
  names: Map<string, string>;
  used: { quantity: Set<string> };
}

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });

function typeSchema(type: string, format: string, ctx: TypeContext): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: typeSchema(array[1], format, ctx) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1], format, ctx) };
  switch (type) {
    case 'string':
      if (quantityFields[ctx.defName]?.includes(ctx.field.name)) {
        ctx.used.quantity.add(`${ctx.defName}.${ctx.field.name}`);
        return ref(quantityName);
      }
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      return format === 'int32' || format === 'int64' ? { type: 'integer', format } : { type: 'number', format: format || 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return ref(timeName);
    case 'V1MicroTime':
      return ref(microTimeName);
    case 'IntOrString':
      return ref(intOrStringName);
    case 'any':
      return ref(anyFieldTypes[ctx.defName]?.[ctx.field.name] ?? rawExtensionName);
  }
  const target = ctx.names.get(type);
  if (!target) throw new Error(`${ctx.defName}.${ctx.field.name}: unknown type ${type}`);
  return ref(target);
}

function assertAllUsed(table: Record<string, Record<string, unknown>>, used: Set<string>, what: string): void {
  for (const [type, fields] of Object.entries(table)) {
    for (const field of Object.keys(fields)) {
      if (!used.has(`${type}.${field}`)) throw new Error(`${what} table names ${type}.${field}, which the models do not have`);
    }
  }
}
