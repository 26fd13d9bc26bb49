// Built-in objects as kube-apiserver's field manager sees them: Go structs,
// converted back to JSON. Go always writes struct-typed fields that are not
// pointers (`spec`, `status`, a Deployment's `strategy`, a pod template's
// `metadata` and `spec`) and fields without omitempty (a PodSpec's
// `containers`, as null when empty), even when the stored JSON has nothing
// there. Whether such a field is "added" decides whether managedFields marks
// it (`.`), so PodLab compares objects with those fields filled in the same
// way. Custom resources are unstructured and compared as they are.

import type { SchemaNode } from '../openapi/schemaLookup.ts';
import { isMap } from './schemaType.ts';

/** Struct fields that are Go values rather than pointers, beyond a kind's metadata, spec and status and the fields the schema requires. */
const valueStructFields: Record<string, string[]> = {
  'io.k8s.api.core.v1.PodTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.batch.v1.JobTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.apps.v1.DeploymentSpec': ['strategy'],
  'io.k8s.api.apps.v1.StatefulSetSpec': ['updateStrategy'],
  'io.k8s.api.apps.v1.DaemonSetSpec': ['updateStrategy'],
  'io.k8s.api.core.v1.Container': ['resources'],
  'io.k8s.api.core.v1.EphemeralContainer': ['resources'],
  'io.k8s.api.core.v1.ServiceStatus': ['loadBalancer'],
  'io.k8s.api.core.v1.NodeStatus': ['daemonEndpoints', 'nodeInfo'],
  'io.k8s.api.core.v1.NodeDaemonEndpoints': ['kubeletEndpoint'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': ['resources'],
  'io.k8s.api.core.v1.Event': ['source'],
};

const topLevel = ['metadata', 'spec', 'status'];

/** A copy of `obj` with the fields Go would write filled in (`{}` for structs, null for lists); `obj` itself is not changed. */
export function withGoZeroValues(obj: unknown, kind: SchemaNode): unknown {
  return fill(obj, kind, true);
}

interface FieldPlan {
  key: string;
  child: SchemaNode;
  isStruct: boolean;
  isList: boolean;
}

/**
 * What filling a node looks at, worked out once per schema node (as a kind,
 * and as a field), not on every write: the fields Go always writes (struct
 * or list ones get a value when absent), and the struct and list fields
 * whose values are filled in turn. The other fields (most of them: scalars
 * with omitempty) are never looked at.
 */
interface NodePlan {
  always: FieldPlan[];
  nested: Map<string, FieldPlan>;
}

const plans = [new WeakMap<SchemaNode, NodePlan>(), new WeakMap<SchemaNode, NodePlan>()];
const itemNodes = new WeakMap<SchemaNode, SchemaNode | null>();

function planOf(node: SchemaNode, properties: NonNullable<SchemaNode['schema']['properties']>, isKind: boolean): NodePlan {
  const cache = plans[isKind ? 1 : 0]!;
  let plan = cache.get(node);
  if (plan) return plan;
  const always = new Set([...(node.schema.required ?? []), ...(valueStructFields[node.name ?? ''] ?? []), ...(isKind ? topLevel : [])]);
  plan = { always: [], nested: new Map() };
  for (const key of Object.keys(properties)) {
    const child = node.field(key);
    if (!child) continue;
    const isStruct = !!child.schema.properties && child.schema['x-kubernetes-preserve-unknown-fields'] !== true;
    const isList = child.schema.type === 'array';
    if (!isStruct && !isList) continue;
    const field = { key, child, isStruct, isList };
    if (always.has(key)) plan.always.push(field);
    plan.nested.set(key, field);
  }
  cache.set(node, plan);
  return plan;
}

/** A list node's item schema, looked up once. */
function itemsOf(node: SchemaNode): SchemaNode | undefined {
  let items = itemNodes.get(node);
  if (items === undefined) itemNodes.set(node, (items = node.items() ?? null));
  return items ?? undefined;
}

/** Copies only what gains a field (and the maps and lists above it): most of an object already has what Go writes, and copying all of it on every write was a tenth of what the API server allocated. */
function fill(value: unknown, node: SchemaNode, isKind: boolean): unknown {
  if (Array.isArray(value)) {
    const items = itemsOf(node);
    if (!items) return value;
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const filled = fill(value[i], items, false);
      if (filled !== value[i]) (out ??= value.slice())[i] = filled;
    }
    return out ?? value;
  }
  if (!isMap(value)) return value;
  const properties = node.schema.properties;
  if (!properties) return value;
  const plan = planOf(node, properties, isKind);
  let out: Record<string, unknown> | undefined;
  // Absent fields Go writes anyway, in the schema's order: a struct as its own zero value, a list as null.
  for (const { key, child, isStruct } of plan.always) {
    if (value[key] !== undefined) continue;
    (out ??= { ...value })[key] = isStruct ? fill({}, child, false) : null;
  }
  for (const key in value) {
    const field = plan.nested.get(key);
    if (!field) continue;
    const current = value[key];
    if (current === undefined) continue;
    const next = fill(current, field.child, false);
    if (next !== current) (out ??= { ...value })[key] = next;
  }
  return out ?? value;
}
