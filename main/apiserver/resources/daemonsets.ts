// DaemonSets (apps/v1): SetDefaults_DaemonSet, ValidateDaemonSet(Update) and
// the `kubectl get daemonsets` columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported, required, validateNonnegativeField } from '../validation/fieldErrors.ts';
import { formatLabelSelectorObject } from '../validation/labelSelectorObject.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, numberAt, objectAt, setDefault, stringMapAt } from './shared/json.ts';
import { defaultPodSpec } from './shared/podSpecDefaults.ts';
import { goIntOrString, intOrPercentValue, selectorOf, templateCells, templateColumns, validateIntOrPercent, validateSelectorAndTemplate, validateSelectorUnchanged, workloadSpec } from './shared/workloads.ts';

function applyDefaults(ds: KubeObject): void {
  const spec = workloadSpec(ds);
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensureObject(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', 1);
    setDefault(rolling, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodSpec(ensureObject(ensureObject(spec, 'template'), 'spec'), false);
}

function validate(ds: KubeObject): FieldError[] {
  const spec = workloadSpec(ds);
  const errs = validateSelectorAndTemplate(ds, 'daemonset').map((e) =>
    // The shared check names ReplicaSets; a DaemonSet's message names DaemonSets.
    e.field === 'spec.template.spec.activeDeadlineSeconds' ? { ...e, detail: 'activeDeadlineSeconds in DaemonSet is not Supported' } : e,
  );
  errs.push(...validateNonnegativeField(numberAt(spec, 'minReadySeconds'), 'spec.minReadySeconds'));
  errs.push(...validateNonnegativeField(numberAt(spec, 'revisionHistoryLimit'), 'spec.revisionHistoryLimit'));
  const strategy = objectAt(spec, 'updateStrategy') ?? {};
  const type = strategy.type;
  if (type !== 'RollingUpdate' && type !== 'OnDelete') {
    errs.push(notSupported('spec.updateStrategy.type', type ?? '', ['OnDelete', 'RollingUpdate']));
  } else if (type === 'RollingUpdate') {
    const rolling = objectAt(strategy, 'rollingUpdate');
    if (!rolling) errs.push(required('spec.updateStrategy.rollingUpdate'));
    else {
      const path = 'spec.updateStrategy.rollingUpdate';
      errs.push(...validateIntOrPercent(rolling.maxUnavailable ?? 0, `${path}.maxUnavailable`), ...validateIntOrPercent(rolling.maxSurge ?? 0, `${path}.maxSurge`));
      for (const key of ['maxUnavailable', 'maxSurge']) {
        const value = rolling[key];
        if (typeof value === 'string' && intOrPercentValue(value) > 100) errs.push(invalid(`${path}.${key}`, goIntOrString(value), 'must not be greater than 100%'));
      }
      const hasUnavailable = intOrPercentValue(rolling.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(rolling.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(`${path}.maxSurge`, goIntOrString(rolling.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
    }
  }
  return errs;
}

function nodeSelectorCell(ds: KubeObject): string {
  const selector = stringMapAt(objectAt(objectAt(workloadSpec(ds), 'template'), 'spec'), 'nodeSelector') ?? {};
  const pairs = Object.entries(selector).sort(([a], [b]) => a.localeCompare(b));
  return pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

export const daemonsets: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status'],
  strategy: {
    applyDefaults,
    prepareForCreate: (ds) => {
      ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    },
    validate,
    validateUpdate: (ds, old) => [...validate(ds), ...validateSelectorUnchanged(ds, old)],
    table: {
      columns: [
        nameColumn(),
        column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
        column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
        column('Ready', 'integer', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
        column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
        column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
        column('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node\'s labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/'),
        ageColumn(),
        ...templateColumns,
        column('Selector', 'string', 'A label query over pods that are managed by the daemon set.', 1),
      ],
      row(ds, now) {
        const status = objectAt(ds, 'status') ?? {};
        const count = (key: string) => numberAt(status, key) ?? 0;
        const [containers, images] = templateCells(ds);
        return [
          ds.metadata.name,
          count('desiredNumberScheduled'),
          count('currentNumberScheduled'),
          count('numberReady'),
          count('updatedNumberScheduled'),
          count('numberAvailable'),
          nodeSelectorCell(ds),
          ageSince(ds.metadata.creationTimestamp, now),
          containers,
          images,
          formatLabelSelectorObject(selectorOf(ds)),
        ];
      },
    },
  },
};
