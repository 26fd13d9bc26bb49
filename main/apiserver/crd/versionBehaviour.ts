// What a custom resource version gets from its part of the CRD: its table
// (additionalPrinterColumns), its field selectors (selectableFields) and its
// OpenAPI models.

import type { VersionBehaviour } from './customResourceKind.ts';
import { customResourceModels } from './openapiModels.ts';
import { printerColumnsTable, selectableFieldGetters } from './printerColumns.ts';

export const versionBehaviour: VersionBehaviour = (crd, version) => ({
  table: printerColumnsTable(version),
  selectableFields: selectableFieldGetters(version),
  openapiDefinitions: customResourceModels(crd, version),
});
