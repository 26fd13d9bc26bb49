// The Endpoints and EndpointSlice controllers following pods' readiness,
// against the real API server in process (the tests play the kubelet).

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isApiError } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { EndpointSubset } from '../../main/controllers/endpoint/endpointsComputation.ts';
import type { SliceEndpoint } from '../../main/controllers/endpointslice/endpointSliceComputation.ts';
import type { Pod } from '../../main/controllers/shared/types.ts';
import { bindAll, setPodStatus, settle, startHarness, until, type Harness } from './controllers-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(['endpoint', 'endpointslice', 'garbagecollector']);
});
afterEach(async () => h.close());

const services = () => h.client.resource({ group: '', version: 'v1', plural: 'services' });
const endpoints = () => h.client.resource({ group: '', version: 'v1', plural: 'endpoints' });
const slices = () => h.client.resource({ group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' });

async function createService(name: string, spec: Record<string, unknown>): Promise<void> {
  await services().create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: name } }, spec });
}

async function createPod(name: string, labels: Record<string, string>): Promise<Pod> {
  return h.pods.create('default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
}

async function subsetsOf(name: string): Promise<EndpointSubset[] | undefined> {
  try {
    return ((await endpoints().get('default', name)).subsets as EndpointSubset[] | undefined) ?? [];
  } catch (err) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
}

async function slicesOf(name: string): Promise<KubeObject[]> {
  return (await slices().list('default', { labelSelector: `kubernetes.io/service-name=${name}` })).items;
}

const ips = (addresses: Array<{ ip: string }> | undefined) => (addresses ?? []).map((a) => a.ip).sort();

describe('Endpoints and EndpointSlice controllers', () => {
  it('follow pods as they get an IP, become ready, and stop being ready', async () => {
    await createService('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] });
    await until('empty Endpoints', async () => (await subsetsOf('web'))?.length === 0);
    const placeholder = await until('a placeholder slice', async () => (await slicesOf('web'))[0]);
    assert.deepEqual(placeholder.endpoints, []);
    assert.equal(placeholder.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(placeholder.metadata.ownerReferences?.[0]?.kind, 'Service');

    const a = await createPod('web-a', { app: 'web' });
    const b = await createPod('web-b', { app: 'web' });
    await bindAll(h, 'default', { app: 'web' }, 'node-1');
    await settle();
    assert.deepEqual(await subsetsOf('web'), [], 'no IP, no endpoint');
    await setPodStatus(h, a, true, '10.244.0.2');
    await setPodStatus(h, b, false, '10.244.0.3');
    const subsets = await until('one ready, one not', async () => {
      const s = await subsetsOf('web');
      return s?.length === 1 && s[0].notReadyAddresses?.length === 1 && s;
    });
    assert.deepEqual(ips(subsets[0].addresses), ['10.244.0.2']);
    assert.deepEqual(ips(subsets[0].notReadyAddresses), ['10.244.0.3']);
    assert.deepEqual(subsets[0].ports, [{ port: 8080, protocol: 'TCP' }]);
    assert.equal(subsets[0].addresses?.[0].nodeName, 'node-1');

    const sliceEndpoints = await until('the slice', async () => {
      const [slice] = await slicesOf('web');
      const eps = (slice?.endpoints as SliceEndpoint[] | undefined) ?? [];
      return eps.length === 2 && eps;
    });
    assert.deepEqual(
      sliceEndpoints.map((e) => [e.targetRef.name, e.conditions.ready]),
      [
        ['web-a', true],
        ['web-b', false],
      ],
    );

    await setPodStatus(h, b, true);
    await until('both ready', async () => ips((await subsetsOf('web'))?.[0]?.addresses).length === 2);
    await setPodStatus(h, a, false);
    await until('a no longer ready', async () => {
      const s = await subsetsOf('web');
      return ips(s?.[0]?.addresses).join() === '10.244.0.3' && ips(s?.[0]?.notReadyAddresses).join() === '10.244.0.2';
    });
  });

  it('a terminating pod leaves the Endpoints and is a terminating, not ready, slice endpoint', async () => {
    await createService('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
    const pod = await createPod('web-a', { app: 'web' });
    await bindAll(h, 'default', { app: 'web' });
    await setPodStatus(h, pod, true, '10.244.0.2');
    await until('ready endpoint', async () => ips((await subsetsOf('web'))?.[0]?.addresses).length === 1);
    // Scheduled: a graceful deletion, the pod stays until its kubelet is done.
    await h.pods.delete('default', 'web-a');
    await until('out of the Endpoints', async () => (await subsetsOf('web'))?.length === 0);
    const endpoint = await until('terminating in the slice', async () => {
      const [slice] = await slicesOf('web');
      const ep = (slice?.endpoints as SliceEndpoint[] | undefined)?.[0];
      return ep?.conditions.terminating && ep;
    });
    assert.deepEqual(endpoint.conditions, { ready: false, serving: true, terminating: true });
  });

  it('leaves Services without a selector alone, and deletes Endpoints and slices with their Service', async () => {
    await createService('manual', { ports: [{ port: 80 }] });
    await endpoints().create('default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }] });
    await createService('web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    await until('web Endpoints', async () => (await subsetsOf('web')) !== undefined);
    await until('web slice', async () => (await slicesOf('web')).length === 1);
    await settle();
    assert.deepEqual(ips((await subsetsOf('manual'))?.[0]?.addresses), ['192.0.2.1']);
    assert.equal((await slicesOf('manual')).length, 0);
    await services().delete('default', 'web');
    await until('Endpoints gone', async () => (await subsetsOf('web')) === undefined);
    await until('slices collected', async () => (await slicesOf('web')).length === 0);
    assert.deepEqual(h.errors, []);
  });
});
