// How probes find a pod's ports from its sandbox status.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runtimePodNetwork, sandboxNetworkAccess } from '../../main/kubelet/probes/podNetwork.ts';
import type { Pod } from '../../main/kubelet/types.ts';
import { LABEL_POD_UID, type PodSandbox, type PodSandboxFilter, type PodSandboxStatus } from '../../main/runtime/runtime.ts';

function sandbox(id: string, attempt: number, createdAt: number, overrides: Partial<PodSandboxStatus> = {}): PodSandboxStatus {
  return {
    id,
    metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt },
    state: 'ready',
    createdAt: new Date(createdAt),
    labels: { [LABEL_POD_UID]: 'u1' },
    annotations: {},
    ip: `10.244.0.${attempt + 5}`,
    namespaces: { network: 'pod', pid: 'container', ipc: 'pod' },
    ports: [
      { containerPort: 8080, protocol: 'TCP', hostIp: '127.0.0.1', hostPort: 32001 + attempt },
      { containerPort: 9090, protocol: 'TCP', hostIp: '0.0.0.0', hostPort: 33001 },
      { containerPort: 5353, protocol: 'UDP', hostIp: '127.0.0.1', hostPort: 34001 },
    ],
    ...overrides,
  };
}

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { containers: [] } };

describe('pod network access', () => {
  test('published TCP ports map to loopback endpoints; the pod IP is what messages name', () => {
    const access = sandboxNetworkAccess(sandbox('s0', 0, 0))!;
    assert.equal(access.podIP, '10.244.0.5');
    assert.deepEqual(access.published(8080), { host: '127.0.0.1', port: 32001 });
    assert.deepEqual(access.published(9090), { host: '127.0.0.1', port: 33001 }, 'published on every interface: reached on loopback');
    assert.equal(access.published(5353), undefined, 'UDP does not serve TCP probes');
    assert.equal(access.published(7000), undefined);
  });

  test('a sandbox that is not ready gives no access', () => {
    assert.equal(sandboxNetworkAccess(sandbox('s0', 0, 0, { state: 'notready' })), undefined);
  });

  test("the runtime lookup uses the pod's newest ready sandbox and reads each sandbox's status once", async () => {
    const sandboxes = [sandbox('s0', 0, 1000), sandbox('s1', 1, 2000)];
    const filters: PodSandboxFilter[] = [];
    const statusReads: string[] = [];
    const lookup = runtimePodNetwork({
      listPodSandboxes: async (filter) => {
        filters.push(filter ?? {});
        return sandboxes.map(({ ip: _ip, namespaces: _n, ports: _p, ...listed }): PodSandbox => listed);
      },
      podSandboxStatus: async (id) => {
        statusReads.push(id);
        return sandboxes.find((s) => s.id === id)!;
      },
    });
    const first = await lookup(pod);
    assert.equal(first?.podIP, '10.244.0.6');
    assert.deepEqual(first?.published(8080), { host: '127.0.0.1', port: 32002 });
    await lookup(pod);
    assert.deepEqual(statusReads, ['s1']);
    assert.deepEqual(filters[0], { state: 'ready', labels: { [LABEL_POD_UID]: 'u1' } });
  });

  test('no ready sandbox: no access', async () => {
    const lookup = runtimePodNetwork({ listPodSandboxes: async () => [], podSandboxStatus: () => Promise.reject(new Error('unused')) });
    assert.equal(await lookup(pod), undefined);
  });
});
