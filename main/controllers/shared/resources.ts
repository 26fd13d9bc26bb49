// The API resources the controllers use, and the way from an ownerReference's
// apiVersion and kind back to the resource that serves it (the REST mapping
// the garbage collector needs to look an owner up).

import type { ResourceRef } from '../../kube/client/types.ts';
import type { ControllerKind } from './controllerRef.ts';
import type { ResourceDefinition } from '../../apiserver/registry/resourceDefinition.ts';
import { allResources } from '../../apiserver/resources/index.ts';
import { compareKubeAwareVersions } from '../../apiserver/discovery.ts';

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

function infoOf(def: ResourceDefinition): KindInfo {
  return { ref: { group: def.group, version: def.version, plural: def.plural }, kind: def.kind, namespaced: def.namespaced };
}

/**
 * What the API server serves, as kube-controller-manager learns it from
 * discovery: the garbage collector and the namespace controller act on every
 * deletable kind, custom resources included, and follow kinds that come and go.
 */
export interface ServedResources {
  /** Every served kind that can be listed, watched and deleted (GetDeletableResources). */
  deletable(): KindInfo[];
  /** The resource behind `apiVersion` + `kind`, or undefined when it is not served. */
  kindInfo(apiVersion: string, kind: string): KindInfo | undefined;
  /** The resource of a group's kind in its preferred version, whatever version was asked for (RESTMapper.RESTMappings of a GroupKind). */
  groupKindInfo(group: string, kind: string): KindInfo | undefined;
  /** Calls `listener` when the set changes; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** One version of each group-resource, the group's preferred one (ServerPreferredResources): a kind served in v1 and v1beta1 is one set of objects. */
function preferredVersions(defs: ResourceDefinition[]): ResourceDefinition[] {
  const best = new Map<string, ResourceDefinition>();
  for (const def of defs) {
    const key = `${def.group}/${def.plural}`;
    const current = best.get(key);
    if (!current || compareKubeAwareVersions(def.version, current.version) < 0) best.set(key, def);
  }
  return [...best.values()];
}

/** The served resources of a set of definitions that may change (`definitions()` is read at each call). */
export function servedResources(definitions: () => ResourceDefinition[], onChange: (listener: () => void) => () => void = () => () => {}): ServedResources {
  return {
    deletable: () => preferredVersions(definitions().filter((def) => ['list', 'watch', 'delete'].every((verb) => supports(def, verb)))).map(infoOf),
    kindInfo: (apiVersion, kind) => {
      const def = definitions().find((d) => d.kind === kind && apiVersionOf(d) === apiVersion);
      return def && infoOf(def);
    },
    groupKindInfo: (group, kind) => {
      const [def] = preferredVersions(definitions().filter((d) => d.group === group && d.kind === kind));
      return def && infoOf(def);
    },
    onChange,
  };
}

/** The built-in kinds only, for controllers run without an API server's catalog (tests). */
export const builtInResources: ServedResources = servedResources(() => allResources);

export function refKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.version}/${ref.plural}`;
}
