// What the main process tells the cluster add-on: the Services and their
// endpoints, already read from the API and reduced to what DNS and the proxy
// need. The main process writes it into the add-on container as one JSON file
// through Docker's archive API (the container needs no route to the host);
// the add-on re-reads it whenever it changes. Shared by both sides, so it
// imports types only.

import type { PolicyTable } from './policy.ts';

/** Where the program and its configuration live inside the add-on container. */
export const ADDON_DIR = '/podlab';
export const ADDON_PROGRAM_FILE = 'addon.mjs';
export const ADDON_CONFIG_FILE = 'config.json';
/** Holds the generation last applied, so the main process (and tests) can tell when a configuration took effect. */
export const ADDON_APPLIED_FILE = 'applied';
/** Port of the host tunnel inside the container, published on a 127.0.0.1 ephemeral port. */
export const ADDON_TUNNEL_PORT = 8790;
/** Environment variable holding the tunnel's shared secret. */
export const ADDON_TUNNEL_TOKEN_ENV = 'PODLAB_TUNNEL_TOKEN';

export const CONFIG_VERSION = 1;

export type ServiceProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface AddonServicePort {
  /** '' for the single unnamed port. */
  name: string;
  protocol: ServiceProtocol;
  port: number;
}

/** One address behind a Service. */
export interface AddonEndpoint {
  /** An IP, or a host name the add-on resolves (host.docker.internal for the API server on Docker Desktop). */
  address: string;
  ready: boolean;
  /** The pod's hostname when its `subdomain` names this (headless) Service: `<hostname>.<svc>.<ns>.svc.<domain>`. */
  hostname?: string;
  /** Endpoint port by `portKey(name, protocol)` of the Service port it serves. */
  ports: Record<string, number>;
}

export interface AddonService {
  namespace: string;
  name: string;
  /** Absent for headless (clusterIP None) and ExternalName Services. */
  clusterIP?: string;
  /** ExternalName Services answer DNS with this CNAME. */
  externalName?: string;
  /** Headless Services with publishNotReadyAddresses resolve to not-ready endpoints too. */
  publishNotReadyAddresses?: boolean;
  ports: AddonServicePort[];
  endpoints: AddonEndpoint[];
}

export interface AddonConfig {
  version: typeof CONFIG_VERSION;
  /** Increases with every write, so the add-on can say which one it applied. */
  generation: number;
  clusterDomain: string;
  /** The cluster network's subnet: its interface there is where ClusterIPs go. */
  subnet: string;
  /** The cluster DNS address (the kube-dns Service's ClusterIP), held and answered on port 53. */
  dnsIP: string;
  /** Resolvers for names outside the cluster domain; empty: NXDOMAIN (nothing leaves the cluster). */
  upstreamDns: string[];
  services: AddonService[];
  /** NetworkPolicy isolation by pod IP, for Service connections (absent: nothing isolated). */
  policies?: PolicyTable;
}

export function portKey(name: string, protocol: string): string {
  return `${name}/${protocol}`;
}
