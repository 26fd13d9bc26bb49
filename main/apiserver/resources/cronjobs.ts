// CronJobs (batch/v1): SetDefaults_CronJob, ValidateCronJob(Update) and the
// `kubectl get cronjobs` columns.

import { validateJobRestartPolicy } from './shared/jobPolicyValidation.ts';
import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { isKnownTimeZone, parseSchedule } from '../../kube/cronSchedule.ts';
import { invalid, notSupported, required, validateNonnegativeField } from '../validation/fieldErrors.ts';
import { formatLabelSelectorObject, type LabelSelectorObject } from '../validation/labelSelectorObject.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, numberAt, objectAt, setDefault, stringAt, type JsonObject } from './shared/json.ts';
import { defaultPodSpec } from './shared/podSpecDefaults.ts';
import { validatePodTemplateSpec } from './shared/podSpecValidation.ts';
import { containerCells } from './shared/tableCells.ts';
import { templateColumns } from './shared/workloads.ts';

const concurrencyPolicies = ['Allow', 'Forbid', 'Replace'];
/** A Job's name is `<cronjob>-<minutes>`, and a Job name over 63 characters cannot be a label value: 52 leaves room for 11 digits. */
const maxCronJobNameLength = 52;

function jobSpecOf(cronJob: KubeObject): JsonObject | undefined {
  return objectAt(objectAt(objectAt(cronJob, 'spec'), 'jobTemplate'), 'spec');
}

function applyDefaults(cronJob: KubeObject): void {
  const spec = ensureObject(cronJob, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const template = ensureObject(ensureObject(ensureObject(spec, 'jobTemplate'), 'spec'), 'template');
  defaultPodSpec(ensureObject(template, 'spec'), false);
}

function validate(cronJob: KubeObject): FieldError[] {
  const spec = objectAt(cronJob, 'spec') ?? {};
  const errs: FieldError[] = [];
  if ((cronJob.metadata.name ?? '').length > maxCronJobNameLength) errs.push(invalid('metadata.name', cronJob.metadata.name, `must be no more than ${maxCronJobNameLength} characters`));
  const timeZone = typeof spec.timeZone === 'string' ? spec.timeZone : undefined;
  if (timeZone !== undefined) {
    if (timeZone.length === 0 || !isKnownTimeZone(timeZone)) errs.push(invalid('spec.timeZone', timeZone, 'unknown time zone ' + timeZone));
  }
  const schedule = stringAt(spec, 'schedule');
  if (!schedule) errs.push(required('spec.schedule'));
  else {
    try {
      parseSchedule(schedule, timeZone && isKnownTimeZone(timeZone) ? timeZone : undefined);
    } catch (err) {
      errs.push(invalid('spec.schedule', schedule, (err as Error).message));
    }
  }
  const policy = spec.concurrencyPolicy;
  if (typeof policy !== 'string' || !policy) errs.push(required('spec.concurrencyPolicy'));
  else if (!concurrencyPolicies.includes(policy)) errs.push(notSupported('spec.concurrencyPolicy', policy, concurrencyPolicies));
  for (const key of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...validateNonnegativeField(numberAt(spec, key), `spec.${key}`));
  const jobSpec = jobSpecOf(cronJob);
  const template = objectAt(jobSpec, 'template');
  if (!template) errs.push(required('spec.jobTemplate.spec.template'));
  else {
    errs.push(...validatePodTemplateSpec(template, 'spec.jobTemplate.spec.template'));
    errs.push(...validateJobRestartPolicy(jobSpec ?? {}, 'spec.jobTemplate.spec.template.spec.restartPolicy'));
  }
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) errs.push(...validateNonnegativeField(numberAt(jobSpec, key), `spec.jobTemplate.spec.${key}`));
  return errs;
}

export const cronjobs: ResourceDefinition = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  shortNames: ['cj'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status'],
  strategy: {
    applyDefaults,
    prepareForCreate: (cronJob) => {
      cronJob.status = {};
    },
    validate,
    validateUpdate: (cronJob) => validate(cronJob).filter((e) => e.field !== 'metadata.name'),
    table: {
      columns: [
        nameColumn(),
        column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
        column('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
        column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions.'),
        column('Active', 'integer', 'A list of pointers to currently running jobs.'),
        column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
        ageColumn(),
        ...templateColumns,
        column('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
      ],
      row(cronJob, now) {
        const spec = objectAt(cronJob, 'spec') ?? {};
        const status = objectAt(cronJob, 'status') ?? {};
        const last = stringAt(status, 'lastScheduleTime');
        const [containers, images] = containerCells(objectAt(objectAt(jobSpecOf(cronJob), 'template'), 'spec'));
        return [
          cronJob.metadata.name,
          stringAt(spec, 'schedule'),
          stringAt(spec, 'timeZone') || '<none>',
          spec.suspend === true,
          Array.isArray(status.active) ? status.active.length : 0,
          last ? ageSince(last, now) : '<none>',
          ageSince(cronJob.metadata.creationTimestamp, now),
          containers,
          images,
          formatLabelSelectorObject(objectAt(jobSpecOf(cronJob), 'selector') as LabelSelectorObject | undefined),
        ];
      },
    },
  },
};

