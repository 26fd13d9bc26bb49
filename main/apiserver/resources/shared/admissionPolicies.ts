// ValidatingAdmissionPolicies and their bindings (admissionregistration.k8s.io/v1):
// v1 defaults (failurePolicy Fail; matchResources Equivalent with empty
// selectors; paramRef parameterNotFoundAction Deny) and validation as
// pkg/apis/admissionregistration/validation words it, and their printer
// columns (NAME VALIDATIONS PARAMKIND AGE; NAME POLICYNAME PARAMREF AGE).

import type { FieldError, KubeObject } from '../../../kube/meta.ts';
import type { TableDefinition } from '../../registry/resourceDefinition.ts';
import { duplicate, forbidden, invalid, notSupported, required } from '../../validation/fieldErrors.ts';
import { formatLabelSelectorObject, validateLabelSelectorObject, type LabelSelectorObject } from '../../validation/labelSelectorObject.ts';
import { isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName } from '../../validation/names.ts';
import { defaultRuleScopes, goSlice, validateCelExpression, validateMatchConditions, validateRuleWithOperations } from './admissionRules.ts';
import { ageColumn, column, nameColumn } from './columns.ts';
import { ageSince } from './humanDuration.ts';
import { arrayAt, isObject, objectAt, objectsAt, stringAt, type JsonObject } from './json.ts';

const failurePolicies = ['Fail', 'Ignore'];
const matchPolicies = ['Equivalent', 'Exact'];
const validationActions = ['Audit', 'Deny', 'Warn'];
const policyReasons = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];

function defaultMatchResources(match: JsonObject | undefined): void {
  if (!match) return;
  match.matchPolicy ??= 'Equivalent';
  match.namespaceSelector ??= {};
  match.objectSelector ??= {};
  defaultRuleScopes(objectsAt(match, 'resourceRules'));
  defaultRuleScopes(objectsAt(match, 'excludeResourceRules'));
}

export function defaultPolicy(policy: KubeObject): void {
  const spec = objectAt(policy, 'spec');
  if (!spec) return;
  spec.failurePolicy ??= 'Fail';
  defaultMatchResources(objectAt(spec, 'matchConstraints'));
}

export function defaultBinding(binding: KubeObject): void {
  const spec = objectAt(binding, 'spec');
  if (!spec) return;
  defaultMatchResources(objectAt(spec, 'matchResources'));
  const paramRef = objectAt(spec, 'paramRef');
  if (paramRef) paramRef.parameterNotFoundAction ??= 'Deny';
}

function validateNamedRule(rule: JsonObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arrayAt(rule, 'resourceNames').forEach((name, i) => {
    const n = String(name);
    errs.push(...isValidPathSegmentName(n).map((msg) => invalid(`${field}.resourceNames[${i}]`, n, msg)));
    if (seen.has(n)) errs.push(duplicate(`${field}.resourceNames[${i}]`, n));
    seen.add(n);
  });
  return [...errs, ...validateRuleWithOperations(rule, field)];
}

function validateMatchResources(match: JsonObject | undefined, field: string): FieldError[] {
  if (!match) return [];
  const errs: FieldError[] = [];
  if (match.matchPolicy === undefined) errs.push(required(`${field}.matchPolicy`, ''));
  else if (!matchPolicies.includes(String(match.matchPolicy))) errs.push(notSupported(`${field}.matchPolicy`, match.matchPolicy, matchPolicies));
  for (const selector of ['namespaceSelector', 'objectSelector']) {
    if (!isObject(match[selector])) errs.push(required(`${field}.${selector}`, ''));
    else errs.push(...validateLabelSelectorObject(match[selector] as LabelSelectorObject, `${field}.${selector}`));
  }
  objectsAt(match, 'resourceRules').forEach((rule, i) => errs.push(...validateNamedRule(rule, `${field}.resourceRules[${i}]`)));
  objectsAt(match, 'excludeResourceRules').forEach((rule, i) => errs.push(...validateNamedRule(rule, `${field}.excludeResourceRules[${i}]`)));
  return errs;
}

