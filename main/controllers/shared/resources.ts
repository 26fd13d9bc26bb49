// The API resources the controllers use, and the way from an ownerReference's
// apiVersion and kind back to the resource that serves it (the REST mapping
// the garbage collector needs to look an owner up).

import type { ResourceRef } from '../../apiserver/client/types.ts';
import type { ControllerKind } from './controllerRef.ts';
import type { ResourceDefinition } from '../../apiserver/registry/resourceDefinition.ts';
import { allResources } from '../../apiserver/resources/index.ts';

export const podsResource: ResourceRef = { group: '', version: 'v1', plural: 'pods' };
export const servicesResource: ResourceRef = { group: '', version: 'v1', plural: 'services' };
export const endpointsResource: ResourceRef = { group: '', version: 'v1', plural: 'endpoints' };
export const nodesResource: ResourceRef = { group: '', version: 'v1', plural: 'nodes' };
export const namespacesResource: ResourceRef = { group: '', version: 'v1', plural: 'namespaces' };
export const serviceAccountsResource: ResourceRef = { group: '', version: 'v1', plural: 'serviceaccounts' };
export const endpointSlicesResource: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' };
export const replicaSetsResource: ResourceRef = { group: 'apps', version: 'v1', plural: 'replicasets' };
export const deploymentsResource: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments' };
export const statefulSetsResource: ResourceRef = { group: 'apps', version: 'v1', plural: 'statefulsets' };
export const configMapsResource: ResourceRef = { group: '', version: 'v1', plural: 'configmaps' };
export const clusterRolesResource: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles' };

export const replicaSetKind: ControllerKind = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
export const deploymentKind: ControllerKind = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const statefulSetKind: ControllerKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
export const serviceKind: ControllerKind = { apiVersion: 'v1', kind: 'Service' };

export interface KindInfo {
  ref: ResourceRef;
  kind: string;
  namespaced: boolean;
}

function apiVersionOf(def: ResourceDefinition): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

function supports(def: ResourceDefinition, verb: string): boolean {
  return !def.verbs || def.verbs.includes(verb);
}

/** Every served kind that can be listed, watched and deleted: what namespace deletion empties and what the garbage collector may have to collect. */
export const deletableKinds: KindInfo[] = allResources
  .filter((def) => ['list', 'watch', 'delete'].every((verb) => supports(def, verb)))
  .map((def) => ({ ref: { group: def.group, version: def.version, plural: def.plural }, kind: def.kind, namespaced: def.namespaced }));

const byApiVersionKind = new Map(allResources.map((def) => [`${apiVersionOf(def)}/${def.kind}`, def]));

/** The resource behind `apiVersion` + `kind`, or undefined when PodLab does not serve it. */
export function kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
  const def = byApiVersionKind.get(`${apiVersion}/${kind}`);
  return def && { ref: { group: def.group, version: def.version, plural: def.plural }, kind: def.kind, namespaced: def.namespaced };
}

export function refKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.version}/${ref.plural}`;
}
