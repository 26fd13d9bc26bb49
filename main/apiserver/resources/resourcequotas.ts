// ResourceQuotas (core/v1): ValidateResourceQuota's checks of names and
// amounts, and the `kubectl get quota` columns (REQUEST and LIMIT list
// `name: used/hard`, limits.* under LIMIT).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { compareQuantities, parseQuantity } from '../../kube/quantity.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { GoValue, goStringSlice } from '../validation/goSyntax.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt, objectsAt, stringMapAt, type JsonObject } from './shared/json.ts';

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
  errs.push(...validateScopeSelector(objectAt(spec, 'scopeSelector')));
  return errs;
}

const booleanScopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'CrossNamespacePodAffinity'];

/** validateScopedResourceSelectorRequirement; Kubernetes names the fields without the expression's index. */
function validateScopeSelector(selector: JsonObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const path = 'spec.scopeSelector.matchExpressions';
  const seen = new Set<string>();
  for (const e of objectsAt(selector, 'matchExpressions')) {
    const scopeName = String(e.scopeName ?? '');
    const operator = String(e.operator ?? '');
    const values = Array.isArray(e.values) ? (e.values as string[]) : [];
    if (!scopes.includes(scopeName)) errs.push(invalid(`${path}.scopeName`, scopeName, 'unsupported scope'));
    if (booleanScopes.includes(scopeName) && operator !== 'Exists') {
      errs.push(invalid(`${path}.operator`, operator, "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
    }
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) errs.push(required(`${path}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(invalid(`${path}.values`, new GoValue(goStringSlice(values)), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    } else errs.push(invalid(`${path}.operator`, operator, 'not a valid selector operator'));
    seen.add(scopeName);
  }
  for (const [a, b] of [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']] as const) {
    if (seen.has(a) && seen.has(b)) errs.push(invalid(path, new GoValue('[]core.ResourceQuotaScope(nil)'), 'conflicting scopes'));
  }
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
