// StatefulSets (apps/v1): SetDefaults_StatefulSet, ValidateStatefulSet(Update)
// and the `kubectl get statefulsets` columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, invalid, required, semanticEqual, validateNonnegativeField } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, isObject, numberAt, objectAt, objectsAt, setDefault, stringAt, type JsonObject } from './shared/json.ts';
import { defaultWorkload, templateCells, templateColumns, validateReplicas, validateSelectorAndTemplate, validateSelectorUnchanged, workloadSpec } from './shared/workloads.ts';

function applyDefaults(sts: KubeObject): void {
  defaultWorkload(sts);
  const spec = workloadSpec(sts);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const updateStrategy = ensureObject(spec, 'updateStrategy');
  if (!updateStrategy.type) {
    updateStrategy.type = 'RollingUpdate';
    ensureObject(updateStrategy, 'rollingUpdate');
  }
  const rollingUpdate = objectAt(updateStrategy, 'rollingUpdate');
  if (updateStrategy.type === 'RollingUpdate' && rollingUpdate && numberAt(rollingUpdate, 'partition') === undefined) rollingUpdate.partition = 0;
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  if (numberAt(spec, 'revisionHistoryLimit') === undefined) spec.revisionHistoryLimit = 10;
  for (const claim of objectsAt(spec, 'volumeClaimTemplates')) {
    setDefault(claim, 'apiVersion', 'v1');
    setDefault(claim, 'kind', 'PersistentVolumeClaim');
    setDefault(ensureObject(claim, 'spec'), 'volumeMode', 'Filesystem');
    setDefault(ensureObject(claim, 'status'), 'phase', 'Pending');
  }
}

function claimTemplateNames(spec: JsonObject): string[] {
  return objectsAt(spec, 'volumeClaimTemplates').map((c) => stringAt(objectAt(c, 'metadata'), 'name'));
}

function validate(sts: KubeObject): FieldError[] {
  const spec = workloadSpec(sts);
  const errs: FieldError[] = [];
  const policy = stringAt(spec, 'podManagementPolicy');
  if (!policy) errs.push(required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  const updateStrategy = objectAt(spec, 'updateStrategy');
  const type = stringAt(updateStrategy, 'type');
  const rollingUpdate = objectAt(updateStrategy, 'rollingUpdate');
  if (!type) errs.push(required('spec.updateStrategy'));
  else if (type === 'OnDelete') {
    if (rollingUpdate) errs.push(invalid('spec.updateStrategy.rollingUpdate', rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (type === 'RollingUpdate') {
    if (rollingUpdate) errs.push(...validateNonnegativeField(numberAt(rollingUpdate, 'partition'), 'spec.updateStrategy.rollingUpdate.partition'));
  } else {
    errs.push(invalid('spec.updateStrategy', updateStrategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = objectAt(spec, 'persistentVolumeClaimRetentionPolicy');
  for (const key of ['whenDeleted', 'whenScaled']) {
    const value = stringAt(retention, key);
    if (retention && value !== 'Retain' && value !== 'Delete') {
      errs.push(invalid(`spec.persistentVolumeClaimRetentionPolicy.${key}`, value, "must be 'Retain' or 'Delete'"));
    }
  }
  errs.push(...validateReplicas(spec));
  errs.push(...validateSelectorAndTemplate(sts, 'statefulset', claimTemplateNames(spec)));
  return errs;
}

const mutableSpecFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateUpdate(sts: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validate(sts), ...validateSelectorUnchanged(sts, old)];
  const rest = (obj: KubeObject) => {
    const spec: JsonObject = { ...(isObject(obj.spec) ? obj.spec : {}) };
    for (const key of [...mutableSpecFields, 'selector']) delete spec[key];
    return spec;
  };
  if (!semanticEqual(rest(sts), rest(old))) {
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export const statefulsets: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'scale'],
  strategy: {
    applyDefaults,
    prepareForCreate: (sts) => {
      sts.status = { replicas: 0, availableReplicas: 0 };
    },
    validate,
    validateUpdate,
    table: {
      columns: [nameColumn(), column('Ready', 'string', 'Number of the pod with ready state'), ageColumn(), ...templateColumns],
      row(sts, now) {
        const [containers, images] = templateCells(sts);
        return [
          sts.metadata.name,
          `${numberAt(objectAt(sts, 'status'), 'readyReplicas') ?? 0}/${numberAt(objectAt(sts, 'spec'), 'replicas') ?? 0}`,
          ageSince(sts.metadata.creationTimestamp, now),
          containers,
          images,
        ];
      },
    },
  },
};
