// Deployments (apps/v1): SetDefaults_Deployment, ValidateDeployment and the
// `kubectl get deployments` columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, invalid, notSupported, required, validateNonnegativeField } from '../validation/fieldErrors.ts';
import { labelSelectorToString } from '../../kube/labels/labelSelector.ts';
import { labelSelectorObjectToRequirements } from '../validation/labelSelectorObject.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, numberAt, objectAt, setDefault, stringAt } from './shared/json.ts';
import {
  defaultWorkload,
  goIntOrString,
  intOrPercentValue,
  selectorOf,
  templateCells,
  templateColumns,
  validateIntOrPercent,
  validateReplicas,
  validateSelectorAndTemplate,
  validateSelectorUnchanged,
  workloadSpec,
} from './shared/workloads.ts';

function applyDefaults(deployment: KubeObject): void {
  defaultWorkload(deployment);
  const spec = workloadSpec(deployment);
  const strategy = ensureObject(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensureObject(strategy, 'rollingUpdate');
    setDefault(rollingUpdate, 'maxUnavailable', '25%');
    setDefault(rollingUpdate, 'maxSurge', '25%');
  }
  if (numberAt(spec, 'revisionHistoryLimit') === undefined) spec.revisionHistoryLimit = 10;
  if (numberAt(spec, 'progressDeadlineSeconds') === undefined) spec.progressDeadlineSeconds = 600;
}

function validateStrategy(deployment: KubeObject): FieldError[] {
  const strategy = objectAt(deployment.spec, 'strategy');
  const type = stringAt(strategy, 'type');
  const rollingUpdate = objectAt(strategy, 'rollingUpdate');
  if (type === 'Recreate') {
    return rollingUpdate ? [forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type !== 'RollingUpdate') return [notSupported('spec.strategy', strategy ?? null, ['Recreate', 'RollingUpdate'])];
  if (!rollingUpdate) return [required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
  const errs = [
    ...validateIntOrPercent(rollingUpdate.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'),
    ...validateIntOrPercent(rollingUpdate.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'),
  ];
  if (intOrPercentValue(rollingUpdate.maxUnavailable) === 0 && intOrPercentValue(rollingUpdate.maxSurge) === 0) {
    errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', goIntOrString(rollingUpdate.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  if (typeof rollingUpdate.maxUnavailable === 'string' && intOrPercentValue(rollingUpdate.maxUnavailable) > 100) {
    errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', goIntOrString(rollingUpdate.maxUnavailable), 'must not be greater than 100%'));
  }
  return errs;
}

function validate(deployment: KubeObject): FieldError[] {
  const spec = workloadSpec(deployment);
  const errs = [...validateReplicas(spec), ...validateSelectorAndTemplate(deployment, 'deployment'), ...validateStrategy(deployment)];
  errs.push(...validateNonnegativeField(numberAt(spec, 'revisionHistoryLimit'), 'spec.revisionHistoryLimit'));
  const progressDeadline = numberAt(spec, 'progressDeadlineSeconds');
  if (progressDeadline !== undefined) {
    errs.push(...validateNonnegativeField(progressDeadline, 'spec.progressDeadlineSeconds'));
    if (progressDeadline <= (numberAt(spec, 'minReadySeconds') ?? 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', progressDeadline, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

function selectorCell(deployment: KubeObject): string {
  try {
    return labelSelectorToString(labelSelectorObjectToRequirements(selectorOf(deployment)) ?? []);
  } catch {
    return '<invalid>';
  }
}

export const deployments: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'scale'],
  strategy: {
    applyDefaults,
    prepareForCreate: (deployment) => {
      deployment.status = {};
    },
    validate,
    validateUpdate: (deployment, old) => [...validate(deployment), ...validateSelectorUnchanged(deployment, old)],
    table: {
      columns: [
        nameColumn(),
        column('Ready', 'string', 'Number of the pod with ready state'),
        column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
        column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
        ageColumn(),
        ...templateColumns,
        column('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
      ],
      row(deployment, now) {
        const spec = objectAt(deployment, 'spec');
        const status = objectAt(deployment, 'status');
        const [containers, images] = templateCells(deployment);
        return [
          deployment.metadata.name,
          `${numberAt(status, 'readyReplicas') ?? 0}/${numberAt(spec, 'replicas') ?? 0}`,
          numberAt(status, 'updatedReplicas') ?? 0,
          numberAt(status, 'availableReplicas') ?? 0,
          ageSince(deployment.metadata.creationTimestamp, now),
          containers,
          images,
          selectorCell(deployment),
        ];
      },
    },
  },
};
