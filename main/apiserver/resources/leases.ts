// Leases (coordination.k8s.io/v1): node heartbeats and leader election.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { numberAt, objectAt, stringAt } from './shared/json.ts';

function validate(lease: KubeObject): FieldError[] {
  const spec = objectAt(lease, 'spec');
  const errs: FieldError[] = [];
  const duration = numberAt(spec, 'leaseDurationSeconds');
  if (duration !== undefined && duration <= 0) errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = numberAt(spec, 'leaseTransitions');
  if (transitions !== undefined && transitions < 0) errs.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  return errs;
}

export const leases: ResourceDefinition = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  subresources: [],
  strategy: {
    validate,
    table: {
      columns: [nameColumn(), column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), ageColumn()],
      row: (lease, now) => [lease.metadata.name, stringAt(objectAt(lease, 'spec'), 'holderIdentity'), ageSince(lease.metadata.creationTimestamp, now)],
    },
  },
};
