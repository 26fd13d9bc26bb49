// apiVersion + kind → the resource URL that serves it, as kubectl's REST
// mapper answers from discovery. For the embedded cluster the API server's
// catalog is that discovery, read without an HTTP round trip.

import type { ResourceType } from '../../../preload/api.ts';
import type { ResourceCatalog } from '../../apiserver/resourceCatalog.ts';

export interface KindInfo {
  resource: ResourceType;
  kind: string;
  namespaced: boolean;
}

export interface KindResolver {
  resolve(apiVersion: string, kind: string): KindInfo | undefined;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function catalogKindResolver(catalog: ResourceCatalog): KindResolver {
  return {
    resolve(apiVersion, kind) {
      const { group, version } = splitApiVersion(apiVersion);
      const def = catalog.registryForKind(group, version, kind)?.def;
      return def && { resource: { group: def.group, version: def.version, plural: def.plural }, kind: def.kind, namespaced: def.namespaced };
    },
  };
}
