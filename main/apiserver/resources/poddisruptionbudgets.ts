// PodDisruptionBudgets (policy/v1): ValidatePodDisruptionBudget's rules
// (minAvailable or maxUnavailable, not both; whole numbers or percentages up
// to 100%; the unhealthy pod eviction policy) and kubectl's columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported } from '../validation/fieldErrors.ts';
import { validateLabelSelectorObject, type LabelSelectorObject } from '../validation/labelSelectorObject.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { numberAt, objectAt } from './shared/json.ts';
import { goIntOrString, intOrPercentValue, validateIntOrPercent } from './shared/workloads.ts';

const evictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

function validate(pdb: KubeObject): FieldError[] {
  const spec = objectAt(pdb, 'spec') ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const key of ['minAvailable', 'maxUnavailable']) {
    const value = spec[key];
    if (value === undefined) continue;
    errs.push(...validateIntOrPercent(value, `spec.${key}`));
    if (typeof value === 'string' && intOrPercentValue(value) > 100) errs.push(invalid(`spec.${key}`, goIntOrString(value), 'must not be greater than 100%'));
  }
  const selector = objectAt(spec, 'selector');
  if (selector) errs.push(...validateLabelSelectorObject(selector as LabelSelectorObject, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !evictionPolicies.includes(String(policy))) errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, evictionPolicies));
  return errs;
}

const intOrPercentCell = (value: unknown) => (value === undefined || value === null ? 'N/A' : String(value));

export const poddisruptionbudgets: ResourceDefinition = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  subresources: ['status'],
  strategy: {
    prepareForCreate: (pdb) => {
      pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    },
    validate,
    validateUpdate: (pdb) => validate(pdb),
    table: {
      columns: [
        nameColumn(),
        column('Min Available', 'string', 'The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'),
        column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'),
        column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
        ageColumn(),
      ],
      row: (pdb, now) => {
        const spec = objectAt(pdb, 'spec') ?? {};
        return [pdb.metadata.name, intOrPercentCell(spec.minAvailable), intOrPercentCell(spec.maxUnavailable), numberAt(objectAt(pdb, 'status'), 'disruptionsAllowed') ?? 0, ageSince(pdb.metadata.creationTimestamp, now)];
      },
    },
  },
};
