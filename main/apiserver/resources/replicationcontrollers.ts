// ReplicationControllers (core/v1), the ReplicaSet's ancestor that the docs
// and client test suites still use: SetDefaults_ReplicationController (the
// selector and labels from the template), ValidateReplicationController and
// kubectl's columns. Their selector is a plain map of labels.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported, required, validateNonnegativeField } from '../validation/fieldErrors.ts';
import { GoValue, goStringMap } from '../validation/goSyntax.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, numberAt, objectAt, stringMapAt } from './shared/json.ts';
import { defaultPodSpec } from './shared/podSpecDefaults.ts';
import { validatePodTemplateSpec } from './shared/podSpecValidation.ts';
import { templateCells, templateColumns } from './shared/workloads.ts';

function applyDefaults(rc: KubeObject): void {
  const spec = ensureObject(rc, 'spec');
  if (numberAt(spec, 'replicas') === undefined) spec.replicas = 1;
  const template = ensureObject(spec, 'template');
  const labels = stringMapAt(objectAt(template, 'metadata'), 'labels');
  if (labels) {
    if (Object.keys(stringMapAt(spec, 'selector') ?? {}).length === 0) spec.selector = { ...labels };
    if (Object.keys(rc.metadata.labels ?? {}).length === 0) rc.metadata.labels = { ...labels };
  }
  defaultPodSpec(ensureObject(template, 'spec'), false);
}

function validate(rc: KubeObject): FieldError[] {
  const spec = objectAt(rc, 'spec') ?? {};
  const errs = [...validateNonnegativeField(numberAt(spec, 'replicas'), 'spec.replicas'), ...validateNonnegativeField(numberAt(spec, 'minReadySeconds'), 'spec.minReadySeconds')];
  const selector = stringMapAt(spec, 'selector') ?? {};
  if (Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  const template = objectAt(spec, 'template');
  if (!template) return [...errs, required('spec.template')];
  const labels = stringMapAt(objectAt(template, 'metadata'), 'labels') ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) errs.push(invalid('spec.template.metadata.labels', new GoValue(goStringMap(labels)), '`selector` does not match template `labels`'));
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const restartPolicy = String(objectAt(template, 'spec')?.restartPolicy ?? '');
  if (restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  return errs;
}

export const replicationcontrollers: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  shortNames: ['rc'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'scale'],
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
  strategy: {
    applyDefaults,
    prepareForCreate: (rc) => {
      rc.status = { replicas: 0 };
    },
    validate,
    // Unlike apps/v1 workloads, a ReplicationController's selector may change.
    validateUpdate: (rc) => validate(rc),
    table: {
      columns: [
        nameColumn(),
        column('Desired', 'integer', 'Replicas is the number of desired replicas.'),
        column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
        column('Ready', 'integer', 'The number of ready replicas for this replication controller.'),
        ageColumn(),
        ...templateColumns,
        column('Selector', 'string', 'Selector is a label query over pods that should match the Replicas count.', 1),
      ],
      row(rc, now) {
        const status = objectAt(rc, 'status');
        const [containers, images] = templateCells(rc);
        const selector = Object.entries(stringMapAt(objectAt(rc, 'spec'), 'selector') ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
        return [rc.metadata.name, numberAt(objectAt(rc, 'spec'), 'replicas') ?? 0, numberAt(status, 'replicas') ?? 0, numberAt(status, 'readyReplicas') ?? 0, ageSince(rc.metadata.creationTimestamp, now), containers, images, selector];
      },
    },
  },
};
