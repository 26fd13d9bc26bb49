// What Mutating- and ValidatingWebhookConfigurations (admissionregistration.k8s.io/v1)
// share: their v1 defaults (SetDefaults_ValidatingWebhook / _MutatingWebhook,
// SetDefaults_ServiceReference), their validation (validateWebhook with v1's
// requirements: unique names, sideEffects None or NoneOnDryRun, admissionReviewVersions),
// and their printer columns (NAME WEBHOOKS AGE).

import type { FieldError, KubeObject } from '../../../kube/meta.ts';
import type { TableDefinition } from '../../registry/resourceDefinition.ts';
import { duplicate, invalid, notSupported, required } from '../../validation/fieldErrors.ts';
import { validateLabelSelectorObject, type LabelSelectorObject } from '../../validation/labelSelectorObject.ts';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from '../../validation/names.ts';
import { defaultRuleScopes, goSlice, validateMatchConditions, validateRuleWithOperations } from './admissionRules.ts';
import { ageColumn, column, nameColumn } from './columns.ts';
import { ageSince } from './humanDuration.ts';
import { arrayAt, isObject, objectAt, objectsAt, type JsonObject } from './json.ts';

const failurePolicies = ['Fail', 'Ignore'];
const matchPolicies = ['Equivalent', 'Exact'];
const sideEffectClasses = ['None', 'NoneOnDryRun'];
const reinvocationPolicies = ['IfNeeded', 'Never'];
const admissionReviewVersions = ['v1', 'v1beta1'];

export function defaultWebhooks(config: KubeObject, mutating: boolean): void {
  for (const hook of objectsAt(config, 'webhooks')) {
    hook.failurePolicy ??= 'Fail';
    hook.matchPolicy ??= 'Equivalent';
    hook.namespaceSelector ??= {};
    hook.objectSelector ??= {};
    hook.timeoutSeconds ??= 10;
    if (mutating) hook.reinvocationPolicy ??= 'Never';
    defaultRuleScopes(objectsAt(hook, 'rules'));
    const service = objectAt(objectAt(hook, 'clientConfig'), 'service');
    if (service) service.port ??= 443;
  }
}

/** validation.IsFullyQualifiedName: a DNS subdomain of three segments at least. */
function validateFullyQualifiedName(name: string, field: string): FieldError[] {
  if (name === '') return [required(field, '')];
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  const problems = isDNS1123Subdomain(bare);
  if (problems.length > 0) return [invalid(field, bare, problems.join(','))];
  if (bare.split('.').length < 3) return [invalid(field, bare, 'should be a domain with at least three segments separated by dots')];
  return [];
}

