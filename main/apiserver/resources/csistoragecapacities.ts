// CSIStorageCapacities (storage.k8s.io/v1, namespaced): the capacity a CSI
// driver reports for a storage class and topology; printCSIStorageCapacity.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { canonicalQuantity } from '../../kube/quantity.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, required } from '../validation/fieldErrors.ts';
import { isDNS1123Subdomain } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { stringAt } from './shared/json.ts';
import { validatePositiveQuantity } from './shared/storageValidation.ts';

function validate(capacity: KubeObject): FieldError[] {
  const className = stringAt(capacity, 'storageClassName');
  const errs: FieldError[] = [];
  if (!className) errs.push(required('storageClassName'));
  else errs.push(...isDNS1123Subdomain(className).map((msg) => invalid('storageClassName', className, msg)));
  // Zero is a valid capacity: only the format is checked beyond the sign.
  for (const key of ['capacity', 'maximumVolumeSize']) {
    const value = capacity[key];
    if (value !== undefined && value !== null && String(value) !== '0') errs.push(...validatePositiveQuantity(value, key));
  }
  return errs;
}

export const csistoragecapacities: ResourceDefinition = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSIStorageCapacity',
  plural: 'csistoragecapacities',
  singular: 'csistoragecapacity',
  namespaced: true,
  subresources: [],
  strategy: {
    validate,
    validateUpdate: (capacity) => validate(capacity),
    table: {
      columns: [
        nameColumn(),
        column('StorageClassName', 'string', 'The name of the StorageClass that the reported capacity applies to.'),
        column('Capacity', 'string', 'Capacity is the value reported by the CSI driver in its GetCapacityResponse.'),
        ageColumn(),
      ],
      row: (capacity, now) => [
        capacity.metadata.name,
        stringAt(capacity, 'storageClassName'),
        capacity.capacity === undefined ? '<unset>' : canonicalQuantity(String(capacity.capacity)),
        ageSince(capacity.metadata.creationTimestamp, now),
      ],
    },
  },
};
