// Namespaces (core/v1): the kubernetes.io/metadata.name label, Active status
// and the "kubernetes" finalizer given on create, and their table.

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { arrayAt, ensureObject, objectAt, stringAt } from './shared/json.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

/** SetDefaults_Namespace: every named namespace carries its own name as a label. */
function applyDefaults(ns: KubeObject): void {
  if (!ns.metadata.name) return;
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
}

function prepareForCreate(ns: KubeObject): void {
  ns.status = { phase: 'Active' };
  const spec = ensureObject(ns, 'spec');
  const finalizers = arrayAt(spec, 'finalizers').map(String);
  if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
  spec.finalizers = finalizers;
}

/** spec.finalizers change only through the finalize subresource. */
function prepareForUpdate(ns: KubeObject, old: KubeObject): void {
  ns.spec = deepCopy(objectAt(old, 'spec') ?? {});
}

export const namespaces: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  subresources: ['status'],
  strategy: {
    applyDefaults,
    prepareForCreate,
    prepareForUpdate,
    selectableFields: {
      'status.phase': (ns) => stringAt(objectAt(ns, 'status'), 'phase'),
    },
    table: {
      columns: [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
      row: (ns, now) => [ns.metadata.name, stringAt(objectAt(ns, 'status'), 'phase'), ageSince(ns.metadata.creationTimestamp, now)],
    },
  },
};
