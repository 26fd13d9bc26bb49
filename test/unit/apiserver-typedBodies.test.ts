// The objects PodLab's own components write are built by typed code, as
// client-go encodes Go structs, so the API server skips the schema checks of
// decoding for them. Under `npm test` it checks them all the same, and a
// component body that decoding would refuse or prune fails loudly: the
// skip stays honest because every test run checks the components' writes.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { componentUser } from '../../main/apiserver/auth/user.ts';
import { isApiError } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

// What the test runner sets (scripts/test.js); set here too, so this file alone checks the same.
process.env.PODLAB_TEST = '1';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(async () => {
  await api.close();
});

const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
const component = () => api.api.client(componentUser('system:kube-controller-manager'), { typedBodies: true }).resource(configMaps);

function configMap(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a: '1' }, ...extra } as KubeObject;
}

test('a component body with an unknown field is an error that names the component, under the tests', async () => {
  await assert.rejects(component().create('default', configMap('typo', { datta: { b: '2' } })), /kube-controller-manager.* wrote a ConfigMap its typed client should not have made: unknown field "datta"/);
  await assert.rejects(api.client.resource(configMaps).get('default', 'typo'), (e) => isApiError(e, 'NotFound'));
});

test('a component body Go could not decode is an error too', async () => {
  await assert.rejects(component().create('default', configMap('wrong-type', { data: { a: 1 } })), /wrote a ConfigMap its typed client should not have made: .*data/);
});

test("a user's document through the in-process client is still decoded and pruned as over HTTP", async () => {
  const created = await api.client.resource(configMaps).create('default', configMap('from-user', { datta: { b: '2' } }));
  assert.equal((created as unknown as Record<string, unknown>).datta, undefined);
  await assert.rejects(api.client.resource(configMaps).create('default', configMap('strict', { datta: {} }), { fieldValidation: 'Strict' }), (e) => isApiError(e, 'BadRequest') && /unknown field "datta"/.test(e.message));
});

test("a well-typed component body is stored as the same document a user's would be", async () => {
  const fromComponent = await component().create('default', configMap('typed'));
  const fromUser = await api.client.resource(configMaps).create('default', configMap('untyped'));
  const comparable = ({ metadata: { name: _n, uid: _u, resourceVersion: _rv, creationTimestamp: _c, managedFields: _m, ...metadata }, ...rest }: KubeObject) => ({ ...rest, metadata });
  assert.deepEqual(comparable(fromComponent), comparable(fromUser));
});
