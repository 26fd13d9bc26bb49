// The proxy the environment names for a server, as kubectl picks it when the
// kubeconfig's cluster has no proxy-url: Go's http.ProxyFromEnvironment
// (golang.org/x/net/http/httpproxy). HTTPS_PROXY (or https_proxy) for https
// servers, HTTP_PROXY for http ones; NO_PROXY lists what goes direct. A proxy
// written without a scheme ("proxy.corp:3128") is an http one. localhost and
// loopback addresses never go through a proxy, whatever NO_PROXY says.

import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export type Environment = Record<string, string | undefined>;

/** The first of the variables set to something (Go's getEnvAny: upper case first), with its name. */
function firstSet(env: Environment, ...names: string[]): { variable: string; value: string } | undefined {
  for (const variable of names) {
    const value = env[variable];
    if (value) return { variable, value };
  }
  return undefined;
}

/**
 * The proxy as a URL: one without a scheme ("proxy.corp:3128") is an http
 * proxy's host and port, as Go reads it. One with a scheme is kept as written,
 * so parseProxyUrl refuses an unsupported or malformed one by name (Go would
 * try it with http:// in front and then fail to connect).
 */
function proxyUrlOf(value: string): string {
  return value.includes('://') ? value : `http://${value}`;
}

type Family = 'ipv4' | 'ipv6';

function familyOf(host: string): Family | undefined {
  const kind = isIP(host);
  return kind === 4 ? 'ipv4' : kind === 6 ? 'ipv6' : undefined;
}

/** 127.0.0.0/8 and ::1 (BlockList also matches their IPv4-mapped IPv6 forms, as Go's IsLoopback does). */
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

interface Matcher {
  matches(host: string, port: string, family: Family | undefined): boolean;
}

/** An IP or CIDR entry (with an optional port for an IP): matched as addresses, so ::1 and 0:0::1 are one. */
function addressMatcher(addresses: BlockList, port = ''): Matcher {
  return { matches: (host, p, family) => !!family && addresses.check(host, family) && (!port || port === p) };
}

function cidrMatcher(entry: string): Matcher | undefined {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = familyOf(address);
  if (!family || rest.length > 0 || !bits || !/^\d+$/.test(bits) || Number(bits) > (family === 'ipv4' ? 32 : 128)) return undefined;
  const addresses = new BlockList();
  addresses.addSubnet(address, Number(bits), family);
  return addressMatcher(addresses);
}

/** host:port, [v6]:port, or just the host (Go's net.SplitHostPort, else the whole entry). */
function splitHostPort(entry: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\]:(\d*)$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2]! };
  const colon = entry.lastIndexOf(':');
  if (colon >= 0 && entry.indexOf(':') === colon) return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
  return { host: entry, port: '' };
}

/** NO_PROXY's entries as matchers: `*`, CIDRs, IPs (with an optional port), and domains (a domain matches its subdomains). */
function noProxyMatchers(noProxy: string): Matcher[] | 'all' {
  const matchers: Matcher[] = [];
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return 'all';
    const cidr = cidrMatcher(entry);
    if (cidr) {
      matchers.push(cidr);
      continue;
    }
    const { host, port } = splitHostPort(entry);
    if (!host) continue;
    const family = familyOf(host);
    if (family) {
      const addresses = new BlockList();
      addresses.addAddress(host, family);
      matchers.push(addressMatcher(addresses, port));
      continue;
    }
    let suffix = host.startsWith('*.') ? host.slice(1) : host;
    const alsoExact = !suffix.startsWith('.');
    if (alsoExact) suffix = `.${suffix}`;
    const ascii = domainToASCII(suffix.slice(1));
    if (ascii) suffix = `.${ascii}`;
    matchers.push({ matches: (h, p) => (h.endsWith(suffix) || (alsoExact && h === suffix.slice(1))) && (!port || port === p) });
  }
  return matchers;
}

export interface EnvironmentProxy {
  url: string;
  /** The variable it came from (HTTPS_PROXY, https_proxy...), for messages. */
  variable: string;
}

/**
 * The proxy for requests to `server` that the environment asks for, or
 * undefined to go direct (no proxy set for the scheme, a loopback server, or
 * a NO_PROXY match).
 */
export function proxyFromEnvironment(server: string, env: Environment = process.env): EnvironmentProxy | undefined {
  const url = new URL(server);
  const https = url.protocol === 'https:';
  // Go ignores HTTP_PROXY under CGI (REQUEST_METHOD set): a request's Proxy header could set it ("httpoxy").
  const proxy = https ? firstSet(env, 'HTTPS_PROXY', 'https_proxy') : firstSet(env, 'REQUEST_METHOD') ? undefined : firstSet(env, 'HTTP_PROXY', 'http_proxy');
  if (!proxy) return undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = url.port || (https ? '443' : '80');
  if (host === 'localhost') return undefined;
  const family = familyOf(host);
  if (family && loopback.check(host, family)) return undefined;
  const matchers = noProxyMatchers(firstSet(env, 'NO_PROXY', 'no_proxy')?.value ?? '');
  if (matchers === 'all' || matchers.some((m) => m.matches(host, port, family))) return undefined;
  return { url: proxyUrlOf(proxy.value), variable: proxy.variable };
}
