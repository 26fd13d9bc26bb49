// The served versions of one CustomResourceDefinition as resource definitions
// the generic registry serves like any built-in kind: names from the CRD's
// accepted names, scope, status and scale subresources, one storage in the
// storage version (conversion None: only apiVersion changes between versions;
// Webhook: the CRD's conversion webhook converts on the way in and out).
// The schema (validation, pruning, defaulting, CEL), printer columns, field
// selectors and OpenAPI models come from the version's part of the CRD.

import { StatusError } from '../errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition, ResourceStrategy, Subresource } from '../registry/resourceDefinition.ts';
import { nameIsDNSSubdomain } from '../validation/nameValidators.ts';
import type { ObjectConverter } from './conversionWebhook.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from './types.ts';

/** What the schema side gives a custom resource version (validation, pruning, defaulting, printing, OpenAPI). */
export type VersionBehaviour = (crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion) => Partial<ResourceStrategy> & Pick<ResourceDefinition, 'openapiDefinitions'>;

export interface CustomResourceKindOptions {
  /** Whether the CRD is being deleted: creates are refused, as apiextensions refuses them. */
  terminating: boolean;
  behaviour?: VersionBehaviour;
  /** The CRD's conversion webhook, when its strategy is Webhook. */
  converter?: ObjectConverter;
}

export function storageVersionOf(crd: CustomResourceDefinition): string {
  return crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0]?.name ?? '';
}

function terminatingError(): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'create not allowed while custom resource definition is terminating', reason: 'MethodNotAllowed', code: 405 });
}

/** One ResourceDefinition per served version of an Established CRD. */
export function customResourceKinds(crd: CustomResourceDefinition, options: CustomResourceKindOptions): ResourceDefinition[] {
  const { group, scope } = crd.spec;
  const names = crd.status?.acceptedNames ?? crd.spec.names;
  const storageApiVersion = `${group}/${storageVersionOf(crd)}`;
  const sameObject = (obj: KubeObject) => obj;
  return crd.spec.versions
    .filter((version) => version.served)
    .map((version) => {
      const subresources: Subresource[] = [];
      if (version.subresources?.status) subresources.push('status');
      const scale = version.subresources?.scale;
      if (scale) subresources.push('scale');
      const behaviour = options.behaviour?.(crd, version) ?? {};
      const { openapiDefinitions, ...strategyParts } = behaviour;
      const hasStatus = subresources.includes('status');
      const strategy: ResourceStrategy = {
        ...strategyParts,
        prepareForCreate: (obj) => {
          if (options.terminating) throw terminatingError();
          // With a status subresource, status is written only through it (customResourceStrategy.PrepareForCreate).
          if (hasStatus) delete obj.status;
          // Custom resources count generations from 1; the registry bumps it for any change outside metadata and status.
          obj.metadata.generation = 1;
        },
      };
      const def: ResourceDefinition = {
        group,
        version: version.name,
        kind: names.kind,
        plural: names.plural,
        singular: names.singular || names.kind.toLowerCase(),
        ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
        ...(names.categories?.length ? { categories: names.categories } : {}),
        namespaced: scope === 'Namespaced',
        subresources,
        ...(scale ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } } : {}),
        storage: { group, plural: names.plural, apiVersion: storageApiVersion, toStorage: sameObject, fromStorage: sameObject, ...(options.converter ? { convert: options.converter } : {}) },
        ...(openapiDefinitions ? { openapiDefinitions } : {}),
        customResource: true,
        // As kube-apiserver's CRD handler: the version's own warning, or "<group>/<version> <Kind> is deprecated"; "" says nothing.
        ...(version.deprecated ? { deprecationWarning: version.deprecationWarning ?? `${group}/${version.name} ${names.kind} is deprecated` } : {}),
        strategy,
        nameValidator: nameIsDNSSubdomain,
      };
      return def;
    });
}
