// Discovery documents (/api, /apis, /api/v1, /apis/GROUP/VERSION, /version):
// what `kubectl api-resources` lists and how kubectl maps `deploy` to
// apps/v1 deployments. Built once: the set of resources does not change while
// the server runs.

import type { ResourceDefinition, Subresource } from './registry/resourceDefinition.ts';
import type { ResourceCatalog } from './resourceCatalog.ts';

const standardVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface SubresourceShape {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

const subresourceShapes: Record<Subresource, SubresourceShape> = {
  status: { kind: '', verbs: ['get', 'patch', 'update'] },
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
  log: { kind: 'Pod', verbs: ['get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'head', 'options', 'patch', 'put'] },
};

/** The Kubernetes version PodLab's API matches (kubectl warns beyond one minor version of skew). */
export const kubernetesVersion = { major: '1', minor: '32', gitVersion: 'v1.32.0+podlab' };

export function versionInfo(): Record<string, string> {
  return {
    ...kubernetesVersion,
    gitCommit: 'podlab',
    gitTreeState: 'clean',
    buildDate: '2026-11-24T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'podlab',
    platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

function resourceEntries(def: ResourceDefinition): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: def.plural,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs ?? standardVerbs,
  };
  if (def.shortNames?.length) main.shortNames = def.shortNames;
  if (def.categories?.length) main.categories = def.categories;
  const subs = def.subresources.map((sub) => {
    const shape = subresourceShapes[sub];
    const entry: Record<string, unknown> = {
      name: `${def.plural}/${sub}`,
      singularName: '',
      namespaced: def.namespaced,
      kind: shape.kind || def.kind,
      verbs: shape.verbs,
    };
    if (shape.group !== undefined) {
      entry.group = shape.group;
      entry.version = shape.version;
    }
    return entry;
  });
  return [main, ...subs];
}

export class Discovery {
  private readonly documents = new Map<string, string>();

  constructor(catalog: ResourceCatalog, serverAddress: () => string) {
    const gvs = catalog.groupVersions();
    const defs = catalog.definitions();
    this.documents.set('/api', JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: serverAddress() }] }));
    const groups = new Map<string, string[]>();
    for (const gv of gvs) if (gv.group) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
    this.documents.set(
      '/apis',
      JSON.stringify({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => ({
          name,
          versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
          preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        })),
      }),
    );
    for (const [name, versions] of groups) {
      this.documents.set(
        `/apis/${name}`,
        JSON.stringify({
          kind: 'APIGroup',
          apiVersion: 'v1',
          name,
          versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
          preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        }),
      );
    }
    for (const gv of gvs) {
      const groupVersion = gv.group ? `${gv.group}/${gv.version}` : gv.version;
      const resources = defs.filter((d) => d.group === gv.group && d.version === gv.version).flatMap(resourceEntries);
      const path = gv.group ? `/apis/${groupVersion}` : `/api/${gv.version}`;
      this.documents.set(path, JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources }));
    }
    this.documents.set('/version', JSON.stringify(versionInfo(), null, 2));
  }

  /** The JSON document for a discovery path, or undefined. */
  document(path: string): string | undefined {
    return this.documents.get(path.replace(/\/+$/, '') || '/');
  }
}
