import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimsOf } from '../../main/network/hostServiceProxy.ts';
import type { ServiceView } from '../../main/network/serviceTable.ts';

function service(name: string, type: string, created: string, ports: Array<{ port: number; nodePort?: number; protocol?: 'TCP' | 'UDP' }>): ServiceView {
  return {
    namespace: 'default',
    name,
    uid: `uid-${name}`,
    type,
    ports: ports.map((p) => ({ name: '', protocol: p.protocol ?? 'TCP', port: p.port, ...(p.nodePort ? { nodePort: p.nodePort } : {}) })),
    endpoints: [],
    object: { metadata: { name, namespace: 'default', creationTimestamp: created } },
  };
}

describe('host ports of NodePort and LoadBalancer Services', () => {
  it('NodePorts claim their node port; LoadBalancers their port as well; ClusterIP and UDP nothing', () => {
    const claims = claimsOf([
      service('np', 'NodePort', '2026-01-01T00:00:00Z', [{ port: 80, nodePort: 30080 }]),
      service('lb', 'LoadBalancer', '2026-01-01T00:00:00Z', [{ port: 8080, nodePort: 30081 }, { port: 53, nodePort: 30053, protocol: 'UDP' }]),
      service('cip', 'ClusterIP', '2026-01-01T00:00:00Z', [{ port: 80 }]),
    ]);
    assert.deepEqual(
      [...claims].map(([port, claim]) => [port, claim.name, claim.as]).sort(),
      [
        [30080, 'np', 'NodePort'],
        [30081, 'lb', 'NodePort'],
        [8080, 'lb', 'LoadBalancer'],
      ].sort(),
    );
  });

  it('two Services on one host port: the older keeps it, the other is reported', () => {
    const conflicts: string[] = [];
    const claims = claimsOf(
      [service('newer', 'LoadBalancer', '2026-02-01T00:00:00Z', [{ port: 8080, nodePort: 30001 }]), service('older', 'LoadBalancer', '2026-01-01T00:00:00Z', [{ port: 8080, nodePort: 30002 }])],
      (loser, port, winner) => conflicts.push(`${loser.name} lost ${port} to ${winner.name}`),
    );
    assert.equal(claims.get(8080)?.name, 'older');
    assert.deepEqual(conflicts, ['newer lost 8080 to older']);
  });
});
