// The scale subresource (autoscaling/v1 Scale): a view of an object's replicas
// and selector through the paths its kind declares (Deployments, ReplicaSets and
// StatefulSets use spec.replicas; a CRD names its own).

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition, ScalePaths } from './resourceDefinition.ts';
import { errors } from '../errors.ts';
import type { ResourceRegistry, WriteContext } from './registry.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** metav1.FormatLabelSelector: the selector as a string, as Scale.status.selector carries it. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const expr of selector.matchExpressions ?? []) {
    const values = (expr.values ?? []).join(',');
    switch (expr.operator) {
      case 'In':
        parts.push(`${expr.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${expr.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(expr.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${expr.key}`);
        break;
    }
  }
  return parts.join(',');
}

/** The scale paths of Deployments, ReplicaSets, StatefulSets (and ReplicationControllers): spec.replicas and a LabelSelector object. */
export const workloadScalePaths: ScalePaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector', selectorIsObject: true };

function segments(path: string): string[] {
  return path.replace(/^\./, '').split('.');
}

function valueAt(obj: unknown, path: string): unknown {
  let current = obj;
  for (const segment of segments(path)) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function setValueAt(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = segments(path);
  let current = obj;
  for (const segment of parts.slice(0, -1)) {
    const next = current[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[parts[parts.length - 1]] = value;
}

function pathsOf(def: ResourceDefinition): ScalePaths {
  return def.scale ?? workloadScalePaths;
}

/** The autoscaling/v1 Scale view of an object, read through its kind's scale paths (a missing replicas count reads as 0). */
export function scaleOf(def: ResourceDefinition, obj: KubeObject): KubeObject {
  const paths = pathsOf(def);
  const specReplicas = valueAt(obj, paths.specReplicasPath);
  const statusReplicas = valueAt(obj, paths.statusReplicasPath);
  const selector = paths.labelSelectorPath ? valueAt(obj, paths.labelSelectorPath) : undefined;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
    status: {
      replicas: typeof statusReplicas === 'number' ? statusReplicas : 0,
      selector: paths.selectorIsObject ? formatLabelSelector(selector as LabelSelector | undefined) : typeof selector === 'string' ? selector : '',
    },
  };
}

/** Writes a Scale's spec.replicas into its object, through the kind's scale paths (admission mutating a Scale). */
export function setScaleReplicas(def: ResourceDefinition, obj: KubeObject, replicas: unknown): void {
  setValueAt(obj, pathsOf(def).specReplicasPath, replicas);
}

export async function updateScale(registry: ResourceRegistry, namespace: string, name: string, scale: KubeObject, ctx: WriteContext): Promise<KubeObject> {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', 'autoscaling', name, [
      { type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' },
    ]);
  }
  const paths = pathsOf(registry.def);
  const updated = await registry.guaranteedUpdate(namespace, name, '', { ...ctx, viaSubresource: 'scale' }, (current) => {
    if (scale.metadata?.resourceVersion && scale.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw errors.staleObject(registry.groupResource, name);
    }
    const next = deepCopy(current);
    setValueAt(next, paths.specReplicasPath, replicas);
    return next;
    // The Scale's own resourceVersion, when it has one, is checked above on every try: a lost race is tried again.
  }, { unconditional: true });
  return scaleOf(registry.def, updated);
}
