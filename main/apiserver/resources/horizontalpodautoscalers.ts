// HorizontalPodAutoscalers: autoscaling/v2 as stored, autoscaling/v1 (what
// `kubectl autoscale` writes) converted to and from it; SetDefaults (one
// replica at least, 80% CPU when no metric is named, a given behavior's
// missing rules filled in), the main checks of
// ValidateHorizontalPodAutoscaler, and kubectl's columns (TARGETS as
// `cpu: 12%/50%`).

import { behaviorWithDefaults } from '../../kube/autoscaling/hpaBehavior.ts';
import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { HorizontalPodAutoscalerBehavior } from '../../kube/types/autoscaling-v2.ts';
import type { ResourceDefinition, ResourceStrategy } from '../registry/resourceDefinition.ts';
import { invalid, required } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, numberAt, objectAt, objectsAt, setDefault, stringAt, type JsonObject } from './shared/json.ts';

const annotationMetrics = 'autoscaling.alpha.kubernetes.io/metrics';

function cpuMetric(utilization: number): JsonObject {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } } };
}

function applyDefaults(hpa: KubeObject): void {
  const spec = ensureObject(hpa, 'spec');
  setDefault(spec, 'minReplicas', 1);
  if (objectsAt(spec, 'metrics').length === 0) spec.metrics = [cpuMetric(80)];
  // SetDefaults_HorizontalPodAutoscalerBehavior: only a behavior that is given; none stays none.
  const behavior = objectAt(spec, 'behavior');
  if (behavior) spec.behavior = behaviorWithDefaults(behavior as HorizontalPodAutoscalerBehavior);
}

function validate(hpa: KubeObject): FieldError[] {
  const spec = objectAt(hpa, 'spec') ?? {};
  const errs: FieldError[] = [];
  const ref = objectAt(spec, 'scaleTargetRef');
  if (!stringAt(ref, 'kind')) errs.push(required('spec.scaleTargetRef.kind'));
  if (!stringAt(ref, 'name')) errs.push(required('spec.scaleTargetRef.name'));
  const min = numberAt(spec, 'minReplicas');
  const max = numberAt(spec, 'maxReplicas') ?? 0;
  if (min !== undefined && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  objectsAt(spec, 'metrics').forEach((metric, i) => {
    if (!metric.type) errs.push(required(`spec.metrics[${i}].type`));
    if (metric.type === 'Resource') {
      const target = objectAt(objectAt(metric, 'resource'), 'target');
      const utilization = numberAt(target, 'averageUtilization');
      if (target?.type === 'Utilization' && (utilization === undefined || utilization < 1)) errs.push(invalid(`spec.metrics[${i}].resource.target.averageUtilization`, utilization ?? 0, 'must be greater than 0'));
    }
  });
  return errs;
}

/** `cpu: 12%/50%`, one per metric; `<unknown>` until the controller measured it. */
function targetsCell(hpa: KubeObject): string {
  const metrics = objectsAt(objectAt(hpa, 'spec'), 'metrics');
  const current = objectsAt(objectAt(hpa, 'status'), 'currentMetrics');
  if (metrics.length === 0) return '<none>';
  return metrics
    .map((metric, i) => {
      if (metric.type !== 'Resource') return `${String(metric.type)}: <unknown>`;
      const resource = objectAt(metric, 'resource') ?? {};
      const target = objectAt(resource, 'target') ?? {};
      const now = objectAt(objectAt(current[i], 'resource'), 'current');
      const name = stringAt(resource, 'name');
      if (target.type === 'Utilization') {
        const value = numberAt(now, 'averageUtilization');
        return `${name}: ${value === undefined ? '<unknown>' : `${value}%`}/${numberAt(target, 'averageUtilization')}%`;
      }
      return `${name}: ${stringAt(now, 'averageValue') || '<unknown>'}/${stringAt(target, 'averageValue') || stringAt(target, 'value')}`;
    })
    .join(', ');
}

const strategy: ResourceStrategy = {
  applyDefaults,
  prepareForCreate: (hpa) => {
    hpa.status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  validate,
  validateUpdate: (hpa) => validate(hpa),
  table: {
    columns: [
      nameColumn(),
      column('Reference', 'string', 'reference is the reference to the object that is being scaled'),
      column('Targets', 'string', 'the current and target values of the metrics'),
      column('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
      column('MaxPods', 'integer', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
      column('Replicas', 'integer', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
      ageColumn(),
    ],
    row(hpa, now) {
      const spec = objectAt(hpa, 'spec') ?? {};
      const ref = objectAt(spec, 'scaleTargetRef') ?? {};
      return [hpa.metadata.name, `${stringAt(ref, 'kind')}/${stringAt(ref, 'name')}`, targetsCell(hpa), numberAt(spec, 'minReplicas') ?? '<unset>', numberAt(spec, 'maxReplicas') ?? 0, numberAt(objectAt(hpa, 'status'), 'currentReplicas') ?? 0, ageSince(hpa.metadata.creationTimestamp, now)];
    },
  },
};

export const horizontalpodautoscalers: ResourceDefinition = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status'],
  strategy,
};

/** autoscaling/v1 → v2: the CPU target becomes a Resource metric; v2's other metrics come back from the annotation v1 keeps them in. */
function v2FromV1(hpa: KubeObject): KubeObject {
  const spec = { ...(objectAt(hpa, 'spec') ?? {}) };
  const cpu = numberAt(spec, 'targetCPUUtilizationPercentage');
  delete spec.targetCPUUtilizationPercentage;
  const { [annotationMetrics]: kept, ...annotations } = hpa.metadata.annotations ?? {};
  const others = kept ? (JSON.parse(kept) as JsonObject[]) : [];
  const metrics = [...(cpu !== undefined ? [cpuMetric(cpu)] : []), ...others];
  const status = objectAt(hpa, 'status') ?? {};
  const currentCpu = numberAt(status, 'currentCPUUtilizationPercentage');
  const { currentCPUUtilizationPercentage: _cpu, ...statusRest } = status;
  return {
    ...hpa,
    metadata: { ...hpa.metadata, annotations: Object.keys(annotations).length ? annotations : undefined } as KubeObject['metadata'],
    spec: { ...spec, ...(metrics.length ? { metrics } : {}) },
    status: { ...statusRest, ...(currentCpu !== undefined ? { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: currentCpu } } }] } : {}) },
  };
}