function validateParamKind(paramKind: JsonObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = stringAt(paramKind, 'apiVersion');
  if (!apiVersion) errs.push(required(`${field}.apiVersion`, ''));
  else {
    const parts = apiVersion.split('/');
    if (parts.length > 2) errs.push(invalid(`${field}.apiVersion`, apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
    else {
      const [group, version] = parts.length === 2 ? parts : ['', parts[0]];
      if (group) {
        const problems = isDNS1123Subdomain(group);
        if (problems.length) errs.push(invalid(`${field}.apiVersion`, group, problems.join(',')));
      }
      if (!version) errs.push(invalid(`${field}.apiVersion`, apiVersion, 'version must be specified'));
      else if (isDNS1035Label(version).length) errs.push(invalid(`${field}.apiVersion`, version, isDNS1035Label(version).join(',')));
    }
  }
  const kind = stringAt(paramKind, 'kind');
  if (!kind) errs.push(required(`${field}.kind`, ''));
  else if (isDNS1035Label(kind.toLowerCase()).length) errs.push(invalid(`${field}.kind`, kind, `may have mixed case, but should otherwise match: ${isDNS1035Label(kind.toLowerCase()).join(',')}`));
  return errs;
}

function validateValidation(validation: JsonObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const expression = stringAt(validation, 'expression');
  if (!expression.trim()) errs.push(required(`${field}.expression`, 'expression is not specified'));
  else errs.push(...validateCelExpression(expression, `${field}.expression`));
  const messageExpression = stringAt(validation, 'messageExpression');
  if (messageExpression && !messageExpression.trim()) errs.push(invalid(`${field}.messageExpression`, messageExpression, 'must be non-empty if specified'));
  else if (messageExpression.trim()) errs.push(...validateCelExpression(messageExpression, `${field}.messageExpression`));
  const message = stringAt(validation, 'message');
  if (message && !message.trim()) errs.push(invalid(`${field}.message`, message, 'message must be non-empty if specified'));
  else if (/[\n\r]/.test(message.trim())) errs.push(invalid(`${field}.message`, message, 'message must not contain line breaks'));
  if (validation.reason !== undefined && !policyReasons.includes(String(validation.reason))) errs.push(notSupported(`${field}.reason`, validation.reason, policyReasons));
  return errs;
}

const celIdentifier = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export function validatePolicy(policy: KubeObject): FieldError[] {
  const spec = objectAt(policy, 'spec') ?? {};
  const errs: FieldError[] = [];
  if (spec.failurePolicy === undefined) errs.push(required('spec.failurePolicy', ''));
  else if (!failurePolicies.includes(String(spec.failurePolicy))) errs.push(notSupported('spec.failurePolicy', spec.failurePolicy, failurePolicies));
  const paramKind = objectAt(spec, 'paramKind');
  if (paramKind) errs.push(...validateParamKind(paramKind, 'spec.paramKind'));
  const match = objectAt(spec, 'matchConstraints');
  if (!match) errs.push(required('spec.matchConstraints', ''));
  else {
    errs.push(...validateMatchResources(match, 'spec.matchConstraints'));
    // The rules give the expressions their types: at least one is needed.
    if (objectsAt(match, 'resourceRules').length === 0) errs.push(required('spec.matchConstraints.resourceRules', ''));
  }
  errs.push(...validateMatchConditions(spec.matchConditions, 'spec.matchConditions'));
  objectsAt(spec, 'variables').forEach((variable, i) => {
    const field = `spec.variables[${i}]`;
    const name = stringAt(variable, 'name');
    if (!name.trim()) errs.push(required(`${field}.name`, 'name is not specified'));
    else if (!celIdentifier.test(name)) errs.push(invalid(`${field}.name`, name, 'name is not a valid CEL identifier'));
    const expression = stringAt(variable, 'expression');
    if (!expression.trim()) errs.push(required(`${field}.expression`, 'expression is not specified'));
    else errs.push(...validateCelExpression(expression, `${field}.expression`));
  });
  const validations = objectsAt(spec, 'validations');
  const auditAnnotations = objectsAt(spec, 'auditAnnotations');
  if (validations.length === 0 && auditAnnotations.length === 0) {
    errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
    errs.push(required('spec.auditAnnotations', 'validations or auditAnnotations must contain at least one item'));
  } else validations.forEach((v, i) => errs.push(...validateValidation(v, `spec.validations[${i}]`)));
  return errs;
}

function validateParamRef(paramRef: JsonObject | undefined, field: string): FieldError[] {
  if (!paramRef) return [];
  const errs: FieldError[] = [];
  const name = stringAt(paramRef, 'name');
  const selector = objectAt(paramRef, 'selector');
  if (name) {
    errs.push(...isValidPathSegmentName(name).map((msg) => invalid(`${field}.name`, name, msg)));
    if (selector) errs.push(forbidden(`${field}.name`, 'name and selector are mutually exclusive'));
  }
  if (selector) {
    errs.push(...validateLabelSelectorObject(selector as LabelSelectorObject, `${field}.selector`));
    if (name) errs.push(forbidden(`${field}.selector`, 'name and selector are mutually exclusive'));
  }
  if (!name && !selector) errs.push(required(field, 'one of name or selector must be specified'));
  const action = paramRef.parameterNotFoundAction;
  if (action === undefined || action === '') errs.push(required(`${field}.parameterNotFoundAction`, ''));
  else if (action !== 'Deny' && action !== 'Allow') errs.push(notSupported(`${field}.parameterNotFoundAction`, action, ['Deny', 'Allow']));
  return errs;
}

export function validateBinding(binding: KubeObject): FieldError[] {
  const spec = objectAt(binding, 'spec') ?? {};
  const errs: FieldError[] = [];
  const policyName = stringAt(spec, 'policyName');
  if (!policyName) errs.push(required('spec.policyName', ''));
  else errs.push(...isDNS1123Subdomain(policyName).map((msg) => invalid('spec.policyName', policyName, msg)));
  errs.push(...validateParamRef(objectAt(spec, 'paramRef'), 'spec.paramRef'));
  errs.push(...validateMatchResources(objectAt(spec, 'matchResources'), 'spec.matchResources'));
  const actions = arrayAt(spec, 'validationActions').map(String);
  const seen = new Set<string>();
  actions.forEach((action, i) => {
    if (!validationActions.includes(action)) errs.push(notSupported(`spec.validationActions[${i}]`, action, validationActions));
    if (seen.has(action)) errs.push(duplicate(`spec.validationActions[${i}]`, action));
    seen.add(action);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(invalid('spec.validationActions', goSlice(actions), 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  }
  if (seen.size === 0) errs.push(required('spec.validationActions', 'at least one validation action is required'));
  return errs;
}

export const policyTable: TableDefinition = {
  columns: [
    nameColumn(),
    column('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    ageColumn(),
  ],
  row: (policy, now) => {
    const spec = objectAt(policy, 'spec');
    const paramKind = objectAt(spec, 'paramKind');
    return [policy.metadata.name, arrayAt(spec, 'validations').length, paramKind ? `${stringAt(paramKind, 'apiVersion')}/${stringAt(paramKind, 'kind')}` : '<unset>', ageSince(policy.metadata.creationTimestamp, now)];
  },
};

function paramRefCell(paramRef: JsonObject | undefined): string {
  if (!paramRef) return '<unset>';
  const name = stringAt(paramRef, 'name');
  if (name) return `${stringAt(paramRef, 'namespace') || '*'}/${name}`;
  const selector = objectAt(paramRef, 'selector');
  return selector ? formatLabelSelectorObject(selector as LabelSelectorObject) : '<unset>';
}

export const bindingTable: TableDefinition = {
  columns: [
    nameColumn(),
    column('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
    column('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
    ageColumn(),
  ],
  row: (binding, now) => {
    const spec = objectAt(binding, 'spec');
    return [binding.metadata.name, stringAt(spec, 'policyName'), paramRefCell(objectAt(spec, 'paramRef')), ageSince(binding.metadata.creationTimestamp, now)];
  },
};
