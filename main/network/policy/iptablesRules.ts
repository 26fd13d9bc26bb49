// A pod's NetworkPolicy isolation as an iptables-restore file for the filter
// table of its own network namespace: INPUT for ingress, OUTPUT for egress.
// Replies to allowed connections, loopback, and the cluster's own
// infrastructure (the add-on, which proxies Services and checks policies for
// them itself, and the host's gateway, where probes and port-forwards come
// from) always pass; then each allowed peer and port; then a DROP. A pod with
// nothing isolated gets empty chains, which lifts earlier rules.

import type { AllowRule, PodIsolation, PolicyPeer, PolicyPort } from '../../addon/policy.ts';

export interface Infrastructure {
  /** Addresses always allowed both ways: the add-on, the network gateway. */
  trusted: string[];
}

const INGRESS = 'PODLAB-INGRESS';
const EGRESS = 'PODLAB-EGRESS';

function portMatch(port: PolicyPort): string {
  const protocol = `-p ${port.protocol.toLowerCase()}`;
  if (port.port === undefined) return protocol;
  const range = port.endPort !== undefined && port.endPort !== port.port ? `${port.port}:${port.endPort}` : String(port.port);
  return `${protocol} -m ${port.protocol.toLowerCase()} --dport ${range}`;
}

function directionLines(chain: string, rules: AllowRule[] | undefined, side: '-s' | '-d', loopback: string, infra: Infrastructure, chains: string[]): string[] {
  if (!rules) return [];
  const lines = [`-A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`, `-A ${chain} ${loopback} lo -j ACCEPT`, ...infra.trusted.map((ip) => `-A ${chain} ${side} ${ip}/32 -j ACCEPT`)];
  rules.forEach((rule, r) => {
    // No port that resolved (a named port no pod has): the rule allows nothing.
    if (rule.ports && rule.ports.length === 0) return;
    const ports = rule.ports ? rule.ports.map(portMatch) : [''];
    const peers: Array<PolicyPeer | undefined> = rule.peers ?? [undefined];
    peers.forEach((peer, p) => {
      for (const port of ports) {
        const portPart = port ? ` ${port}` : '';
        if (!peer) lines.push(`-A ${chain}${portPart} -j ACCEPT`);
        else if (!peer.except?.length) lines.push(`-A ${chain} ${side} ${peer.cidr}${portPart} -j ACCEPT`);
        else {
          // except: a chain of its own returns the excluded blocks before accepting the rest.
          const sub = `${chain.slice(7, 8)}${r}-${p}`;
          const name = `PODLAB-${sub}`;
          if (!chains.includes(name)) {
            chains.push(name);
            lines.push(...peer.except.map((e) => `-A ${name} ${side} ${e} -j RETURN`), `-A ${name} ${side} ${peer.cidr} -j ACCEPT`);
          }
          lines.push(`-A ${chain}${portPart} -j ${name}`);
        }
      }
    });
  });
  lines.push(`-A ${chain} -j DROP`);
  return lines;
}

export function iptablesRestoreFile(isolation: PodIsolation | undefined, infra: Infrastructure): string {
  const chains: string[] = [];
  const ingress = directionLines(INGRESS, isolation?.ingress, '-s', '-i', infra, chains);
  const egress = directionLines(EGRESS, isolation?.egress, '-d', '-o', infra, chains);
  return [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    `:${INGRESS} - [0:0]`,
    `:${EGRESS} - [0:0]`,
    ...chains.map((c) => `:${c} - [0:0]`),
    `-A INPUT -j ${INGRESS}`,
    `-A OUTPUT -j ${EGRESS}`,
    ...ingress,
    ...egress,
    'COMMIT',
    '',
  ].join('\n');
}
