// ControllerRevisions (apps/v1): the pod-template history DaemonSets (and
// StatefulSets) keep for `kubectl rollout history/undo`. Data never changes
// once written; the revision number may. Columns as kubectl prints them.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { required, validateImmutableField, validateNonnegativeField } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';

function validate(revision: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const { data, revision: number } = revision as KubeObject & { data?: unknown; revision?: number };
  if (data === undefined || data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...validateNonnegativeField(number, 'revision'));
  return errs;
}

/** `daemonset.apps/fluentd`: the controlling owner, as kubectl's CONTROLLER column names it. */
function controllerCell(revision: KubeObject): string {
  const owner = revision.metadata.ownerReferences?.find((o) => o.controller);
  if (!owner) return '<none>';
  const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
  return `${owner.kind.toLowerCase()}${group ? `.${group}` : ''}/${owner.name}`;
}

export const controllerrevisions: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  subresources: [],
  strategy: {
    validate,
    validateUpdate: (revision, old) => [...validate(revision), ...validateImmutableField((revision as { data?: unknown }).data, (old as { data?: unknown }).data, 'data')],
    table: {
      columns: [nameColumn(), column('Controller', 'string', 'Controller of the object'), column('Revision', 'integer', 'Revision indicates the revision of the state represented by Data.'), ageColumn()],
      row: (revision, now) => [revision.metadata.name, controllerCell(revision), (revision as { revision?: number }).revision ?? 0, ageSince(revision.metadata.creationTimestamp, now)],
    },
  },
};
