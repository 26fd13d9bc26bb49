// ReplicaSets (apps/v1): SetDefaults_ReplicaSet, ValidateReplicaSet and the
// `kubectl get replicasets` columns.

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { formatLabelSelectorObject } from '../validation/labelSelectorObject.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { numberAt, objectAt } from './shared/json.ts';
import {
  defaultWorkload,
  selectorOf,
  templateCells,
  templateColumns,
  validateReplicas,
  validateSelectorAndTemplate,
  validateSelectorUnchanged,
  workloadSpec,
} from './shared/workloads.ts';

// Kubernetes' ReplicaSet validation says "deployment" here too.
const validate = (rs: KubeObject) => [...validateReplicas(workloadSpec(rs)), ...validateSelectorAndTemplate(rs, 'deployment')];

export const replicasets: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'scale'],
  strategy: {
    applyDefaults: defaultWorkload,
    prepareForCreate: (rs) => {
      rs.status = { replicas: 0 };
    },
    validate,
    validateUpdate: (rs, old) => [...validate(rs), ...validateSelectorUnchanged(rs, old)],
    selectableFields: {
      'status.replicas': (rs) => String(numberAt(objectAt(rs, 'status'), 'replicas') ?? 0),
    },
    table: {
      columns: [
        nameColumn(),
        column('Desired', 'integer', 'Replicas is the number of desired pods.'),
        column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
        column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
        ageColumn(),
        ...templateColumns,
        column('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
      ],
      row(rs, now) {
        const status = objectAt(rs, 'status');
        const [containers, images] = templateCells(rs);
        return [
          rs.metadata.name,
          numberAt(objectAt(rs, 'spec'), 'replicas') ?? 0,
          numberAt(status, 'replicas') ?? 0,
          numberAt(status, 'readyReplicas') ?? 0,
          ageSince(rs.metadata.creationTimestamp, now),
          containers,
          images,
          formatLabelSelectorObject(selectorOf(rs)),
        ];
      },
    },
  },
};
