// Discovery documents (/api, /apis, /api/v1, /apis/GROUP/VERSION, /version):
// what `kubectl api-resources` lists and how kubectl maps `deploy` to
// apps/v1 deployments, in the legacy documents and in the aggregated
// discovery (apidiscovery.k8s.io/v2) that kubectl 1.32 asks for first.

import { compareGroups } from './groupPriorities.ts';
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
  ephemeralcontainers: { kind: '', verbs: ['get', 'patch', 'update'] },
  approval: { kind: '', verbs: ['get', 'patch', 'update'] },
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
  log: { kind: 'Pod', verbs: ['get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  // Its kind is the resource's own: PodProxyOptions, ServiceProxyOptions.
  proxy: { kind: 'ProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
};

/** A subresource's kind: its own, the resource's (status), or for proxy the resource's options (PodProxyOptions). */
function subresourceKind(sub: Subresource, def: ResourceDefinition): string {
  const { kind } = subresourceShapes[sub];
  if (sub === 'proxy') return `${def.kind}${kind}`;
  return kind || def.kind;
}

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
      kind: subresourceKind(sub, def),
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

/**
 * Kubernetes' version priority (version.CompareKubeAwareVersionStrings): GA
 * before beta before alpha, higher numbers first, then other names
 * alphabetically. The first is a group's preferred version.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return { major: Number(m[1]), stability: m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, minor: Number(m[3] ?? 0) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa && !pb) return -1;
  if (!pa && pb) return 1;
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.stability !== pb.stability) return pb.stability - pa.stability;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}

/** The media type of aggregated discovery (apidiscovery.k8s.io), which kubectl 1.30+ asks for first. */
export const aggregatedDiscoveryVersions = ['v2', 'v2beta1'] as const;
export type AggregatedDiscoveryVersion = (typeof aggregatedDiscoveryVersions)[number];

export function aggregatedDiscoveryContentType(version: AggregatedDiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** Which aggregated discovery version the Accept header asks for first, if any (else the legacy documents). */
export function aggregatedDiscoveryRequested(accept: string | undefined): AggregatedDiscoveryVersion | undefined {
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map((p) => p.trim());
    if (type !== 'application/json' && type !== '*/*') continue;
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((x) => x.trim()) as [string, string]));
    if (p.g === 'apidiscovery.k8s.io' && p.as === 'APIGroupDiscoveryList' && aggregatedDiscoveryVersions.includes(p.v as AggregatedDiscoveryVersion)) {
      return p.v as AggregatedDiscoveryVersion;
    }
    // A plain JSON (or any) type listed first wins over later aggregated ones.
    if (!p.g) return undefined;
  }
  return undefined;
}

interface GroupEntry {
  name: string;
  versions: string[];
}

function aggregatedResource(def: ResourceDefinition): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    resource: def.plural,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs ?? standardVerbs,
  };
  if (def.shortNames?.length) entry.shortNames = def.shortNames;
  if (def.categories?.length) entry.categories = def.categories;
  if (def.subresources.length) {
    entry.subresources = def.subresources.map((sub) => {
      const shape = subresourceShapes[sub];
      return {
        subresource: sub,
        responseKind: { group: shape.group ?? (shape.kind ? '' : def.group), version: shape.version ?? (shape.kind ? 'v1' : def.version), kind: subresourceKind(sub, def) },
        verbs: shape.verbs,
      };
    });
  }
  return entry;
}

/**
 * Discovery documents, rebuilt from the catalog whenever its generation
 * moves: a kind added at run time (a CRD) shows in `kubectl api-resources`
 * at the next request.
 */
export class Discovery {
  private documents = new Map<string, string>();
  private builtFor = -1;

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly serverAddress: () => string,
  ) {}

  /** The JSON document for a discovery path, or undefined. With `aggregated`, `/api` and `/apis` answer as APIGroupDiscoveryList. */
  document(path: string, aggregated?: AggregatedDiscoveryVersion): string | undefined {
    if (this.builtFor !== this.catalog.generation) this.build();
    const clean = path.replace(/\/+$/, '') || '/';
    if (aggregated && (clean === '/api' || clean === '/apis')) return this.documents.get(`${clean}#${aggregated}`);
    return this.documents.get(clean);
  }

  private build(): void {
    const generation = this.catalog.generation;
    const documents = new Map<string, string>();
    const defs = this.catalog.definitions();
    const groups: GroupEntry[] = [];
    for (const gv of this.catalog.groupVersions()) {
      if (!gv.group) continue;
      const group = groups.find((g) => g.name === gv.group);
      if (group) group.versions.push(gv.version);
      else groups.push({ name: gv.group, versions: [gv.version] });
    }
    for (const group of groups) group.versions.sort(compareKubeAwareVersions);
    groups.sort((a, b) => compareGroups({ name: a.name, version: a.versions[0] }, { name: b.name, version: b.versions[0] }));
    const groupDocument = ({ name, versions }: GroupEntry) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    });
    documents.set('/api', JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.serverAddress() }] }));
    documents.set('/apis', JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupDocument) }));
    for (const group of groups) documents.set(`/apis/${group.name}`, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) }));
    for (const gv of this.catalog.groupVersions()) {
      const groupVersion = gv.group ? `${gv.group}/${gv.version}` : gv.version;
      const resources = defs.filter((d) => d.group === gv.group && d.version === gv.version).flatMap(resourceEntries);
      const path = gv.group ? `/apis/${groupVersion}` : `/api/${gv.version}`;
      documents.set(path, JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources }));
    }
    const versionsOf = (group: string, versions: string[]) =>
      versions.map((version) => ({ version, resources: defs.filter((d) => d.group === group && d.version === version).map(aggregatedResource), freshness: 'Current' }));
    for (const v of aggregatedDiscoveryVersions) {
      const list = (items: unknown[]) => JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items });
      documents.set(`/api#${v}`, list([{ metadata: { creationTimestamp: null }, versions: versionsOf('', ['v1']) }]));
      documents.set(`/apis#${v}`, list(groups.map((g) => ({ metadata: { name: g.name, creationTimestamp: null }, versions: versionsOf(g.name, g.versions) }))));
    }
    documents.set('/version', JSON.stringify(versionInfo(), null, 2));
    this.documents = documents;
    this.builtFor = generation;
  }
}
