// What a custom resource version gets from its part of the CRD: defaulting,
// validation (the structural schema, then its CEL rules), its table
// (additionalPrinterColumns), its field selectors (selectableFields) and its
// OpenAPI models (which also decide what fields are unknown, to prune or refuse).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { validateRules } from './celValidation.ts';
import type { VersionBehaviour } from './customResourceKind.ts';
import { customResourceModels } from './openapiModels.ts';
import { printerColumnsTable, selectableFieldGetters } from './printerColumns.ts';
import { applySchemaDefaults } from './schemaDefaults.ts';
import { validateAgainstSchema, type JSONSchemaProps } from './schemaValidation.ts';

const rulesNotChecked: FieldError = {
  type: 'FieldValueInvalid',
  field: '<nil>',
  value: null,
  detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

export const versionBehaviour: VersionBehaviour = (crd, version) => {
  const schema = version.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
  const validate = (obj: KubeObject, old?: KubeObject): FieldError[] => {
    if (!schema) return [];
    const errs = validateAgainstSchema(obj, schema);
    // CEL rules see typed values only: a wrong type or a missing required field keeps them from running (hasBlockingErr).
    if (errs.some((e) => e.type === 'FieldValueTypeInvalid' || e.type === 'FieldValueRequired')) return [...errs, rulesNotChecked];
    return [...errs, ...validateRules(obj, old, schema)];
  };
  return {
    ...(schema ? { applyDefaults: (obj: KubeObject) => applySchemaDefaults(obj, schema) } : {}),
    validate: (obj) => validate(obj),
    validateUpdate: (obj, old) => validate(obj, old),
    validateStatusUpdate: (obj, old) => validate(obj, old),
    table: printerColumnsTable(version),
    selectableFields: selectableFieldGetters(version),
    openapiDefinitions: customResourceModels(crd, version),
  };
};
