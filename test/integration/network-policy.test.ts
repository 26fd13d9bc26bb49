// NetworkPolicies enforced on the real Docker engine: a default-deny policy
// stops one pod reaching another by pod IP and through the Service, an allow
// rule for the client's labels and port lets that client (and no other pod)
// through again, and deleting the policies lifts the isolation.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { createNetworkFixture, eventually, type NetworkFixture, type TestPod } from './network-fixture.ts';

const policies = { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' };

describe('NetworkPolicy enforcement', () => {
  let fixture: NetworkFixture;
  let server: TestPod;
  let client: TestPod;
  let other: TestPod;
  let clusterIP: string;

  /** What `from` gets from http://target/ ('' when the connection fails or times out). */
  async function fetchFrom(from: TestPod, target: string): Promise<string> {
    // A dropped SYN never answers: busybox nc would wait for the kernel's connect timeout, so timeout cuts it short.
    const result = await fixture.docker.runtime.execSync(from.containerIds[0]!, ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 3 nc -w 2 ${target} 80 | tail -n 1`], 20_000);
    return result.stdout.trim();
  }

  before(async () => {
    fixture = await createNetworkFixture();
    server = await fixture.runWebPod('server', { body: 'from-server' });
    client = await fixture.runWebPod('client', { body: 'from-client' });
    other = await fixture.runWebPod('other', { body: 'from-other' });
    for (const [pod, app] of [[server, 'server'], [client, 'client'], [other, 'other']] as const) await fixture.putPodObject(pod, { ready: true, labels: { app } });
    const service = await fixture.createService('server', { ports: [{ port: 80, targetPort: 80 }] });
    clusterIP = (service.spec as { clusterIP: string }).clusterIP;
    await fixture.setEndpoints('server', { port: 80 }, [{ ip: server.ip }]);
    await fixture.networking.addonSettled();
  });
  after(async () => {
    await fixture?.cleanup();
  });

  test('default deny, then an allow rule for one client, then nothing', async () => {
    await eventually('the pod IP', async () => ((await fetchFrom(client, server.ip)) === 'from-server' ? true : undefined), 20_000);
    assert.equal(await eventually('the Service', async () => ((await fetchFrom(client, clusterIP)) === 'from-server' ? true : undefined), 20_000), true);

    await fixture.client.resource(policies).create('default', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } } as KubeObject);
    await eventually('the pod IP to be closed', async () => ((await fetchFrom(client, server.ip)) === '' ? true : undefined), 30_000);
    await eventually('the Service to be closed', async () => ((await fetchFrom(client, clusterIP)) === '' ? true : undefined), 30_000);

    await fixture.client.resource(policies).create('default', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-client' },
      spec: { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }] },
    } as KubeObject);
    await eventually('the client let in by pod IP', async () => ((await fetchFrom(client, server.ip)) === 'from-server' ? true : undefined), 30_000);
    await eventually('the client let in through the Service', async () => ((await fetchFrom(client, clusterIP)) === 'from-server' ? true : undefined), 30_000);
    assert.equal(await fetchFrom(other, server.ip), '', 'another pod stays out');
    assert.equal(await fetchFrom(other, clusterIP), '', 'also through the Service');
    assert.equal(await fetchFrom(server, client.ip), '', 'the deny covers every pod of the namespace');

    for (const name of ['default-deny', 'allow-client']) await fixture.client.resource(policies).delete('default', name);
    await eventually('isolation lifted', async () => ((await fetchFrom(other, server.ip)) === 'from-server' ? true : undefined), 30_000);
    assert.equal(await fetchFrom(server, client.ip), 'from-client');
  });
});
