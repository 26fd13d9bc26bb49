// PriorityClasses (scheduling.k8s.io/v1): ValidatePriorityClass (user
// classes at most 1000000000, the system- prefix reserved, value and
// preemptionPolicy fixed once created) and kubectl's columns. The two system
// classes are created when the cluster starts (systemPriorityClasses).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, notSupported } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { setDefault } from './shared/json.ts';

export const highestUserDefinablePriority = 1_000_000_000;
const preemptionPolicies = ['Never', 'PreemptLowerPriority'];

export const systemPriorityClasses: KubeObject[] = [
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-node-critical' }, value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-cluster-critical' }, value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
] as KubeObject[];

interface PriorityClass extends KubeObject {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

function validate(obj: KubeObject): FieldError[] {
  const pc = obj as PriorityClass;
  const errs: FieldError[] = [];
  const name = pc.metadata.name ?? '';
  if (name.startsWith('system-')) {
    const known = systemPriorityClasses.find((s) => s.metadata.name === name) as PriorityClass | undefined;
    if (!known) errs.push(forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: priority class ${name} is not a known system priority class`));
    else if (known.value !== pc.value) errs.push(forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: value of ${name} PriorityClass must be ${known.value}`));
  } else if ((pc.value ?? 0) > highestUserDefinablePriority) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  if (pc.preemptionPolicy !== undefined && !preemptionPolicies.includes(pc.preemptionPolicy)) errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, preemptionPolicies));
  return errs;
}

function validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validate(obj);
  if ((obj as PriorityClass).value !== (old as PriorityClass).value) errs.push(forbidden('value', 'may not be changed in an update.'));
  if ((obj as PriorityClass).preemptionPolicy !== (old as PriorityClass).preemptionPolicy) errs.push(forbidden('preemptionPolicy', 'may not be changed in an update.'));
  return errs;
}

export const priorityclasses: ResourceDefinition = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  shortNames: ['pc'],
  namespaced: false,
  subresources: [],
  strategy: {
    applyDefaults: (pc) => setDefault(pc as never, 'preemptionPolicy', 'PreemptLowerPriority'),
    validate,
    validateUpdate,
    table: {
      columns: [nameColumn(), column('Value', 'integer', 'value is the integer value of this priority class.'), column('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority.'), ageColumn(), column('PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority.')],
      row: (pc, now) => [pc.metadata.name, (pc as PriorityClass).value ?? 0, (pc as PriorityClass).globalDefault === true, ageSince(pc.metadata.creationTimestamp, now), (pc as PriorityClass).preemptionPolicy ?? 'PreemptLowerPriority'],
    },
  },
};
