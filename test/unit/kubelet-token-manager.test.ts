// The kubelet's token manager against the API's real TokenRequest path: a
// pod's projected token is requested once, kept while it is young, and
// requested again past 80% of its lifetime; a failed refresh keeps the old
// token while it is still valid. The projected volume writes it as `token`.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { ServiceAccountTokenManager } from '../../main/kubelet/tokenManager.ts';
import type { Pod } from '../../main/kubelet/types.ts';
import { volumePayload } from '../../main/kubelet/volumePayloads.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const serviceAccounts = { group: '', version: 'v1', plural: 'serviceaccounts' };

describe('the kubelet token manager', () => {
  let api: InProcessApi;
  let now = Date.UTC(2025, 2, 1, 10);
  let pod: Pod;
  let manager: ServiceAccountTokenManager;
  const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; 'kubernetes.io': { pod: { name: string } } };

  before(async () => {
    api = await startInProcessApi(() => new Date(now));
    await api.client.resource(serviceAccounts).create('default', { metadata: { name: 'worker' } });
    pod = (await api.client.resource({ group: '', version: 'v1', plural: 'pods' }).create('default', {
      metadata: { name: 'job' },
      spec: { serviceAccountName: 'worker', containers: [{ name: 'app', image: 'busybox:1.36' }] },
    } as KubeObject)) as unknown as Pod;
    manager = new ServiceAccountTokenManager(api.client.resource(serviceAccounts), () => now, () => 0);
  });
  after(() => api.close());

  it('requests a token bound to the pod and keeps it while young', async () => {
    const first = await manager.token(pod, { expirationSeconds: 3600 });
    assert.equal(claims(first)['kubernetes.io'].pod.name, 'job');
    now += 0.79 * 3600_000;
    assert.equal(await manager.token(pod, { expirationSeconds: 3600 }), first);
    now += 0.02 * 3600_000;
    const second = await manager.token(pod, { expirationSeconds: 3600 });
    assert.notEqual(second, first);
    assert.equal(claims(second).iat, Math.floor(now / 1000));
  });

  it('keeps serving the old token when a refresh fails, until it expires', async () => {
    const token = await manager.token(pod, { expirationSeconds: 600 });
    await api.client.resource(serviceAccounts).delete('default', 'worker');
    now += 500_000;
    assert.equal(await manager.token(pod, { expirationSeconds: 600 }), token);
    now += 200_000;
    await assert.rejects(manager.token(pod, { expirationSeconds: 600 }), /expired and refresh failed: serviceaccounts "worker" not found/);
    manager.forgetPod(pod.metadata.uid ?? '');
    await assert.rejects(manager.token(pod, { expirationSeconds: 600 }), /^Error: failed to fetch token: serviceaccounts "worker" not found$/);
  });

  it('is what a projected serviceAccountToken source holds', async () => {
    await api.client.resource(serviceAccounts).create('default', { metadata: { name: 'worker' } });
    const payload = await volumePayload(
      { name: 'kube-api-access-abcde', projected: { defaultMode: 0o644, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } },
      { pod, podIPs: [], hostIPs: [], allocatable: {}, objects: { configMap: async () => new Map(), secret: async () => new Map() }, tokens: manager },
    );
    const file = payload!.get('token')!;
    assert.equal(file.mode, 0o644);
    assert.equal(claims(file.data.toString())['kubernetes.io'].pod.name, 'job');
  });
});
