// The pieces admissionregistration.k8s.io/v1 kinds share (webhook
// configurations and ValidatingAdmissionPolicies): rules with operations,
// match conditions and their defaults, validated as
// pkg/apis/admissionregistration/validation words it.

import type { FieldError } from '../../../kube/meta.ts';
import { duplicate, invalid, notSupported, required, tooMany } from '../../validation/fieldErrors.ts';
import { GoValue, goStringSlice } from '../../validation/goSyntax.ts';
import { isQualifiedName } from '../../validation/names.ts';
import { compileCel } from '../../admission/cel/celPrograms.ts';
import { isObject, objectsAt, type JsonObject } from './json.ts';

const operations = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const scopes = ['*', 'Cluster', 'Namespaced'];
export const maxMatchConditions = 64;

/** SetDefaults_Rule: a rule without a scope covers both. */
export function defaultRuleScopes(rules: JsonObject[]): void {
  for (const rule of rules) if (rule.scope === undefined) rule.scope = '*';
}

/** A []string as Go's %#v prints it in field errors. */
export function goSlice(values: string[]): GoValue {
  return new GoValue(goStringSlice(values));
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : String(v))) : [];
}

function hasWildcard(values: string[]): boolean {
  return values.includes('*');
}

/** validateResources: `*` and `*\/*` exclude what they already cover. */
function validateResources(resources: string[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(required(field, ''));
  // x/*, */y, x/y and *: the shapes allowed to sit together.
  const resourcesWithWildcardSubresources = new Set<string>();
  const subresourcesWithWildcardResource = new Set<string>();
  let hasDoubleWildcard = false;
  let hasSingleWildcard = false;
  let hasResourceWithoutSubresource = false;
  resources.forEach((resSub, i) => {
    if (resSub === '') {
      errs.push(required(`${field}[${i}]`, ''));
      return;
    }
    if (resSub === '*/*') hasDoubleWildcard = true;
    if (resSub === '*') hasSingleWildcard = true;
    const parts = resSub.split('/');
    if (parts.length === 1) {
      hasResourceWithoutSubresource = resSub !== '*';
      return;
    }
    const [res, sub] = parts;
    if (resourcesWithWildcardSubresources.has(res)) errs.push(invalid(`${field}[${i}]`, resSub, `if '${res}/*' is present, must not specify ${resSub}`));
    if (subresourcesWithWildcardResource.has(sub)) errs.push(invalid(`${field}[${i}]`, resSub, `if '*/${sub}' is present, must not specify ${resSub}`));
    if (sub === '*') resourcesWithWildcardSubresources.add(res);
    if (res === '*') subresourcesWithWildcardResource.add(sub);
  });
  if (resources.length > 1 && hasDoubleWildcard) errs.push(invalid(field, goSlice(resources), "if '*/*' is present, must not specify other resources"));
  if (hasSingleWildcard && hasResourceWithoutSubresource) errs.push(invalid(field, goSlice(resources), "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

/** validateRule: groups, versions, resources and scope. */
function validateRule(rule: JsonObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const groups = strings(rule.apiGroups);
  if (groups.length === 0) errs.push(required(`${field}.apiGroups`, ''));
  if (groups.length > 1 && hasWildcard(groups)) errs.push(invalid(`${field}.apiGroups`, goSlice(groups), "if '*' is present, must not specify other API groups"));
  const versions = strings(rule.apiVersions);
  if (versions.length === 0) errs.push(required(`${field}.apiVersions`, ''));
  if (versions.length > 1 && hasWildcard(versions)) errs.push(invalid(`${field}.apiVersions`, goSlice(versions), "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === '') errs.push(required(`${field}.apiVersions[${i}]`, ''));
  });
  errs.push(...validateResources(strings(rule.resources), `${field}.resources`));
  if (rule.scope !== undefined && !scopes.includes(String(rule.scope))) errs.push(notSupported(`${field}.scope`, rule.scope, scopes));
  return errs;
}

/** validateRuleWithOperations. */
export function validateRuleWithOperations(rule: JsonObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const ops = strings(rule.operations);
  if (ops.length === 0) errs.push(required(`${field}.operations`, ''));
  if (ops.length > 1 && hasWildcard(ops)) errs.push(invalid(`${field}.operations`, goSlice(ops), "if '*' is present, must not specify other operations"));
  ops.forEach((op, i) => {
    if (!operations.includes(op)) errs.push(notSupported(`${field}.operations[${i}]`, op, operations));
  });
  return [...errs, ...validateRule(rule, field)];
}

/** validateMatchConditions: at most 64; each an expression that compiles and a qualified name, unique. */
export function validateMatchConditions(conditions: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = Array.isArray(conditions) ? conditions : [];
  if (list.length > maxMatchConditions) errs.push(tooMany(field, list.length, maxMatchConditions));
  const seen = new Set<string>();
  list.forEach((condition, i) => {
    const path = `${field}[${i}]`;
    const c = isObject(condition) ? condition : {};
    errs.push(...validateCelExpression(c.expression, `${path}.expression`));
    const name = typeof c.name === 'string' ? c.name : '';
    if (name === '') errs.push(required(`${path}.name`, ''));
    else errs.push(...isQualifiedName(name).map((msg) => invalid(`${path}.name`, name, msg)));
    if (name !== '') {
      if (seen.has(name)) errs.push(duplicate(`${path}.name`, name));
      seen.add(name);
    }
  });
  return errs;
}

/** An expression that is required and must compile. */
export function validateCelExpression(expression: unknown, field: string): FieldError[] {
  const text = typeof expression === 'string' ? expression : '';
  if (text.trim() === '') return [required(field, '')];
  const compiled = compileCel(text.trim());
  return compiled.error ? [invalid(field, text, `compilation failed: ${compiled.error}`)] : [];
}

/** The rules of a webhook or a policy's matchConstraints. */
export function rulesOf(holder: unknown, key: string): JsonObject[] {
  return objectsAt(holder, key);
}