/** webhook.ValidateWebhookURL with forceHttps. */
function validateWebhookUrl(url: string, field: string): FieldError[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    return [invalid(field, url, `must be a valid URL: parse ${JSON.stringify(url)}: ${(err as Error).message}`)];
  }
  const errs: FieldError[] = [];
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.push(invalid(field, scheme, "'https' is the only allowed URL scheme"));
  if (parsed.host === '') errs.push(invalid(field, parsed.host, 'host must be specified'));
  if (parsed.username || parsed.password) errs.push(invalid(field, parsed.password ? `${parsed.username}:xxxxx` : parsed.username, 'user information is not permitted in the URL'));
  if (parsed.hash) errs.push(invalid(field, parsed.hash.slice(1), 'fragments are not permitted in the URL'));
  if (parsed.search) errs.push(invalid(field, parsed.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

/** webhook.ValidateWebhookService. */
function validateWebhookService(service: JsonObject, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!service.name) errs.push(required(`${field}.name`, 'service name is required'));
  if (!service.namespace) errs.push(required(`${field}.namespace`, 'service namespace is required'));
  const port = typeof service.port === 'number' ? service.port : 443;
  const portProblems = isValidPortNum(port);
  if (portProblems.length > 0) errs.push(invalid(`${field}.port`, port, `port is not valid: ${portProblems.join(', ')}`));
  if (typeof service.path !== 'string') return errs;
  const path = service.path;
  if (path === '/' || path === '') return errs;
  if (path === '//') return [...errs, invalid(`${field}.path`, path, 'segment[0] may not be empty')];
  if (!path.startsWith('/')) errs.push(invalid(`${field}.path`, path, "must start with a '/'"));
  let toCheck = path.slice(1);
  if (toCheck.endsWith('/')) toCheck = toCheck.slice(0, -1);
  toCheck.split('/').forEach((step, i) => {
    if (step === '') errs.push(invalid(`${field}.path`, path, `segment[${i}] may not be empty`));
    else for (const failure of isDNS1123Subdomain(step)) errs.push(invalid(`${field}.path`, path, `segment[${i}]: ${failure}`));
  });
  return errs;
}

function validateClientConfig(hook: JsonObject, field: string): FieldError[] {
  const config = objectAt(hook, 'clientConfig') ?? {};
  const url = typeof config.url === 'string' ? config.url : undefined;
  const service = objectAt(config, 'service');
  if ((url === undefined) === (service === undefined)) return [required(`${field}.clientConfig`, 'exactly one of url or service is required')];
  return url !== undefined ? validateWebhookUrl(url, `${field}.clientConfig.url`) : validateWebhookService(service!, `${field}.clientConfig.service`);
}

/** validateAdmissionReviewVersions: required in v1, one PodLab speaks (v1) or v1beta1, no duplicates. */
function validateAdmissionReviewVersions(hook: JsonObject, field: string): FieldError[] {
  const versions = arrayAt(hook, 'admissionReviewVersions').map(String);
  if (versions.length === 0) return [required(field, `must specify one of ${admissionReviewVersions.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) errs.push(invalid(`${field}[${i}]`, v, 'duplicate version'));
    seen.add(v);
    if (v === '') errs.push(required(`${field}[${i}]`, ''));
    else errs.push(...isDNS1123Label(v).map((msg) => invalid(`${field}[${i}]`, v, msg)));
  });
  if (!versions.some((v) => admissionReviewVersions.includes(v))) errs.push(invalid(field, goSlice(versions), `must include at least one of ${admissionReviewVersions.join(', ')}`));
  return errs;
}

function validateWebhook(hook: JsonObject, field: string, mutating: boolean): FieldError[] {
  const errs = validateFullyQualifiedName(typeof hook.name === 'string' ? hook.name : '', `${field}.name`);
  objectsAt(hook, 'rules').forEach((rule, i) => errs.push(...validateRuleWithOperations(rule, `${field}.rules[${i}]`)));
  if (hook.failurePolicy !== undefined && !failurePolicies.includes(String(hook.failurePolicy))) errs.push(notSupported(`${field}.failurePolicy`, hook.failurePolicy, failurePolicies));
  if (hook.matchPolicy !== undefined && !matchPolicies.includes(String(hook.matchPolicy))) errs.push(notSupported(`${field}.matchPolicy`, hook.matchPolicy, matchPolicies));
  if (hook.sideEffects === undefined || hook.sideEffects === '') errs.push(required(`${field}.sideEffects`, `must specify one of ${sideEffectClasses.join(', ')}`));
  else if (!sideEffectClasses.includes(String(hook.sideEffects))) errs.push(notSupported(`${field}.sideEffects`, hook.sideEffects, sideEffectClasses));
  const timeout = hook.timeoutSeconds;
  if (typeof timeout === 'number' && (timeout < 1 || timeout > 30)) errs.push(invalid(`${field}.timeoutSeconds`, timeout, 'the timeout value must be between 1 and 30 seconds'));
  errs.push(...validateLabelSelectorObject(objectAt(hook, 'namespaceSelector') as LabelSelectorObject | undefined, `${field}.namespaceSelector`));
  errs.push(...validateLabelSelectorObject(objectAt(hook, 'objectSelector') as LabelSelectorObject | undefined, `${field}.objectSelector`));
  errs.push(...validateAdmissionReviewVersions(hook, `${field}.admissionReviewVersions`));
  errs.push(...validateClientConfig(hook, field));
  if (mutating && hook.reinvocationPolicy !== undefined && !reinvocationPolicies.includes(String(hook.reinvocationPolicy))) {
    errs.push(notSupported(`${field}.reinvocationPolicy`, hook.reinvocationPolicy, reinvocationPolicies));
  }
  errs.push(...validateMatchConditions(hook.matchConditions, `${field}.matchConditions`));
  return errs;
}

export function validateWebhookConfiguration(config: KubeObject, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arrayAt(config, 'webhooks').forEach((hook, i) => {
    const field = `webhooks[${i}]`;
    const h = isObject(hook) ? hook : {};
    errs.push(...validateWebhook(h, field, mutating));
    if (typeof h.name === 'string' && h.name !== '') {
      if (seen.has(h.name)) errs.push(duplicate(`${field}.name`, h.name));
      seen.add(h.name);
    }
  });
  return errs;
}

export const webhookConfigurationTable: TableDefinition = {
  columns: [nameColumn(), column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks in the configuration'), ageColumn()],
  row: (config, now) => [config.metadata.name, arrayAt(config, 'webhooks').length, ageSince(config.metadata.creationTimestamp, now)],
};
