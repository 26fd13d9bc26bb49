// kube-root-ca.crt as the kubelet reads it for kube-api-access volumes: from
// its watch of that one name in every namespace, and from the API when the
// watch has no copy, with the same not-found error as any ConfigMap.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { realClock } from '../../main/kube/clock.ts';
import { apiPodObjects } from '../../main/kubelet/podObjects.ts';
import { RootCaCache, ROOT_CA_CONFIGMAP } from '../../main/kubelet/rootCaCache.ts';
import { ServiceCache } from '../../main/kubelet/serviceCache.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
  for (const name of ['team', 'empty']) await api.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
});
after(() => api.close());

const configMaps = () => api.client.resource({ group: '', version: 'v1', plural: 'configmaps' });
const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

test('the watched copy of each namespace, only of that name; the API for a namespace with none', async () => {
  await configMaps().create('team', configMap(ROOT_CA_CONFIGMAP, { 'ca.crt': 'team CA' }));
  await configMaps().create('team', configMap('settings', { mode: 'x' }));
  const cache = new RootCaCache(api.client, realClock, (error) => assert.fail(error as Error), 'node-1');
  assert.equal(cache.get('team'), undefined, 'nothing before the first list');
  await cache.start();
  try {
    assert.deepEqual(cache.get('team')?.data, { 'ca.crt': 'team CA' });
    assert.equal(cache.get('empty'), undefined);

    await configMaps().create('default', configMap(ROOT_CA_CONFIGMAP, { 'ca.crt': 'default CA' }));
    for (let i = 0; i < 1000 && !cache.get('default'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(cache.get('default')?.data, { 'ca.crt': 'default CA' });

    const objects = apiPodObjects(api.client, new ServiceCache(api.client, realClock, (error) => assert.fail(error as Error), 'node-1'), cache);
    assert.equal((await objects.configMap('team', ROOT_CA_CONFIGMAP)).get('ca.crt')?.toString(), 'team CA');
    assert.equal((await objects.configMap('team', 'settings')).get('mode')?.toString(), 'x');
    await assert.rejects(objects.configMap('empty', ROOT_CA_CONFIGMAP), { message: 'configmap "kube-root-ca.crt" not found' });
  } finally {
    await cache.stop();
  }
});
