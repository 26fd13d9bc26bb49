// Nodes (core/v1): taints and podCIDR validation, allocatable defaulted from
// capacity, and the `kubectl get nodes` columns. Unlike most kinds a node may
// be created with its status, as the kubelet registers it.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { duplicate, invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { isValidLabelValue } from '../validation/names.ts';
import { validateLabelName } from '../validation/objectMeta.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { arrayAt, isObject, objectAt, objectsAt, stringAt, type JsonObject } from './shared/json.ts';
import { nodeProxyAction } from '../subresources.ts';

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** validateNodeTaints; Kubernetes reports them under metadata.taints, and so do we. */
function validateTaints(taints: JsonObject[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  taints.forEach((taint, i) => {
    const path = `metadata.taints[${i}]`;
    const key = stringAt(taint, 'key');
    const value = stringAt(taint, 'value');
    const effect = stringAt(taint, 'effect');
    errs.push(...validateLabelName(key, `${path}.key`));
    const valueErrors = isValidLabelValue(value);
    if (valueErrors.length > 0) errs.push(invalid(`${path}.value`, value, valueErrors.join(';')));
    if (!effect) errs.push(required(`${path}.effect`));
    else if (!taintEffects.includes(effect)) errs.push(notSupported(`${path}.effect`, effect, taintEffects));
    const id = `${key}/${effect}`;
    if (seen.has(id)) errs.push(duplicate(path, taint));
    seen.add(id);
  });
  return errs;
}

function validate(node: KubeObject): FieldError[] {
  return validateTaints(objectsAt(objectAt(node, 'spec'), 'taints'));
}

function validateUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const errs = validate(node);
  const spec = objectAt(node, 'spec');
  const oldSpec = objectAt(old, 'spec');
  const oldCIDRs = arrayAt(oldSpec, 'podCIDRs').map(String);
  const newCIDRs = arrayAt(spec, 'podCIDRs').map(String);
  if (oldCIDRs.length > 0 && (oldCIDRs.length !== newCIDRs.length || oldCIDRs.some((c, i) => c !== newCIDRs[i]))) {
    errs.push(invalid('spec.podCIDRs', newCIDRs, 'node updates may not change podCIDR except from "" to valid'));
  }
  const oldProvider = stringAt(oldSpec, 'providerID');
  if (oldProvider && stringAt(spec, 'providerID') !== oldProvider) {
    errs.push(invalid('spec.providerID', stringAt(spec, 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

/** SetDefaults_NodeStatus: allocatable is the capacity unless the kubelet says otherwise. */
function applyDefaults(node: KubeObject): void {
  const status = objectAt(node, 'status');
  if (status && isObject(status.capacity) && !isObject(status.allocatable)) status.allocatable = { ...status.capacity };
}

function address(node: KubeObject, type: string): string {
  const found = objectsAt(objectAt(node, 'status'), 'addresses').find((a) => a.type === type);
  return found ? stringAt(found, 'address') : '<none>';
}

function statusCell(node: KubeObject): string {
  const ready = objectsAt(objectAt(node, 'status'), 'conditions').find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (objectAt(node, 'spec')?.unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** findNodeRoles: node-role.kubernetes.io/<role> labels and the older kubernetes.io/role label. */
function rolesCell(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value) {
      roles.add(value);
    }
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

export const nodes: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  subresources: ['status', 'proxy'],
  actions: { proxy: nodeProxyAction },
  strategy: {
    applyDefaults,
    validate,
    validateUpdate,
    selectableFields: {
      'spec.unschedulable': (node) => String(objectAt(node, 'spec')?.unschedulable === true),
    },
    table: {
      columns: [
        nameColumn(),
        column('Status', 'string', 'The status of the node'),
        column('Roles', 'string', 'The roles of the node'),
        ageColumn(),
        column('Version', 'string', 'Kubelet Version reported by the node.'),
        column('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
        column('External-IP', 'string', 'List of addresses reachable to the node.', 1),
        column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
        column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
        column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
      ],
      row(node, now) {
        const info = objectAt(objectAt(node, 'status'), 'nodeInfo');
        return [
          node.metadata.name,
          statusCell(node),
          rolesCell(node),
          ageSince(node.metadata.creationTimestamp, now),
          stringAt(info, 'kubeletVersion'),
          address(node, 'InternalIP'),
          address(node, 'ExternalIP'),
          stringAt(info, 'osImage') || '<unknown>',
          stringAt(info, 'kernelVersion') || '<unknown>',
          stringAt(info, 'containerRuntimeVersion') || '<unknown>',
        ];
      },
    },
  },
};
