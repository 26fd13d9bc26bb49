// What a client learns from an API server's discovery: the groups, their
// versions and the resources each serves, as aggregated discovery
// (apidiscovery.k8s.io/v2, GET /api and /apis) answers it. kubectl builds its
// REST mapping and `kubectl api-resources` from the same documents.

export interface DiscoveredKind {
  group: string;
  version: string;
  kind: string;
}

export interface ApiResourceDiscovery {
  /** The plural: `deployments`. */
  resource: string;
  responseKind: DiscoveredKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource?: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: Array<{ subresource: string; responseKind?: DiscoveredKind; verbs: string[] }>;
}

export interface ApiVersionDiscovery {
  version: string;
  resources: ApiResourceDiscovery[];
  freshness?: 'Current' | 'Stale';
}

/** One group (the core group has no name), its versions in preference order. */
export interface ApiGroupDiscovery {
  metadata: { name?: string };
  versions: ApiVersionDiscovery[];
}

export interface DiscoveryClient {
  /** The core group, then every named group in the server's order (aggregated discovery of /api then /apis). */
  groups(): Promise<ApiGroupDiscovery[]>;
}
