// The OpenAPI models of a CRD version, as kube-apiserver's CRD OpenAPI
// builder publishes them: the version's schema as the kind's definition
// (`com.example.stable.v1.CronTab`, the group reversed), with apiVersion,
// kind and metadata (a reference to ObjectMeta) filled in, the group-version-
// kind extension, and the `<Kind>List` model. `kubectl explain crontab.spec`
// and client-side validation read these.

import type { Definitions, Schema } from '../openapi/schema.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from './types.ts';

const metaV1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const apiVersionDescription =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const kindDescription =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const metadataDescription = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** `stable.example.com` + `v1` + `CronTab` → `com.example.stable.v1.CronTab`. */
export function modelName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

export function customResourceModels(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion): Definitions {
  const names = crd.status?.acceptedNames ?? crd.spec.names;
  const { group } = crd.spec;
  const kindName = modelName(group, version.name, names.kind);
  const listKind = names.listKind ?? `${names.kind}List`;
  const schema = structuredClone((version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as Schema);
  const properties = { ...(schema.properties ?? {}) };
  properties.apiVersion = { description: apiVersionDescription, type: 'string' };
  properties.kind = { description: kindDescription, type: 'string' };
  properties.metadata = { allOf: [{ $ref: `#/definitions/${metaV1}.ObjectMeta` }], description: metadataDescription };
  const kindModel: Schema = {
    ...schema,
    type: 'object',
    properties,
    'x-kubernetes-group-version-kind': [{ group, kind: names.kind, version: version.name }],
  };
  const listModel: Schema = {
    description: `${listKind} is a list of ${names.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: apiVersionDescription, type: 'string' },
      items: { description: `List of ${names.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, type: 'array', items: { $ref: `#/definitions/${kindName}` } },
      kind: { description: kindDescription, type: 'string' },
      metadata: { allOf: [{ $ref: `#/definitions/${metaV1}.ListMeta` }], description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
    },
    'x-kubernetes-group-version-kind': [{ group, kind: listKind, version: version.name }],
  };
  return { [kindName]: kindModel, [modelName(group, version.name, listKind)]: listModel };
}
