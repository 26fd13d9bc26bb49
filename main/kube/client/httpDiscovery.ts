// Discovery over HTTPS as kubectl 1.30+ asks for it: aggregated discovery
// (apidiscovery.k8s.io/v2) of /api and /apis in two requests. A server that
// answers the legacy documents instead (older than 1.26, or with aggregated
// discovery turned off) is read the old way: APIVersions/APIGroupList, then
// one APIResourceList per group version, turned into the same shape.

import type { EndpointSource } from './apiEndpoint.ts';
import type { ApiGroupDiscovery, ApiResourceDiscovery, DiscoveryClient } from './discovery.ts';
import { requestJson } from './httpTransport.ts';

const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface LegacyResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

type Answer = { kind?: string; items?: ApiGroupDiscovery[]; versions?: string[]; groups?: Array<{ name: string; versions: Array<{ version: string }>; preferredVersion?: { version: string } }> };

/** An APIResourceList as aggregated discovery lists it: subresources (`pods/log`) under their resource. */
export function fromResourceList(group: string, version: string, resources: LegacyResource[]): ApiResourceDiscovery[] {
  const top = resources.filter((r) => !r.name.includes('/'));
  return top.map((r) => ({
    resource: r.name,
    responseKind: { group: r.group ?? group, version: r.version ?? version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    ...(r.singularName ? { singularResource: r.singularName } : {}),
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    subresources: resources
      .filter((s) => s.name.startsWith(`${r.name}/`))
      .map((s) => ({ subresource: s.name.slice(r.name.length + 1), responseKind: { group: s.group ?? group, version: s.version ?? version, kind: s.kind }, verbs: s.verbs })),
  }));
}

async function legacyVersion(source: EndpointSource, group: string, version: string): Promise<ApiGroupDiscovery['versions'][number]> {
  const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const list = await requestJson<{ resources: LegacyResource[] }>(source, { method: 'GET', path });
  return { version, resources: fromResourceList(group, version, list.resources ?? []) };
}

async function legacyGroups(source: EndpointSource, core: Answer, named: Answer): Promise<ApiGroupDiscovery[]> {
  const coreGroup: ApiGroupDiscovery = { metadata: {}, versions: await Promise.all((core.versions ?? []).map((v) => legacyVersion(source, '', v))) };
  const groups = await Promise.all(
    (named.groups ?? []).map(async (g) => {
      const preferred = g.preferredVersion?.version;
      const ordered = [...g.versions].sort((a, b) => Number(b.version === preferred) - Number(a.version === preferred));
      return { metadata: { name: g.name }, versions: await Promise.all(ordered.map((v) => legacyVersion(source, g.name, v.version))) };
    }),
  );
  return [coreGroup, ...groups];
}

export function httpDiscoveryClient(source: EndpointSource): DiscoveryClient {
  return {
    async groups() {
      const [core, named] = await Promise.all(['/api', '/apis'].map((path) => requestJson<Answer>(source, { method: 'GET', path, accept: aggregatedAccept })));
      if (core!.kind === 'APIGroupDiscoveryList' && named!.kind === 'APIGroupDiscoveryList') return [...(core!.items ?? []), ...(named!.items ?? [])];
      return legacyGroups(source, core!, named!);
    },
  };
}
