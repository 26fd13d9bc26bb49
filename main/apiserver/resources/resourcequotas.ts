// ResourceQuotas (core/v1): ValidateResourceQuota's checks of names and
// amounts, and the `kubectl get quota` columns (REQUEST and LIMIT list
// `name: used/hard`, limits.* under LIMIT).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { compareQuantities, parseQuantity } from '../../kube/quantity.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt, stringMapAt } from './shared/json.ts';

const scopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

function validate(quota: KubeObject): FieldError[] {
  const spec = objectAt(quota, 'spec') ?? {};
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(stringMapAt(spec, 'hard') ?? {})) {
    const path = `spec.hard[${name}]`;
    try {
      if (compareQuantities(parseQuantity(String(value)), parseQuantity('0')) < 0) errs.push(invalid(path, String(value), 'must be greater than or equal to 0'));
    } catch (err) {
      errs.push(invalid(path, String(value), (err as Error).message));
    }
  }
  (Array.isArray(spec.scopes) ? spec.scopes : []).forEach((scope, i) => {
    if (!scopes.includes(String(scope))) errs.push(notSupported(`spec.scopes[${i}]`, scope, scopes));
  });
  return errs;
}

function cells(quota: KubeObject): [string, string] {
  const status = objectAt(quota, 'status') ?? {};
  const hard = stringMapAt(status, 'hard') ?? {};
  const used = stringMapAt(status, 'used') ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    (name.startsWith('limits.') ? limit : request).push(`${name}: ${used[name] ?? '0'}/${hard[name]}`);
  }
  return [request.join(', '), limit.join(', ')];
}

export const resourcequotas: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  shortNames: ['quota'],
  namespaced: true,
  subresources: ['status'],
  strategy: {
    prepareForCreate: (quota) => {
      quota.status = {};
    },
    validate,
    validateUpdate: (quota) => validate(quota),
    table: {
      columns: [nameColumn(), ageColumn(), column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'), column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.')],
      row: (quota, now) => [quota.metadata.name, ageSince(quota.metadata.creationTimestamp, now), ...cells(quota)],
    },
  },
};
