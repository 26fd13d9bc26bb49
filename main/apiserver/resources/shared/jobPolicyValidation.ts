// ValidateJob's rules for a Job's podFailurePolicy and successPolicy, and the
// index interval format (`0,2-4`) that successPolicy rules and the Job's
// completed/failed indexes use, with Kubernetes' messages.

import type { FieldError } from '../../../kube/meta.ts';
import { GoValue } from '../../validation/goSyntax.ts';
import { duplicate, invalid, notSupported, omittedValue, required, tooLong, tooMany, validateNonnegativeField } from '../../validation/fieldErrors.ts';
import { isQualifiedName } from '../../validation/names.ts';
import { numberAt, objectAt, objectsAt, type JsonObject } from './json.ts';

const actions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const operators = ['In', 'NotIn'];
const conditionStatuses = ['False', 'True', 'Unknown'];
const maxRules = 20;
const maxExitCodes = 255;
const maxConditionPatterns = 20;
const maxSuccessRules = 20;
const maxSucceededIndexesLength = 64 * 1024;

/** The names a rule's onExitCodes.containerName may take: the template's containers and init containers. */
function containerNames(spec: JsonObject): Set<string> {
  const podSpec = objectAt(objectAt(spec, 'template'), 'spec');
  return new Set([...objectsAt(podSpec, 'containers'), ...objectsAt(podSpec, 'initContainers')].map((c) => String(c.name ?? '')));
}

