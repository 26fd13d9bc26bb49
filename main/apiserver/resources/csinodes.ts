// CSINodes (storage.k8s.io/v1, cluster-scoped): the CSI drivers a node's
// kubelet registered, and printCSINode's DRIVERS count.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { duplicate, required } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt, objectsAt, stringAt } from './shared/json.ts';

function validate(node: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objectsAt(objectAt(node, 'spec'), 'drivers').forEach((driver, i) => {
    const name = stringAt(driver, 'name');
    if (!name) errs.push(required(`spec.drivers[${i}].name`));
    else if (seen.has(name)) errs.push(duplicate(`spec.drivers[${i}].name`, name));
    seen.add(name);
    if (!stringAt(driver, 'nodeID')) errs.push(required(`spec.drivers[${i}].nodeID`));
  });
  return errs;
}

export const csinodes: ResourceDefinition = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSINode',
  plural: 'csinodes',
  singular: 'csinode',
  namespaced: false,
  subresources: [],
  strategy: {
    validate,
    validateUpdate: (node) => validate(node),
    table: {
      columns: [nameColumn(), column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn()],
      row: (node, now) => [node.metadata.name, objectsAt(objectAt(node, 'spec'), 'drivers').length, ageSince(node.metadata.creationTimestamp, now)],
    },
  },
};
