// Which endpoint a new connection to a Service port goes to: only ready
// endpoints that serve that port, taken in turn (connection-level round
// robin, as kube-proxy's userspace mode did). Used by the add-on for
// ClusterIP traffic and by the host service proxy for NodePorts and
// LoadBalancers, so both balance the same way.

import { portKey, type AddonService, type AddonServicePort } from './config.ts';

export interface Target {
  address: string;
  port: number;
}

/** The ready endpoints serving `port`, in a stable order (by address, then port). */
export function readyTargets(service: Pick<AddonService, 'endpoints'>, port: Pick<AddonServicePort, 'name' | 'protocol'>): Target[] {
  const key = portKey(port.name, port.protocol);
  const targets: Target[] = [];
  const seen = new Set<string>();
  for (const endpoint of service.endpoints) {
    const number = endpoint.ports[key];
    if (!endpoint.ready || number === undefined) continue;
    const id = `${endpoint.address}:${number}`;
    if (seen.has(id)) continue;
    seen.add(id);
    targets.push({ address: endpoint.address, port: number });
  }
  return targets.sort((a, b) => compareAddresses(a.address, b.address) || a.port - b.port);
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4 && pa.every(Number.isFinite) && pb.every(Number.isFinite)) {
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A turn counter per Service port. `order` returns every candidate, starting
 * with the one whose turn it is, so a caller whose first choice refuses the
 * connection tries the next ones.
 */
export class RoundRobin {
  private readonly turns = new Map<string, number>();

  order<T>(key: string, candidates: T[]): T[] {
    if (candidates.length === 0) return [];
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, (turn + 1) % candidates.length);
    const start = turn % candidates.length;
    return [...candidates.slice(start), ...candidates.slice(0, start)];
  }

  /** Drops the counters of keys no longer in use. */
  retain(keys: Set<string>): void {
    for (const key of this.turns.keys()) if (!keys.has(key)) this.turns.delete(key);
  }
}
