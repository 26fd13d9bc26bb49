// ClusterIPs and NodePorts as kube-apiserver allocates them.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isApiError, type ResourceClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const svc = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
const specOf = (o: KubeObject) => o.spec as { clusterIP: string; clusterIPs: string[]; ports: Array<{ nodePort?: number; port: number }> };

describe('Service allocation', () => {
  let env: InProcessApi;
  let services: ResourceClient;
  before(async () => {
    env = await startInProcessApi();
    services = env.client.resource({ group: '', version: 'v1', plural: 'services' });
  });
  after(async () => env?.close());

  it('gives each Service a distinct ClusterIP from the range, none to headless ones', async () => {
    const a = specOf(await services.create('default', svc('a', {})));
    const b = specOf(await services.create('default', svc('b', {})));
    const headless = specOf(await services.create('default', svc('h', { clusterIP: 'None' })));
    assert.match(a.clusterIP, /^10\.244\.(1[2-9]\d|2[0-5]\d)\.\d+$/);
    assert.notEqual(a.clusterIP, b.clusterIP);
    assert.notEqual(a.clusterIP, '10.244.128.1', 'the first address is the kubernetes Service\'s');
    assert.deepEqual(a.clusterIPs, [a.clusterIP]);
    assert.equal(headless.clusterIP, 'None');
  });

  it('refuses a requested ClusterIP outside the range or already taken', async () => {
    await assert.rejects(services.create('default', svc('out', { clusterIP: '192.168.1.1' })), (e) => isApiError(e, 'Invalid') && /not in the valid range/.test(e.message));
    const taken = specOf(await services.get('default', 'a')).clusterIP;
    await assert.rejects(services.create('default', svc('dup', { clusterIP: taken })), (e) => isApiError(e, 'Invalid') && /already allocated/.test(e.message));
  });

  it('allocates NodePorts in 30000-32767, keeps them across updates, refuses duplicates', async () => {
    const np = await services.create('default', svc('np', { type: 'NodePort' }));
    const port = specOf(np).ports[0].nodePort!;
    assert.ok(port >= 30000 && port <= 32767);
    const updated = await services.patch('default', 'np', 'application/merge-patch+json', { spec: { selector: { app: 'other' } } });
    assert.equal(specOf(updated).ports[0].nodePort, port);
    await assert.rejects(services.create('default', svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] })), (e) => isApiError(e, 'Invalid') && /already allocated/.test(e.message));
    const back = await services.patch('default', 'np', 'application/merge-patch+json', { spec: { type: 'ClusterIP' } });
    assert.equal(specOf(back).ports[0].nodePort, undefined, 'a ClusterIP Service has no nodePort');
  });
});

describe('NodePorts and this machine', () => {
  it('skips NodePorts that something else on 127.0.0.1 already holds', async () => {
    const { ApiServer } = await import('../../main/apiserver/apiServer.ts');
    const { SqliteStore } = await import('../../main/store/sqlite.ts');
    const { allResources } = await import('../../main/apiserver/resources/index.ts');
    const { createSchemaServices } = await import('../../main/apiserver/openapi/schemaServices.ts');
    const { adminUser } = await import('../../main/apiserver/auth/user.ts');
    const { ensureSystemNamespaces } = await import('../../main/cluster/bootstrap.ts');
    const held = new Set([30000, 30001]);
    const store = new SqliteStore({ path: ':memory:' });
    const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), adminToken: 'x', serviceRange: '10.244.128.0/17', hostPortFree: async (p) => !held.has(p) });
    try {
      const client = api.client(adminUser);
      await ensureSystemNamespaces(client);
      const created = await client.resource({ group: '', version: 'v1', plural: 'services' }).create('default', svc('np', { type: 'NodePort' }));
      assert.equal(specOf(created).ports[0].nodePort, 30002);
    } finally {
      await store.close();
    }
  });
});
