// Pods (core/v1): defaults, the Pending status and QoS class given on
// create, spec validation, the narrow set of updates a running pod allows,
// graceful deletion, and `kubectl get pods` columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { bindingAction, evictionAction, podConnectAction, podProxyAction } from '../subresources.ts';
import { forbidden, invalid, notSupported, required, validateImmutableField } from '../validation/fieldErrors.ts';
import { isDNS1123Subdomain, isQualifiedName } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, numberAt, objectAt, objectsAt, stringAt, type JsonObject } from './shared/json.ts';
import { defaultPodSpec } from './shared/podSpecDefaults.ts';
import { readinessGatesCell, summarizePod } from './shared/podPrinting.ts';
import { ephemeralContainersOnCreate, validatePodEphemeralContainersUpdate, withEphemeralContainersOf } from './shared/podEphemeralContainers.ts';
import { validatePodSpec } from './shared/podSpecValidation.ts';
import { validatePodSpecUpdate } from './shared/podUpdate.ts';
import { podQOSClass } from './shared/qos.ts';

function specOf(pod: KubeObject): JsonObject {
  return ensureObject(pod, 'spec');
}

function prepareForCreate(pod: KubeObject): void {
  const spec = specOf(pod);
  // Kubernetes defaults on decode, before this runs; defaulting (idempotent) here too keeps the
  // QoS class right (requests copied from limits) whatever order the registry calls us in.
  defaultPodSpec(spec, true);
  const status: JsonObject = { phase: 'Pending', qosClass: podQOSClass(spec) };
  if (objectsAt(spec, 'schedulingGates').length > 0) {
    status.conditions = [
      { type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' },
    ];
  }
  pod.status = status;
}

function validateStatusUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const status = objectAt(pod, 'status');
  const oldStatus = objectAt(old, 'status');
  const systemConditions = new Set(['PodScheduled', 'Ready', 'Initialized']);
  objectsAt(status, 'conditions').forEach((c, i) => {
    const type = stringAt(c, 'type');
    if (!systemConditions.has(type)) errs.push(...isQualifiedName(type).map((msg) => invalid(`status.conditions[${i}].Type`, type, msg)));
  });
  if (stringAt(objectAt(pod, 'spec'), 'nodeName') !== stringAt(objectAt(old, 'spec'), 'nodeName')) {
    errs.push(forbidden('status.nodeName', 'may not be changed directly'));
  }
  const nominated = stringAt(status, 'nominatedNodeName');
  if (nominated && nominated !== stringAt(oldStatus, 'nominatedNodeName')) {
    errs.push(...isDNS1123Subdomain(nominated).map((msg) => invalid('status.nominatedNodeName', nominated, msg)));
  }
  errs.push(...validateImmutableField(stringAt(status, 'qosClass'), stringAt(oldStatus, 'qosClass'), 'status.qosClass'));
  return errs;
}

/** rest.RESTGracefulDeleteStrategy for pods: unscheduled and finished pods go at once. */
function gracePeriodOnDelete(pod: KubeObject, requested: number | undefined): number {
  const spec = objectAt(pod, 'spec');
  let period = requested ?? numberAt(spec, 'terminationGracePeriodSeconds') ?? 0;
  if (!stringAt(spec, 'nodeName')) period = 0;
  const phase = stringAt(objectAt(pod, 'status'), 'phase');
  if (phase === 'Failed' || phase === 'Succeeded') period = 0;
  return period < 0 ? 1 : period;
}

/** ValidatePodBinding, for POST pods/<name>/binding. */
export function validatePodBinding(binding: KubeObject): FieldError[] {
  const target = objectAt(binding, 'target');
  const errs: FieldError[] = [];
  const kind = stringAt(target, 'kind');
  if (kind && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']));
  if (!stringAt(target, 'name')) errs.push(required('target.name'));
  return errs;
}

function podIP(pod: KubeObject): string {
  const status = objectAt(pod, 'status');
  return stringAt(objectsAt(status, 'podIPs')[0], 'ip') || stringAt(status, 'podIP');
}

export const pods: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'ephemeralcontainers', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward', 'proxy'],
  actions: {
    binding: bindingAction,
    eviction: evictionAction,
    log: podConnectAction(['get']),
    exec: podConnectAction(['create', 'get'], { requireCreate: true }),
    attach: podConnectAction(['create', 'get'], { requireCreate: true }),
    portforward: podConnectAction(['create', 'get'], { requireCreate: true }),
    proxy: podProxyAction,
  },
  strategy: {
    applyDefaults: (pod) => defaultPodSpec(specOf(pod), true),
    prepareForCreate,
    validate: (pod) => [...validatePodSpec(objectAt(pod, 'spec'), 'spec'), ...ephemeralContainersOnCreate(pod)],
    validateUpdate: (pod, old) => [...validatePodSpec(objectAt(pod, 'spec'), 'spec'), ...validatePodSpecUpdate(specOf(pod), specOf(old))],
    validateStatusUpdate,
    views: { ephemeralcontainers: { prepare: withEphemeralContainersOf, validateUpdate: validatePodEphemeralContainersUpdate } },
    gracePeriodOnDelete,
    // Each kubelet watches its node's pods: as in kube-apiserver, pod watches are indexed by node.
    watchTrigger: 'spec.nodeName',
    selectableFields: {
      'spec.nodeName': (pod) => stringAt(objectAt(pod, 'spec'), 'nodeName'),
      'spec.restartPolicy': (pod) => stringAt(objectAt(pod, 'spec'), 'restartPolicy'),
      'spec.schedulerName': (pod) => stringAt(objectAt(pod, 'spec'), 'schedulerName'),
      'spec.serviceAccountName': (pod) => stringAt(objectAt(pod, 'spec'), 'serviceAccountName'),
      'spec.hostNetwork': (pod) => String(objectAt(pod, 'spec')?.hostNetwork === true),
      'status.phase': (pod) => stringAt(objectAt(pod, 'status'), 'phase'),
      'status.podIP': podIP,
      'status.nominatedNodeName': (pod) => stringAt(objectAt(pod, 'status'), 'nominatedNodeName'),
    },
    table: {
      columns: [
        nameColumn(),
        column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
        column('Status', 'string', 'The aggregate status of the containers in this pod.'),
        column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
        ageColumn(),
        column('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
        column('Node', 'string', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', 1),
        column('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
        column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
      ],
      row(pod, now) {
        const summary = summarizePod(pod, now);
        return [
          pod.metadata.name,
          summary.ready,
          summary.status,
          summary.restarts,
          ageSince(pod.metadata.creationTimestamp, now),
          podIP(pod) || '<none>',
          stringAt(objectAt(pod, 'spec'), 'nodeName') || '<none>',
          stringAt(objectAt(pod, 'status'), 'nominatedNodeName') || '<none>',
          readinessGatesCell(pod),
        ];
      },
    },
  },
};
