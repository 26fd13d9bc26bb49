// The registry's one call into the field manager: the managedFields a write
// stores. A server-side apply brings its own (computed when the configuration
// was merged); every other create, update and patch gets the writer's Update
// entry; writes without a manager (server-internal ones) keep what was there.

import type { KubeObject, ManagedFieldsEntry } from '../../kube/meta.ts';
import { errors } from '../errors.ts';
import type { SchemaNode } from '../openapi/schemaLookup.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { FieldManager } from './fieldManager.ts';
import { validateManagedFields } from './managedFieldsValidation.ts';
import { keepTimestampsWhenUnchanged } from './timestamps.ts';

export interface OwnershipWrite {
  def: ResourceDefinition;
  schema: SchemaNode | undefined;
  now: () => Date;
  /** The subresource the request wrote through ('', 'status', 'scale'). */
  subresource: string;
  /** The field manager; undefined: a write ownership is not tracked for. */
  manager: string | undefined;
  /** The managedFields of a server-side apply, which the write stores as they are. */
  applied: boolean;
  /** The stored object (undefined for a create). */
  live: KubeObject | undefined;
  /** The managedFields the request's object carried. */
  sent: ManagedFieldsEntry[] | undefined;
}

/**
 * The field manager of each resource and subresource, made once for its
 * schema and clock (a field manager keeps nothing of a write): what it works
 * out from its kind (the empty object a create compares against, its Go zero
 * values) is then not worked out on every write.
 */
const managers = new WeakMap<ResourceDefinition, Map<string, { schema: SchemaNode | undefined; now: () => Date; manager: FieldManager }>>();

export function fieldManagerFor(def: ResourceDefinition, schema: SchemaNode | undefined, subresource: string, now: () => Date): FieldManager {
  let bySubresource = managers.get(def);
  if (!bySubresource) managers.set(def, (bySubresource = new Map()));
  const kept = bySubresource.get(subresource);
  if (kept && kept.schema === schema && kept.now === now) return kept.manager;
  const manager = newFieldManager(def, schema, subresource, now);
  bySubresource.set(subresource, { schema, now, manager });
  return manager;
}

function newFieldManager(def: ResourceDefinition, schema: SchemaNode | undefined, subresource: string, now: () => Date): FieldManager {
  return new FieldManager({
    group: def.group,
    version: def.version,
    kind: def.kind,
    subresource,
    hasStatusSubresource: def.subresources.includes('status'),
    replicasPath: def.scale?.specReplicasPath,
    schema,
    builtIn: !def.customResource,
    now,
  });
}

/** Sets `obj.metadata.managedFields` for this write; a 422 when the entries a client sent are not valid. */
export function recordOwnership(obj: KubeObject, write: OwnershipWrite): void {
  let entries: ManagedFieldsEntry[] | undefined;
  if (write.applied) entries = write.sent;
  else if (write.manager === undefined) entries = write.live?.metadata.managedFields;
  else {
    const manager = fieldManagerFor(write.def, write.schema, write.subresource, write.now);
    entries = manager.update(write.live, { ...obj, metadata: { ...obj.metadata, managedFields: write.sent } }, write.manager);
  }
  const invalid = validateManagedFields(entries);
  if (invalid.length > 0) throw errors.invalid(write.def.kind, write.def.group, obj.metadata.name ?? '', invalid);
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
  keepTimestampsWhenUnchanged(obj, write.live);
}
