// RBAC's 403 as text, wherever it is quoted: a Status message, a line a
// program logged, an event. Kubernetes words it one way
// (responsewriters.Forbidden): `pods is forbidden: User "x" cannot list
// resource "pods" in API group "" in the namespace "default"`, `nodes is
// forbidden: ... at the cluster scope`, `forbidden: User "x" cannot get path
// "/metrics"`, with the authorizer's reason after a colon when it gave one.
// Read from text, the denials of a cluster whose API server PodLab does not
// run take the same shape as PodLab's own memory of them.

import type { AuthorizationDenial } from '../apiserver/auth/denialLog.ts';

const forbidden =
  /(?:(?<resourceWord>[\w.-]+)(?: "(?<name>[^"]+)")? is forbidden|forbidden): User "(?<user>[^"]+)" cannot (?<verb>[\w-]+) (?:resource "(?<resource>[^"]+)" in API group "(?<group>[^"]*)"(?: in the namespace "(?<namespace>[^"]+)"| at the cluster scope)?|path "(?<path>[^"]+)")(?<reason>: [^\n]*)?/;

/** The request a 403 refused, in the shape of PodLab's own memory of denials (its message from its first word to the end of the line). */
export type ForbiddenRequest = Pick<AuthorizationDenial, 'user' | 'verb' | 'isResourceRequest' | 'group' | 'resource' | 'subresource' | 'namespace' | 'name' | 'path' | 'message'>;

/** The request an RBAC 403's message describes, if this text quotes one. */
export function parseForbidden(text: string): ForbiddenRequest | undefined {
  const match = forbidden.exec(text);
  const g = match?.groups;
  if (!match || !g) return undefined;
  const message = match[0].trimEnd();
  if (g.path !== undefined) return { user: g.user!, verb: g.verb!, isResourceRequest: false, path: g.path, message };
  const [resource, subresource] = g.resource!.split('/');
  return { user: g.user!, verb: g.verb!, isResourceRequest: true, group: g.group ?? '', resource, subresource: subresource ?? '', namespace: g.namespace ?? '', name: g.name ?? '', message };
}

/** A line or event that quoted a 403, with when it was seen. */
export interface ForbiddenSighting {
  text: string;
  /** RFC 3339; absent when the text carries no time (then it counts as seen now). */
  at?: string;
  /** An event's count and first time. */
  count?: number;
  firstAt?: string;
}

/** A leading RFC 3339 time (what `kubectl logs --timestamps` puts first, and what many programs print). */
export function leadingTime(line: string): { at?: string; rest: string } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\s+/.exec(line);
  return match ? { at: match[1], rest: line.slice(match[0].length) } : { rest: line };
}

/** The 403s these lines and events quote for one user, one entry per distinct message with how often and when, newest first. */
export function denialsInText(sightings: ForbiddenSighting[], user: string, now: Date): AuthorizationDenial[] {
  const byMessage = new Map<string, AuthorizationDenial>();
  for (const sighting of sightings) {
    const request = parseForbidden(sighting.text);
    if (!request || request.user !== user) continue;
    const last = sighting.at ?? now.toISOString();
    const first = sighting.firstAt ?? last;
    const { message, ...attributes } = request;
    const known = byMessage.get(message);
    byMessage.set(message, {
      ...attributes,
      message,
      count: (known?.count ?? 0) + (sighting.count ?? 1),
      firstAt: known && Date.parse(known.firstAt) < Date.parse(first) ? known.firstAt : first,
      lastAt: known && Date.parse(known.lastAt) > Date.parse(last) ? known.lastAt : last,
    });
  }
  return [...byMessage.values()].sort((a, b) => Date.parse(b.lastAt) - Date.parse(a.lastAt));
}
