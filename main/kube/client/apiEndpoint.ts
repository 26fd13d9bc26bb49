// Where an API server is and how to prove who we are to it: the server URL,
// the CA to trust (or none: insecure-skip-tls-verify), the name its
// certificate must carry (tls-server-name), the proxy to go through
// (proxy-url), and a bearer token or a client certificate. kubectl's
// rest.Config holds the same. Credentials that expire
// (an exec plugin's) come from an EndpointSource, asked again after a 401.

import type { RequestOptions } from 'node:https';
import { proxyAgent } from './proxy/proxyAgent.ts';

export interface ApiEndpoint {
  url: string;
  /** PEM of the CA(s) to trust; absent: the system's. */
  caCert?: string;
  token?: string;
  /** PEM client certificate and key (X.509 client authentication). */
  clientCert?: string;
  clientKey?: string;
  /** insecure-skip-tls-verify: the server's certificate is not checked. */
  insecureSkipTlsVerify?: boolean;
  /** tls-server-name: the name the server's certificate is checked against (and sent as SNI) instead of the URL's host. */
  tlsServerName?: string;
  /** proxy-url: every connection is tunnelled through this http, https or socks5 proxy. */
  proxyUrl?: string;
  /** Where the proxy was set when not in proxy-url (HTTPS_PROXY), for the messages of its refusals. */
  proxySetting?: string;
}

export interface EndpointSource {
  /** The endpoint with credentials valid now (an exec plugin runs when its cached credential expired). */
  current(): Promise<ApiEndpoint>;
  /** After a 401: forget cached credentials, so the next current() gets fresh ones. */
  invalidate(): void;
}

export function fixedEndpoint(endpoint: ApiEndpoint): EndpointSource {
  return { current: async () => endpoint, invalidate: () => undefined };
}

/**
 * TLS options, the agent that tunnels through the proxy (if any) and the
 * Authorization header for a request to `endpoint`: node:https and ws take
 * the same, so every kind of connection goes the same way.
 */
export function connectionOptions(endpoint: ApiEndpoint): Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername' | 'agent'> & { headers: Record<string, string> } {
  return {
    ...(endpoint.proxyUrl ? { agent: proxyAgent(endpoint.proxyUrl, endpoint.proxySetting) } : {}),
    ...(endpoint.caCert ? { ca: endpoint.caCert } : {}),
    ...(endpoint.clientCert && endpoint.clientKey ? { cert: endpoint.clientCert, key: endpoint.clientKey } : {}),
    ...(endpoint.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
    ...(endpoint.tlsServerName ? { servername: endpoint.tlsServerName } : {}),
    headers: endpoint.token ? { Authorization: `Bearer ${endpoint.token}` } : {},
  };
}
