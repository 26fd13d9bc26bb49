// Jobs (batch/v1): SetDefaults_Job, the job strategy's generated selector and
// labels, ValidateJob / ValidateJobUpdate, and the `kubectl get jobs` columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported, required, validateImmutableField, validateNonnegativeField } from '../validation/fieldErrors.ts';
import { formatLabelSelectorObject, goLabelSelector } from '../validation/labelSelectorObject.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { jobCompletions, jobDuration, jobStatus, type JobShape } from './shared/jobPrinting.ts';
import { validateJobRestartPolicy, validatePodFailurePolicy, validateSuccessPolicy } from './shared/jobPolicyValidation.ts';
import { ensureObject, numberAt, objectAt, objectsAt, setDefault, type JsonObject } from './shared/json.ts';
import { defaultPodSpec } from './shared/podSpecDefaults.ts';
import { selectorOf, templateCells, templateColumns, validateSelectorAndTemplate } from './shared/workloads.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
const legacyJobNameLabel = 'job-name';
const legacyControllerUidLabel = 'controller-uid';
const completionModes = ['NonIndexed', 'Indexed'];
const replacementPolicies = ['TerminatingOrFailed', 'Failed'];
const maxParallelismForIndexed = 100_000;
const maxCompletionsForIndexed = 100_000;
const maxFailedIndexesForIndexed = 100_000;
const completionsSoftLimit = 100_000;
const limitForHighCompletions = 10_000;

function spec(job: KubeObject): JsonObject {
  return ensureObject(job, 'spec');
}

function applyDefaults(job: KubeObject): void {
  const s = spec(job);
  if (numberAt(s, 'completions') === undefined && numberAt(s, 'parallelism') === undefined) {
    s.completions = 1;
    s.parallelism = 1;
  }
  setDefault(s, 'parallelism', 1);
  setDefault(s, 'backoffLimit', numberAt(s, 'backoffLimitPerIndex') !== undefined ? 2147483647 : 6);
  setDefault(s, 'completionMode', 'NonIndexed');
  setDefault(s, 'suspend', false);
  setDefault(s, 'podReplacementPolicy', objectAt(s, 'podFailurePolicy') ? 'Failed' : 'TerminatingOrFailed');
  for (const rule of objectsAt(objectAt(s, 'podFailurePolicy'), 'rules')) for (const pattern of objectsAt(rule, 'onPodConditions')) setDefault(pattern, 'status', 'True');
  const template = ensureObject(s, 'template');
  const labels = objectAt(objectAt(template, 'metadata'), 'labels');
  if (labels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...(labels as Record<string, string>) };
  defaultPodSpec(ensureObject(template, 'spec'), false);
}

/** The job strategy's generateSelector: unless manualSelector, pods are selected by the Job's uid and labelled with its name. */
function prepareForCreate(job: KubeObject): void {
  job.status = {};
  const s = spec(job);
  if (s.manualSelector === true) return;
  const metadata = ensureObject(ensureObject(s, 'template'), 'metadata');
  const labels = ensureObject(metadata, 'labels') as Record<string, string>;
  for (const key of [legacyJobNameLabel, jobNameLabel]) labels[key] ??= job.metadata.name ?? '';
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) labels[key] ??= job.metadata.uid ?? '';
  const selector = ensureObject(s, 'selector');
  const matchLabels = ensureObject(selector, 'matchLabels') as Record<string, string>;
  matchLabels[controllerUidLabel] ??= job.metadata.uid ?? '';
}

function validate(job: KubeObject): FieldError[] {
  const s = spec(job);
  const errs: FieldError[] = [];
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    errs.push(...validateNonnegativeField(numberAt(s, key), `spec.${key}`));
  }
  const deadline = numberAt(s, 'activeDeadlineSeconds');
  if (deadline === 0) errs.push(invalid('spec.activeDeadlineSeconds', 0, 'must be greater than 0'));
  const mode = s.completionMode;
  if (typeof mode === 'string' && !completionModes.includes(mode)) errs.push(notSupported('spec.completionMode', mode, completionModes));
  if (mode === 'Indexed') {
    const completions = numberAt(s, 'completions');
    const parallelism = numberAt(s, 'parallelism') ?? 0;
    if (completions === undefined) errs.push(required('spec.completions', 'when completion mode is Indexed'));
    else if (completions > maxCompletionsForIndexed) errs.push(invalid('spec.completions', completions, `must be less than or equal to ${maxCompletionsForIndexed} when completion mode is Indexed`));
    if (parallelism > maxParallelismForIndexed) errs.push(invalid('spec.parallelism', parallelism, `must be less than or equal to ${maxParallelismForIndexed} when completion mode is Indexed`));
    errs.push(...validatePerIndexLimits(s, completions, parallelism));
  } else {
    for (const key of ['backoffLimitPerIndex', 'maxFailedIndexes']) {
      const value = numberAt(s, key);
      if (value !== undefined) errs.push(invalid(`spec.${key}`, value, 'requires indexed completion mode'));
    }
  }
  if (numberAt(s, 'maxFailedIndexes') !== undefined && numberAt(s, 'backoffLimitPerIndex') === undefined) {
    errs.push(required('spec.backoffLimitPerIndex', 'when maxFailedIndexes is specified'));
  }
  errs.push(...validatePodFailurePolicy(s), ...validateSuccessPolicy(s));
  const policy = s.podReplacementPolicy;
  if (typeof policy === 'string') {
    if (!replacementPolicies.includes(policy)) errs.push(notSupported('spec.podReplacementPolicy', policy, replacementPolicies));
    else if (objectAt(s, 'podFailurePolicy') && policy !== 'Failed') errs.push(notSupported('spec.podReplacementPolicy', policy, ['Failed']));
  }
  errs.push(...validateSelectorAndTemplate(job, undefined, [], []));
  errs.push(...validateJobRestartPolicy(s, 'spec.template.spec.restartPolicy'));
  return errs;
}

