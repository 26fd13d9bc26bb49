// What an Ingress offers on this machine, rule by rule: each host and path
// with the URL that reaches it through PodLab's ingress controller (the
// ports it reports in the Ingress status: HTTP, and HTTPS for TLS hosts),
// and the backend Service and port it goes to. Wildcard hosts get an example
// name (`*.localhost` → `anything.localhost`); a rule without a host is
// reached as 127.0.0.1. No address yet: no URL, the rule still listed.

import type { KubeObject } from '../preload/api.ts';

interface BackendShape {
  service?: { name?: string; port?: { number?: number; name?: string } };
}

interface IngressShape {
  spec?: {
    ingressClassName?: string;
    defaultBackend?: BackendShape;
    tls?: Array<{ hosts?: string[]; secretName?: string }>;
    rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string; pathType?: string; backend?: BackendShape }> } }>;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string; ports?: Array<{ port: number }> }> } };
}

export interface IngressRoute {
  host: string;
  path: string;
  pathType: string;
  /** `svc:port` */
  backend: string;
  service?: string;
  url?: string;
}

export interface IngressAddress {
  /** `127.0.0.1`, as kubectl's ADDRESS column. */
  address: string;
  /** As kubectl's PORTS column: HTTP, then HTTPS when the Ingress has TLS. */
  ports: number[];
}

/** Where the controller serves the Ingress, from its status; none until a controller has taken it. */
export function ingressAddress(ingress: KubeObject): IngressAddress | undefined {
  const first = (ingress as IngressShape).status?.loadBalancer?.ingress?.[0];
  if (!first) return undefined;
  return { address: first.ip ?? first.hostname ?? '', ports: (first.ports ?? []).map((p) => p.port) };
}

// Same rule as the controller's tlsHostMatches (names are case-insensitive;
// `*.example.com` covers exactly one more label), so https shows exactly
// where the controller answers with TLS.
function tlsCovers(patterns: string[], host: string): boolean {
  const name = host.toLowerCase();
  const dot = name.indexOf('.');
  return patterns.some((raw) => {
    const p = raw.toLowerCase();
    return p.startsWith('*.') ? dot > 0 && name.slice(dot + 1) === p.slice(2) : p === name;
  });
}

function backendText(backend: BackendShape | undefined): { text: string; service?: string } {
  const service = backend?.service;
  if (!service?.name) return { text: '(no service)' };
  return { text: `${service.name}:${service.port?.number ?? service.port?.name ?? '?'}`, service: service.name };
}

export function ingressRoutes(ingress: KubeObject): IngressRoute[] {
  const { spec } = ingress as IngressShape;
  const address = ingressAddress(ingress);
  // The controller reports HTTP first and HTTPS second (only with spec.tls).
  const [httpPort, httpsPort] = address?.ports ?? [];
  const tlsHosts = (spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
  const urlFor = (host: string, path: string): string | undefined => {
    if (!address) return undefined;
    const shown = !host ? address.address || '127.0.0.1' : host.startsWith('*.') ? `anything${host.slice(1)}` : host;
    const secure = !!host && httpsPort !== undefined && tlsCovers(tlsHosts, shown);
    const port = secure ? httpsPort : httpPort;
    if (port === undefined) return undefined;
    const portPart = (secure && port === 443) || (!secure && port === 80) ? '' : `:${port}`;
    return `${secure ? 'https' : 'http'}://${shown}${portPart}${path.startsWith('/') ? path : `/${path}`}`;
  };
  const route = (host: string, path: string, pathType: string, urlPath: string, shape: BackendShape | undefined): IngressRoute => {
    const backend = backendText(shape);
    const url = urlFor(host, urlPath);
    return { host, path, pathType, backend: backend.text, ...(backend.service ? { service: backend.service } : {}), ...(url ? { url } : {}) };
  };
  const routes: IngressRoute[] = [];
  for (const rule of spec?.rules ?? []) {
    for (const entry of rule.http?.paths ?? []) {
      const path = entry.path || '/';
      routes.push(route(rule.host ?? '', path, entry.pathType ?? 'ImplementationSpecific', path, entry.backend));
    }
  }
  if (spec?.defaultBackend) routes.push(route('', '(default backend)', '', '/', spec.defaultBackend));
  return routes;
}
