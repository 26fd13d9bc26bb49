// CustomResourceDefinitions (apiextensions.k8s.io/v1): the kind that adds
// kinds. Served here like any object; crd/customResourceServing.ts accepts
// their names, serves their versions and finalizes their deletion.

import { beginCrdDeletion } from '../crd/customResourceServing.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { createdAtTable } from './shared/columns.ts';

export const customresourcedefinitions: ResourceDefinition = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  subresources: ['status'],
  strategy: {
    prepareForCreate: (crd) => {
      delete crd.status;
      crd.metadata.generation = 1;
    },
    beginDeletion: beginCrdDeletion,
    table: createdAtTable,
  },
};
