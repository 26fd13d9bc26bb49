// Which backend an HTTP request reaches through the Ingresses of one class,
// as the Ingress spec defines matching: a precise host beats a wildcard
// (`*.example.com` matches exactly one more label), which beats a rule with
// no host; then an Exact path beats any Prefix, and the longest Prefix wins,
// matched element by element (`/foo` matches `/foo/bar`, not `/foobar`).
// ImplementationSpecific paths match as Prefix here. Nothing matching: the
// oldest Ingress's defaultBackend, if any.

import type { KubeObject } from '../../kube/meta.ts';

export interface BackendRef {
  namespace: string;
  ingress: string;
  service: string;
  /** The Service port, by number or by name. */
  port: number | string;
}

interface PathRoute {
  pathType: 'Exact' | 'Prefix';
  path: string;
  backend: BackendRef;
  /** Older Ingresses win ties, so the oldest keeps a path another one repeats. */
  created: string;
}

interface IngressSpecShape {
  ingressClassName?: string;
  defaultBackend?: BackendShape;
  rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string; pathType?: string; backend?: BackendShape }> } }>;
  tls?: Array<{ hosts?: string[]; secretName?: string }>;
}

interface BackendShape {
  service?: { name?: string; port?: { number?: number; name?: string } };
}

export function backendOf(ingress: KubeObject, backend: BackendShape | undefined): BackendRef | undefined {
  const service = backend?.service;
  if (!service?.name) return undefined;
  const port = service.port?.number ?? service.port?.name;
  if (port === undefined) return undefined;
  return { namespace: ingress.metadata.namespace ?? '', ingress: ingress.metadata.name ?? '', service: service.name, port };
}

export function specOf(ingress: KubeObject): IngressSpecShape {
  return ((ingress as { spec?: IngressSpecShape }).spec ?? {}) as IngressSpecShape;
}

/** A path's elements: `/foo//bar/` → ['foo', 'bar']. */
function elements(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function prefixMatches(prefix: string, path: string): boolean {
  const want = elements(prefix);
  const have = elements(path);
  return want.length <= have.length && want.every((e, i) => e === have[i]);
}

export class RouteTable {
  private readonly exactHosts = new Map<string, PathRoute[]>();
  private readonly wildcardHosts = new Map<string, PathRoute[]>();
  private readonly anyHost: PathRoute[] = [];
  private readonly fallback: BackendRef | undefined;

  constructor(ingresses: KubeObject[]) {
    const byAge = [...ingresses].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    let fallback: BackendRef | undefined;
    for (const ingress of byAge) {
      const spec = specOf(ingress);
      fallback ??= backendOf(ingress, spec.defaultBackend);
      for (const rule of spec.rules ?? []) {
        const host = (rule.host ?? '').toLowerCase();
        const list = !host ? this.anyHost : host.startsWith('*.') ? listFor(this.wildcardHosts, host.slice(2)) : listFor(this.exactHosts, host);
        for (const entry of rule.http?.paths ?? []) {
          const backend = backendOf(ingress, entry.backend);
          if (!backend) continue;
          list.push({ pathType: entry.pathType === 'Exact' ? 'Exact' : 'Prefix', path: entry.path || '/', backend, created: ingress.metadata.creationTimestamp ?? '' });
        }
      }
    }
    this.fallback = fallback;
  }

  /** The backend for a request to `host` (its port, if any, ignored) and `path` (query string ignored). */
  match(hostHeader: string, rawPath: string): BackendRef | undefined {
    const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
    const path = rawPath.split('?')[0] || '/';
    const dot = host.indexOf('.');
    const candidates = [this.exactHosts.get(host), dot > 0 ? this.wildcardHosts.get(host.slice(dot + 1)) : undefined, this.anyHost];
    for (const routes of candidates) {
      const found = routes && bestPath(routes, path);
      if (found) return found.backend;
    }
    return this.fallback;
  }
}

function listFor(map: Map<string, PathRoute[]>, key: string): PathRoute[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function bestPath(routes: PathRoute[], path: string): PathRoute | undefined {
  const exact = routes.find((r) => r.pathType === 'Exact' && r.path === path);
  if (exact) return exact;
  let best: PathRoute | undefined;
  for (const route of routes) {
    if (route.pathType !== 'Prefix' || !prefixMatches(route.path, path)) continue;
    if (!best || elements(route.path).length > elements(best.path).length) best = route;
  }
  return best;
}
