// NetworkPolicy verdicts as the pod network applies them, in a form both the
// main process and the add-on read: for each isolated pod IP, the traffic its
// policies allow in (ingress) and out (egress). A pod with no entry for a
// direction is not isolated in it: everything passes. Pod peers and named
// ports are already resolved to IPs and numbers by the main process.
// Connections the add-on proxies for Services are checked here (the pod's own
// filter sees the add-on as their source, so it lets them through).

import { cidrContains, parseCidr, parseIp } from '../kube/cidr.ts';

export interface PolicyPeer {
  cidr: string;
  except?: string[];
}

export interface PolicyPort {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** Absent: every port of the protocol. */
  port?: number;
  endPort?: number;
}

/** One rule: traffic from (ingress) or to (egress) any of `peers` on any of `ports`; absent lists allow all. */
export interface AllowRule {
  peers?: PolicyPeer[];
  ports?: PolicyPort[];
}

export interface PodIsolation {
  ingress?: AllowRule[];
  egress?: AllowRule[];
}

/** Isolation by pod IP. */
export type PolicyTable = Record<string, PodIsolation>;

function peerMatches(peer: PolicyPeer, ip: string): boolean {
  const address = parseIp(ip);
  const block = parseCidr(peer.cidr);
  if (!address || !block || !cidrContains(block, address)) return false;
  return !(peer.except ?? []).some((e) => {
    const excluded = parseCidr(e);
    return excluded !== undefined && cidrContains(excluded, address);
  });
}

function portMatches(rule: PolicyPort, port: number, protocol: string): boolean {
  if (rule.protocol !== protocol) return false;
  if (rule.port === undefined) return true;
  return port >= rule.port && port <= (rule.endPort ?? rule.port);
}

function ruleAllows(rule: AllowRule, peer: string, port: number, protocol: string): boolean {
  const peerOk = rule.peers === undefined || rule.peers.some((p) => peerMatches(p, peer));
  const portOk = rule.ports === undefined || rule.ports.some((p) => portMatches(p, port, protocol));
  return peerOk && portOk;
}

/** Whether `from` may open a connection to `to`:`port`: `from`'s egress and `to`'s ingress both allow it. */
export function connectionAllowed(table: PolicyTable | undefined, from: string, to: string, port: number, protocol: string): boolean {
  const egress = table?.[from]?.egress;
  if (egress && !egress.some((rule) => ruleAllows(rule, to, port, protocol))) return false;
  const ingress = table?.[to]?.ingress;
  if (ingress && !ingress.some((rule) => ruleAllows(rule, from, port, protocol))) return false;
  return true;
}
