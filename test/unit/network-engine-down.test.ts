// Without a Docker engine, networking still gives the kubelets their DNS
// settings (they come from the API) and keeps trying the engine part.

import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { after, before, describe, it } from 'node:test';
import { startNetworking, type NetworkedCluster } from '../../main/network/networking.ts';
import { eventually } from '../helpers/eventually.ts';
import { FakeClock } from '../helpers/fakeClock.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

describe('networking while the engine does not answer', () => {
  let api: InProcessApi;
  before(async () => {
    api = await startInProcessApi();
  });
  after(async () => {
    await api?.close();
  });

  it('creates kube-dns, reports the failure and tries again', async () => {
    const owned: string[] = [];
    const cluster: NetworkedCluster = { name: 'down', settings: { subnet: '10.244.0.0/16', apiPort: 6443 }, client: () => api.client, own: (c) => owned.push(c.name) };
    const failures: string[] = [];
    const clock = new FakeClock();
    const networking = await startNetworking(cluster, { docker: new Docker({ socketPath: '/nonexistent/docker.sock' }), retryMs: 20, clock, onError: (e) => failures.push((e as Error).message) });
    try {
      assert.deepEqual(networking.dns, { clusterDNS: ['10.244.128.10'], clusterDomain: 'cluster.local' });
      assert.deepEqual(owned, ['networking']);
      assert.equal(networking.addon, undefined);
      assert.match(failures[0] ?? '', /does not answer/);
      assert.equal(clock.pendingTimers, 1, 'the next try is scheduled');
      clock.advance(20);
      await eventually('a second try', async () => failures.length >= 2);
      assert.equal(networking.addon, undefined);
    } finally {
      await networking.stop();
    }
    assert.equal(clock.pendingTimers, 0, 'no retries after stop');
  });
});
