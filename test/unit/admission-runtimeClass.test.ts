// RuntimeClasses and the RuntimeClass admission plugin on an in-process API
// server, in Kubernetes' words: the class's overhead and scheduling written
// into a new pod, and the refusals (a missing class, an overhead that does not
// match, a node selector that contradicts the class's).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const classes = { group: 'node.k8s.io', version: 'v1', plural: 'runtimeclasses' };
const pods = { group: '', version: 'v1', plural: 'pods' };
let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
  await api.client.resource(classes).create(undefined, { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'kata' }, handler: 'kata', overhead: { podFixed: { cpu: '250m' } }, scheduling: { nodeSelector: { sandbox: 'kata' }, tolerations: [{ key: 'kata', operator: 'Exists' }] } } as unknown as KubeObject);
});
after(() => api.close());

const pod = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...spec } }) as KubeObject;

test("a pod gets its class's overhead, node selector and tolerations", async () => {
  const created = (await api.client.resource(pods).create('default', pod('ok', { runtimeClassName: 'kata', nodeSelector: { zone: 'a' }, tolerations: [{ key: 'kata', operator: 'Exists' }] }))).spec as Record<string, unknown>;
  assert.deepEqual(created.overhead, { cpu: '250m' });
  assert.deepEqual(created.nodeSelector, { zone: 'a', sandbox: 'kata' });
  const kata = (created.tolerations as Array<{ key?: string }>).filter((t) => t.key === 'kata');
  assert.deepEqual(kata, [{ key: 'kata', operator: 'Exists' }], 'a toleration the pod has already is not added twice');
});

test('refuses a missing class, a foreign overhead and a contradicting node selector', async () => {
  const refused = (name: string, spec: Record<string, unknown>) => api.client.resource(pods).create('default', pod(name, spec));
  await assert.rejects(refused('a', { runtimeClassName: 'gone' }), (err: Error) => err.message === 'pods "a" is forbidden: pod rejected: RuntimeClass "gone" not found');
  await assert.rejects(refused('b', { runtimeClassName: 'kata', overhead: { cpu: '1' } }), /pods "b" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead/);
  await assert.rejects(refused('c', { runtimeClassName: 'kata', nodeSelector: { sandbox: 'gvisor' } }), /pods "c" is forbidden: conflict: runtimeClass\.scheduling\.nodeSelector\[sandbox\] = kata; pod\.spec\.nodeSelector\[sandbox\] = gvisor/);
  await assert.rejects(refused('d', { overhead: { cpu: '1' } }), /pod rejected: RuntimeClass has no Overhead defined, but Pod has Overhead set/);
});

test('a node selector key that is also an Object property name ("constructor") is an ordinary key', async () => {
  await api.client.resource(classes).create(undefined, { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'plain' }, handler: 'runc', scheduling: { nodeSelector: { constructor: 'x' } } } as unknown as KubeObject);
  const created = (await api.client.resource(pods).create('default', pod('own-keys', { runtimeClassName: 'plain' }))).spec as Record<string, unknown>;
  assert.deepEqual(created.nodeSelector, { constructor: 'x' });
});

test('an update is validated whole, and the handler stays as created', async () => {
  const runtimeClasses = api.client.resource(classes);
  await assert.rejects(runtimeClasses.patch(undefined, 'kata', 'application/merge-patch+json', { overhead: { podFixed: { cpu: '-1' } } }), /overhead\.limits\[cpu\]: Invalid value: "-1": must be greater than or equal to 0/);
  await assert.rejects(runtimeClasses.patch(undefined, 'kata', 'application/merge-patch+json', { handler: 'runc' }), /handler: Invalid value: "runc": field is immutable/);
});
