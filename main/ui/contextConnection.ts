// The UI's connection to a cluster PodLab does not run, from a kubeconfig
// context: every read and write over HTTPS with the context's credentials,
// logs and exec through pods/log and pods/exec, kinds from the server's
// discovery. PodLab-only sources (node actions, journeys, the API server's
// memory of denials and refusals, kubelets' probe memory) are absent, and the
// views fall back to what the API itself says.

import type { ApiGroupDiscovery } from '../kube/client/discovery.ts';
import { HttpKubeClient } from '../kube/client/httpClient.ts';
import { httpDiscoveryClient } from '../kube/client/httpDiscovery.ts';
import { httpTableClient } from '../kube/client/httpTables.ts';
import { isApiError } from '../kube/client/types.ts';
import type { ContextTarget } from '../kube/kubeconfig/contextEndpoint.ts';
import { splitApiVersion, type KindResolver } from './apply/kindResolver.ts';
import { kubePodStreams } from './kubePodStreams.ts';
import type { ClusterConnection } from './uiHost.ts';

/** apiVersion + kind → resource, from one discovery answer (kubectl's REST mapper). */
export function discoveryKindResolver(groups: ApiGroupDiscovery[]): KindResolver {
  return {
    resolve(apiVersion, kind) {
      const { group, version } = splitApiVersion(apiVersion);
      const served = groups.find((g) => (g.metadata.name ?? '') === group)?.versions.find((v) => v.version === version);
      const r = served?.resources.find((res) => res.responseKind.kind === kind);
      return r && { resource: { group, version, plural: r.resource }, kind, namespaced: r.scope === 'Namespaced' };
    },
  };
}

/** Connects (one discovery request, which also proves the server answers and takes the credentials). */
export async function contextConnection(target: ContextTarget): Promise<ClusterConnection> {
  const discovery = httpDiscoveryClient(target.source);
  let groups: ApiGroupDiscovery[] = [];
  try {
    groups = await discovery.groups();
  } catch (err) {
    // A user not allowed discovery can still read what RBAC grants: applying YAML is what goes without it.
    if (!isApiError(err, 'Forbidden')) throw err;
  }
  return {
    client: new HttpKubeClient(target.source),
    discovery,
    tables: httpTableClient(target.source),
    kinds: discoveryKindResolver(groups),
    streams: kubePodStreams(target.source),
  };
}