/** A Job's pods must end: Always (or nothing, which defaults to it) is refused as missing, anything else not in the list as unsupported. */
export function validateJobRestartPolicy(spec: JsonObject, path: string): FieldError[] {
  const restartPolicy = String(objectAt(objectAt(spec, 'template'), 'spec')?.restartPolicy ?? '');
  if (restartPolicy === 'Always' || restartPolicy === '') return [required(path, 'valid values: "OnFailure", "Never"')];
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') return [notSupported(path, restartPolicy, ['OnFailure', 'Never'])];
  if (objectAt(spec, 'podFailurePolicy') && restartPolicy !== 'Never') return [invalid(path, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified')];
  return [];
}

export function validatePodFailurePolicy(spec: JsonObject): FieldError[] {
  const policy = objectAt(spec, 'podFailurePolicy');
  if (!policy) return [];
  const errs: FieldError[] = [];
  const rules = objectsAt(policy, 'rules');
  if (rules.length > maxRules) errs.push(tooMany('spec.podFailurePolicy.rules', rules.length, maxRules));
  const names = containerNames(spec);
  rules.forEach((rule, i) => errs.push(...validateRule(spec, rule, `spec.podFailurePolicy.rules[${i}]`, names)));
  return errs;
}

function validateRule(spec: JsonObject, rule: JsonObject, path: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const action = rule.action;
  if (action === undefined || action === '') errs.push(required(`${path}.action`, `valid values: [${actions.map((a) => JSON.stringify(a)).join(' ')}]`));
  else if (action === 'FailIndex') {
    if (numberAt(spec, 'backoffLimitPerIndex') === undefined) errs.push(invalid(`${path}.action`, action, 'requires the backoffLimitPerIndex to be set'));
  } else if (!actions.includes(String(action))) errs.push(notSupported(`${path}.action`, action, actions));
  const onExitCodes = objectAt(rule, 'onExitCodes');
  const patterns = objectsAt(rule, 'onPodConditions');
  if (onExitCodes) errs.push(...validateOnExitCodes(onExitCodes, `${path}.onExitCodes`, names));
  if (patterns.length > 0) errs.push(...validateOnPodConditions(patterns, `${path}.onPodConditions`));
  if (onExitCodes && patterns.length > 0) errs.push(invalid(path, omittedValue, 'specifying both OnExitCodes and OnPodConditions is not supported'));
  if (!onExitCodes && patterns.length === 0) errs.push(invalid(path, omittedValue, 'specifying one of OnExitCodes and OnPodConditions is required'));
  return errs;
}

function validateOnExitCodes(requirement: JsonObject, path: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const operator = requirement.operator;
  if (operator === undefined || operator === '') errs.push(required(`${path}.operator`, `valid values: [${operators.map((o) => JSON.stringify(o)).join(' ')}]`));
  else if (!operators.includes(String(operator))) errs.push(notSupported(`${path}.operator`, operator, operators));
  const container = requirement.containerName;
  if (typeof container === 'string' && !names.has(container)) errs.push(invalid(`${path}.containerName`, container, 'must be one of the container or initContainer names in the pod template'));
  const values = Array.isArray(requirement.values) ? (requirement.values as number[]) : [];
  const printed = new GoValue(values.length ? `[]int32{${values.join(', ')}}` : '[]int32(nil)');
  if (values.length === 0) errs.push(invalid(`${path}.values`, printed, 'at least one value is required'));
  else if (values.length > maxExitCodes) errs.push(tooMany(`${path}.values`, values.length, maxExitCodes));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((value, j) => {
    if (operator === 'In' && value === 0) errs.push(invalid(`${path}.values[${j}]`, value, 'must not be 0 for the In operator'));
    if (seen.has(value)) errs.push(duplicate(`${path}.values[${j}]`, value));
    seen.add(value);
    if (j > 0 && values[j - 1]! > value) ordered = false;
  });
  if (!ordered) errs.push(invalid(`${path}.values`, printed, 'must be ordered'));
  return errs;
}

function validateOnPodConditions(patterns: JsonObject[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (patterns.length > maxConditionPatterns) errs.push(tooMany(path, patterns.length, maxConditionPatterns));
  patterns.forEach((pattern, j) => {
    const type = String(pattern.type ?? '');
    errs.push(...isQualifiedName(type).map((msg) => invalid(`${path}[${j}].type`, type, msg)));
    const status = pattern.status;
    if (status === undefined || status === '') errs.push(required(`${path}[${j}].status`, `valid values: [${conditionStatuses.map((s) => JSON.stringify(s)).join(' ')}]`));
    else if (!conditionStatuses.includes(String(status))) errs.push(notSupported(`${path}[${j}].status`, status, conditionStatuses));
  });
  return errs;
}

/** validateIndexesFormat: ascending intervals below `completions`; returns how many indexes, or Kubernetes' parse error. */
export function indexesFormatError(text: string, completions: number): { total: number; error?: string } {
  if (text === '') return { total: 0 };
  let last: number | undefined;
  let total = 0;
  for (const part of text.split(',')) {
    const limits = part.split('-');
    if (limits.length > 2) return { total: 0, error: `the fragment ${JSON.stringify(part)} violates the requirement that an index interval can have at most two parts separated by '-'` };
    const bounds: number[] = [];
    for (const limit of limits) {
      if (!/^[+-]?\d+$/.test(limit)) return { total: 0, error: `cannot convert string to integer for index: ${JSON.stringify(limit)}` };
      const n = Number(limit);
      if (n >= completions) return { total: 0, error: `too large index: ${JSON.stringify(limit)}` };
      bounds.push(n);
    }
    const [x, y = x] = bounds as [number, number?];
    if (bounds.length === 2 && x >= y) return { total: 0, error: `non-increasing order, previous: ${x}, current: ${y}` };
    if (last !== undefined && last >= x) return { total: 0, error: `non-increasing order, previous: ${last}, current: ${x}` };
    total += y - x + 1;
    last = y;
  }
  return { total };
}

export function validateSuccessPolicy(spec: JsonObject): FieldError[] {
  const policy = objectAt(spec, 'successPolicy');
  if (!policy) return [];
  if (spec.completionMode !== 'Indexed') return [invalid('spec.successPolicy', new GoValue(goSuccessPolicy(policy)), 'requires indexed completion mode')];
  const errs: FieldError[] = [];
  const rules = objectsAt(policy, 'rules');
  if (rules.length === 0) errs.push(required('spec.successPolicy.rules', 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > maxSuccessRules) errs.push(tooMany('spec.successPolicy.rules', rules.length, maxSuccessRules));
  const completions = numberAt(spec, 'completions') ?? 0;
  rules.forEach((rule, i) => {
    const path = `spec.successPolicy.rules[${i}]`;
    const indexes = typeof rule.succeededIndexes === 'string' ? rule.succeededIndexes : undefined;
    const count = numberAt(rule, 'succeededCount');
    if (count === undefined && indexes === undefined) errs.push(required(path, 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (indexes !== undefined) {
      if (indexes.length > maxSucceededIndexesLength) errs.push(tooLong(`${path}.succeededIndexes`, maxSucceededIndexesLength));
      const parsed = indexesFormatError(indexes, completions);
      total = parsed.total;
      if (parsed.error) errs.push(invalid(`${path}.succeededIndexes`, indexes, `error parsing succeededIndexes: ${parsed.error}`));
    }
    if (count !== undefined) {
      errs.push(...validateNonnegativeField(count, `${path}.succeededCount`));
      if (count > completions) errs.push(invalid(`${path}.succeededCount`, count, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (indexes !== undefined && count > total) errs.push(invalid(`${path}.succeededCount`, count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
    }
  });
  return errs;
}

/** `batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{...}}`, as %#v prints it (pointers as addresses are left out). */
function goSuccessPolicy(policy: JsonObject): string {
  const rules = objectsAt(policy, 'rules').map((r) => `batch.SuccessPolicyRule{SucceededIndexes:${typeof r.succeededIndexes === 'string' ? JSON.stringify(r.succeededIndexes) : '(*string)(nil)'}, SucceededCount:${numberAt(r, 'succeededCount') ?? '(*int32)(nil)'}}`);
  return `batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{${rules.join(', ')}}}`;
}