/** Limits on failed indexes for Indexed Jobs, stricter above 100,000 completions with a per-index back-off limit. */
function validatePerIndexLimits(s: JsonObject, completions: number | undefined, parallelism: number): FieldError[] {
  const errs: FieldError[] = [];
  const maxFailed = numberAt(s, 'maxFailedIndexes');
  if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) errs.push(invalid('spec.maxFailedIndexes', maxFailed, 'must be less than or equal to completions'));
  if (maxFailed !== undefined && maxFailed > maxFailedIndexesForIndexed) errs.push(invalid('spec.maxFailedIndexes', maxFailed, `must be less than or equal to ${maxFailedIndexesForIndexed}`));
  if (completions !== undefined && completions > completionsSoftLimit && numberAt(s, 'backoffLimitPerIndex') !== undefined) {
    const high = `when completions are above ${completionsSoftLimit} and used with backoff limit per index`;
    if (maxFailed === undefined) errs.push(required('spec.maxFailedIndexes', `must be specified when completions is above ${completionsSoftLimit}`));
    if (parallelism > limitForHighCompletions) errs.push(invalid('spec.parallelism', parallelism, `must be less than or equal to ${limitForHighCompletions} ${high}`));
    if (maxFailed !== undefined && maxFailed > limitForHighCompletions) errs.push(invalid('spec.maxFailedIndexes', maxFailed, `must be less than or equal to ${limitForHighCompletions} ${high}`));
  }
  return errs;
}

/** Scheduling directives may change while a Job is suspended and has never started (ValidateJobUpdate's mutable template fields). */
function templateWithoutSchedulingDirectives(job: KubeObject): unknown {
  const template = deepCopy(objectAt(spec(job), 'template') ?? {}) as JsonObject;
  const podSpec = objectAt(template, 'spec');
  if (podSpec) for (const key of ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates']) delete podSpec[key];
  const metadata = objectAt(template, 'metadata');
  if (metadata) for (const key of ['labels', 'annotations']) delete metadata[key];
  return template;
}

function validateUpdate(job: KubeObject, old: KubeObject): FieldError[] {
  const s = spec(job);
  const o = spec(old);
  const errs = validate(job);
  errs.push(...validateImmutableField(selectorOf(job), selectorOf(old), 'spec.selector', goLabelSelector(selectorOf(job))));
  const startedBefore = !!objectAt(old, 'status')?.startTime;
  const mayChangeScheduling = o.suspend === true && !startedBefore;
  const templateBefore = mayChangeScheduling ? templateWithoutSchedulingDirectives(old) : objectAt(o, 'template');
  const templateNow = mayChangeScheduling ? templateWithoutSchedulingDirectives(job) : objectAt(s, 'template');
  errs.push(...validateImmutableField(templateNow, templateBefore, 'spec.template'));
  // Indexed Jobs may scale completions together with parallelism (elastic Indexed Jobs).
  const elastic = s.completionMode === 'Indexed' && numberAt(s, 'completions') === numberAt(s, 'parallelism') && numberAt(o, 'completions') === numberAt(o, 'parallelism');
  if (!elastic) errs.push(...validateImmutableField(s.completions, o.completions, 'spec.completions'));
  for (const key of ['completionMode', 'podFailurePolicy', 'successPolicy', 'backoffLimitPerIndex', 'manualSelector', 'managedBy']) errs.push(...validateImmutableField(s[key], o[key], `spec.${key}`));
  return errs;
}

export const jobs: ResourceDefinition = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  subresources: ['status'],
  strategy: {
    applyDefaults,
    prepareForCreate,
    validate,
    validateUpdate,
    table: {
      columns: [
        nameColumn(),
        column('Status', 'string', 'Status of the job.'),
        column('Completions', 'string', 'The completion status of the job.'),
        column('Duration', 'string', 'Time required to complete the job.'),
        ageColumn(),
        ...templateColumns,
        column('Selector', 'string', 'The selector of the job.', 1),
      ],
      row(job, now) {
        const [containers, images] = templateCells(job);
        return [job.metadata.name, jobStatus(job as JobShape), jobCompletions(job as JobShape), jobDuration(job as JobShape, now), ageSince(job.metadata.creationTimestamp, now), containers, images, formatLabelSelectorObject(selectorOf(job))];
      },
    },
  },
};
