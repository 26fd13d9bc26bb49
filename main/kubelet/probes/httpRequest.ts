// The GET an httpGet probe sends, as pkg/probe/http's request.go builds it:
// scheme (default http), host (default the pod IP), the port resolved
// against the container's ports, the path as written, the probe's headers
// under Go's canonical names, `User-Agent: kube-probe/<major>.<minor>` and
// `Accept: */*` unless the probe sets them (an empty Accept removes it), and
// a Host header only when the probe gives one.

import { kubernetesVersion } from '../../apiserver/discovery.ts';
import type { Container, Probe } from '../types.ts';
import { resolveContainerPort } from './containerPort.ts';
import { joinHostPort } from './goNetErrors.ts';

export type HttpGetAction = NonNullable<Probe['httpGet']>;

export interface ProbeUrl {
  scheme: 'http' | 'https';
  hostname: string;
  port: number;
  /** host[:port] as the URL spells it: what Go sends as Host. */
  authority: string;
  /** Path and query, as on the request line. */
  target: string;
  /** The URL as Go's url.String() prints it in messages. */
  text: string;
}

export interface ProbeRequest {
  url: ProbeUrl;
  /** Canonical header names, in the order given; Host is not among them. */
  headers: Array<[string, string]>;
  /** The probe's own Host header, when it sets one. */
  host?: string;
}

export const PROBE_USER_AGENT = `kube-probe/${kubernetesVersion.major}.${kubernetesVersion.minor}`;

/** textproto.CanonicalMIMEHeaderKey: `x-request-id` is sent as `X-Request-Id`. */
export function canonicalHeaderName(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

export function probeUrl(scheme: 'http' | 'https', hostname: string, port: number, path: string): ProbeUrl {
  const authority = joinHostPort(hostname, port);
  const withoutFragment = path.split('#')[0] ?? '';
  const target = withoutFragment.startsWith('/') ? withoutFragment : `/${withoutFragment}`;
  // url.String() adds the slash a relative path needs after a host, and nothing for an empty one.
  const printed = path === '' || path.startsWith('/') || path.startsWith('?') ? path : `/${path}`;
  return { scheme, hostname, port, authority, target, text: `${scheme}://${authority}${printed}` };
}

export function buildProbeRequest(action: HttpGetAction, container: Container, podIP: string): { request: ProbeRequest } | { error: string } {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return { error: `unsupported protocol scheme ${JSON.stringify(scheme)}` };
  const port = resolveContainerPort(action.port, container);
  if ('error' in port) return { error: port.error };
  const url = probeUrl(scheme, action.host || podIP, port.port, action.path ?? '');

  const headers: Array<[string, string]> = (action.httpHeaders ?? []).map((h) => [canonicalHeaderName(h.name), h.value]);
  const has = (name: string) => headers.some(([n]) => n === name);
  if (!has('User-Agent')) headers.push(['User-Agent', PROBE_USER_AGENT]);
  if (!has('Accept')) headers.push(['Accept', '*/*']);
  else if (headers.find(([n]) => n === 'Accept')![1] === '') removeHeader(headers, 'Accept');
  const host = headers.find(([n]) => n === 'Host')?.[1];
  removeHeader(headers, 'Host');
  const request: ProbeRequest = { url, headers };
  if (host) request.host = host;
  return { request };
}

function removeHeader(headers: Array<[string, string]>, name: string): void {
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]![0] === name) headers.splice(i, 1);
}

/** Where a redirect's Location leads from `from`; undefined when it is not a usable http(s) URL. */
export function redirectUrl(from: ProbeUrl, location: string): ProbeUrl | undefined {
  let next: URL;
  try {
    next = new URL(location, `${from.scheme}://${from.authority}${from.target}`);
  } catch {
    return undefined;
  }
  const scheme = next.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const hostname = next.hostname.replace(/^\[|\]$/g, '');
  const port = next.port ? Number(next.port) : scheme === 'https' ? 443 : 80;
  const target = `${next.pathname}${next.search}`;
  return { scheme, hostname, port, authority: next.host, target, text: `${scheme}://${next.host}${target}` };
}
