// CustomResourceDefinitions (apiextensions.k8s.io/v1): the kind that adds
// kinds. Served like any cluster-scoped object, with apiextensions'
// strategy: v1 defaults (singular, listKind, conversion None, webhook port
// 443, storedVersions), status reset on create and kept on update, the
// storage version recorded in status.storedVersions, validation.go's checks.
// crd/customResourceServing.ts accepts their names, serves their versions and
// finalizes their deletion.

import { ruleCompileErrors } from '../crd/celValidation.ts';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionStatusUpdate, validateCustomResourceDefinitionUpdate, type SchemaChecks } from '../crd/crdValidation.ts';
import { beginCrdDeletion } from '../crd/customResourceServing.ts';
import type { JSONSchemaProps } from '../crd/schemaValidation.ts';
import type { CustomResourceDefinition } from '../crd/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid } from '../validation/fieldErrors.ts';
import { createdAtTable } from './shared/columns.ts';

/** SetDefaults_CustomResourceDefinition (with its spec's and the webhook service's defaults). */
export function defaultCustomResourceDefinition(obj: KubeObject): void {
  const crd = obj as CustomResourceDefinition;
  const spec = crd.spec;
  if (!spec || typeof spec !== 'object') return;
  if (spec.names && typeof spec.names === 'object') {
    if (!spec.names.singular) spec.names.singular = (spec.names.kind ?? '').toLowerCase();
    if (!spec.names.listKind && spec.names.kind) spec.names.listKind = `${spec.names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
  const service = spec.conversion.webhook?.clientConfig?.service;
  if (service && service.port === undefined) service.port = 443;
  if (!crd.status?.storedVersions?.length) {
    const storage = (spec.versions ?? []).find((v) => v.storage);
    if (storage) crd.status = { ...(crd.status ?? {}), storedVersions: [storage.name] };
  }
}

/** The storage version joins status.storedVersions (PrepareForCreate/Update): objects may now be stored in it. */
function recordStorageVersion(crd: CustomResourceDefinition): void {
  const storage = (crd.spec?.versions ?? []).find((v) => v.storage);
  const stored = crd.status?.storedVersions ?? [];
  if (storage && !stored.includes(storage.name)) crd.status = { ...(crd.status ?? {}), storedVersions: [...stored, storage.name] };
}

/**
 * What is checked inside each openAPIV3Schema until the structural-schema
 * checks are wired in: the root is an object and every CEL rule compiles.
 */
const interimSchemaChecks: SchemaChecks = (schema, path) => [
  ...(schema.type !== 'object' ? [invalid(`${path}.type`, schema.type ?? '', 'must be object at the root')] : []),
  ...ruleCompileErrors(schema as JSONSchemaProps, path),
];

/** The CRD resource with the given checks of each schema (structural rules, defaults, CEL). */
export function customResourceDefinitionsResource(schemaChecks: SchemaChecks = interimSchemaChecks): ResourceDefinition {
  return {
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
      applyDefaults: defaultCustomResourceDefinition,
      prepareForCreate: (obj) => {
        const crd = obj as CustomResourceDefinition;
        crd.status = {};
        crd.metadata.generation = 1;
        recordStorageVersion(crd);
      },
      // The registry has already put the stored status back and counts generations.
      prepareForUpdate: (obj) => recordStorageVersion(obj as CustomResourceDefinition),
      validate: (crd) => validateCustomResourceDefinition(crd as CustomResourceDefinition, { schemaChecks }),
      validateUpdate: (crd, old) => validateCustomResourceDefinitionUpdate(crd as CustomResourceDefinition, old as CustomResourceDefinition, { schemaChecks }),
      validateStatusUpdate: (crd) => validateCustomResourceDefinitionStatusUpdate(crd as CustomResourceDefinition),
      beginDeletion: beginCrdDeletion,
      // rest.NewDefaultTableConvertor: NAME and CREATED AT.
      table: createdAtTable,
    },
  };
}

export const customresourcedefinitions: ResourceDefinition = customResourceDefinitionsResource();
