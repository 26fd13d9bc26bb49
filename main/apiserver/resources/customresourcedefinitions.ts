// CustomResourceDefinitions (apiextensions.k8s.io/v1): the kind that adds
// kinds. Served here like any object; crd/customResourceServing.ts accepts
// their names, serves their versions and finalizes their deletion.

import { beginCrdDeletion } from '../crd/customResourceServing.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from '../crd/crdValidation.ts';
import type { CustomResourceDefinition } from '../crd/types.ts';
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
    applyDefaults: (crd) => {
      // SetDefaults_CustomResourceDefinitionSpec: conversion None, listKind and singular from the kind.
      const spec = (crd as CustomResourceDefinition).spec;
      if (!spec || typeof spec !== 'object') return;
      spec.conversion ??= { strategy: 'None' };
      if (spec.names?.kind) {
        spec.names.listKind ??= `${spec.names.kind}List`;
        spec.names.singular ??= spec.names.kind.toLowerCase();
      }
    },
    validate: (crd) => validateCustomResourceDefinition(crd as CustomResourceDefinition),
    validateUpdate: (crd, old) => validateCustomResourceDefinitionUpdate(crd as CustomResourceDefinition, old as CustomResourceDefinition),
    beginDeletion: beginCrdDeletion,
    table: createdAtTable,
  },
};