/** autoscaling/v2 → v1: the CPU utilization target in its field, other metrics kept in the annotation. */
function v1FromV2(hpa: KubeObject): KubeObject {
  const { metrics: _metrics, behavior: _behavior, ...spec } = objectAt(hpa, 'spec') ?? {};
  const metrics = objectsAt(objectAt(hpa, 'spec'), 'metrics');
  const isCpu = (m: JsonObject) => m.type === 'Resource' && stringAt(objectAt(m, 'resource'), 'name') === 'cpu' && objectAt(objectAt(m, 'resource'), 'target')?.type === 'Utilization';
  const cpu = metrics.find(isCpu);
  const others = metrics.filter((m) => !isCpu(m));
  const status = objectAt(hpa, 'status') ?? {};
  const { currentMetrics: _current, conditions: _conditions, ...statusRest } = status;
  const currentCpu = objectsAt(status, 'currentMetrics').find((m) => stringAt(objectAt(m, 'resource'), 'name') === 'cpu');
  const utilization = numberAt(objectAt(objectAt(currentCpu, 'resource'), 'current'), 'averageUtilization');
  return {
    ...hpa,
    metadata: { ...hpa.metadata, ...(others.length ? { annotations: { ...hpa.metadata.annotations, [annotationMetrics]: JSON.stringify(others) } } : {}) },
    spec: { ...spec, ...(cpu ? { targetCPUUtilizationPercentage: numberAt(objectAt(objectAt(cpu, 'resource'), 'target'), 'averageUtilization') } : {}) },
    status: { ...statusRest, ...(utilization !== undefined ? { currentCPUUtilizationPercentage: utilization } : {}) },
  };
}

export const horizontalpodautoscalersV1: ResourceDefinition = {
  ...horizontalpodautoscalers,
  version: 'v1',
  storage: { group: 'autoscaling', plural: 'horizontalpodautoscalers', apiVersion: 'autoscaling/v2', toStorage: v2FromV1, fromStorage: v1FromV2 },
  strategy: {
    ...strategy,
    applyDefaults: (hpa) => setDefault(ensureObject(hpa, 'spec'), 'minReplicas', 1),
    validate: (hpa) => validate(v2FromV1(hpa)),
    validateUpdate: (hpa) => validate(v2FromV1(hpa)),
    table: { columns: strategy.table!.columns, row: (hpa, now) => strategy.table!.row(v2FromV1(hpa), now) },
  },
};
