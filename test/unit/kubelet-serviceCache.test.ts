// The kubelet's Services for env vars come from its watch: services with a
// cluster IP in the pod's namespace and the default one, headless ones left
// out, and a change seen without another list.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { realClock } from '../../main/kube/clock.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { ServiceCache } from '../../main/kubelet/serviceCache.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
  await api.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
});
after(() => api.close());

const services = () => api.client.resource({ group: '', version: 'v1', plural: 'services' });
const service = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ name: 'http', port: 80 }], ...spec } });

test("a pod's namespace and the default one, from the watch; headless Services left out", async () => {
  await services().create('team', service('web'));
  await services().create('team', service('headless', { clusterIP: 'None' }));
  await services().create('default', service('shared'));
  const cache = new ServiceCache(api.client, realClock, (error) => assert.fail(error as Error), 'node-1');
  try {
    const names = async (namespace: string) => (await cache.services(namespace)).map((s) => `${s.namespace}/${s.name}`).sort();
    assert.deepEqual(await names('team'), ['default/shared', 'team/web']);
    assert.deepEqual(await names('default'), ['default/shared']);
    const web = (await cache.services('team')).find((s) => s.name === 'web')!;
    assert.match(web.clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
    assert.deepEqual(web.ports, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }]);

    await services().create('team', service('late'));
    await services().delete('team', 'web');
    // Both changes arrive through the watch: wait for the second (the deletion) as well as the first.
    const settled = async () => (await names('team')).join() === 'default/shared,team/late';
    for (let i = 0; i < 1000 && !(await settled()); i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await names('team'), ['default/shared', 'team/late']);
  } finally {
    await cache.stop();
  }
});
