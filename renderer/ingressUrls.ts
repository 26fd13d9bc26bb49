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

function tlsCovers(patterns: string[], host: string): boolean {
  return patterns.some((p) => p === host || (p.startsWith('*.') && host.slice(host.indexOf('.') + 1) === p.slice(2) && host.indexOf('.') > 0));
}

function backendText(backend: BackendShape | undefined): { text: string; service?: string } {
  const service = backend?.service;
  if (!service?.name) return { text: '(no service)' };
  return { text: `${service.name}:${service.port?.number ?? service.port?.name ?? '?'}`, service: service.name };
}

export function ingressRoutes(ingress: KubeObject): IngressRoute[] {
  const { spec, status } = ingress as IngressShape;
  const address = status?.loadBalancer?.ingress?.[0];
  const [httpPort, httpsPort] = (address?.ports ?? []).map((p) => p.port);
  const tlsHosts = (spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
  const urlFor = (host: string, path: string): string | undefined => {
    if (!address) return undefined;
    const shown = !host ? address.ip ?? address.hostname ?? '127.0.0.1' : host.startsWith('*.') ? `anything${host.slice(1)}` : host;
    const secure = !!host && httpsPort !== undefined && tlsCovers(tlsHosts, shown);
    const port = secure ? httpsPort : httpPort;
    if (port === undefined) return undefined;
    const portPart = (secure && port === 443) || (!secure && port === 80) ? '' : `:${port}`;
    return `${secure ? 'https' : 'http'}://${shown}${portPart}${path.startsWith('/') ? path : `/${path}`}`;
  };
  const routes: IngressRoute[] = [];
  for (const rule of spec?.rules ?? []) {
    for (const entry of rule.http?.paths ?? []) {
      const path = entry.path || '/';
      const backend = backendText(entry.backend);
      routes.push({ host: rule.host ?? '', path, pathType: entry.pathType ?? 'ImplementationSpecific', backend: backend.text, ...(backend.service ? { service: backend.service } : {}), ...(urlFor(rule.host ?? '', path) ? { url: urlFor(rule.host ?? '', path)! } : {}) });
    }
  }
  if (spec?.defaultBackend) {
    const backend = backendText(spec.defaultBackend);
    routes.push({ host: '', path: '(default backend)', pathType: '', backend: backend.text, ...(backend.service ? { service: backend.service } : {}), ...(urlFor('', '/') ? { url: urlFor('', '/')! } : {}) });
  }
  return routes;
}
