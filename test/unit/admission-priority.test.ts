// PriorityClasses and the Priority admission plugin, in Kubernetes' words.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { ensureSystemPriorityClasses } from '../../main/cluster/bootstrap.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const classes = { group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses' };
const pods = { group: '', version: 'v1', plural: 'pods' };
let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
  await ensureSystemPriorityClasses(api.client);
});
after(() => api.close());

const pc = (name: string, value: number, globalDefault = false) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, globalDefault }) as unknown as KubeObject;
const pod = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...spec } }) as KubeObject;

test('user classes stay below the system range, and their value never changes', async () => {
  await assert.rejects(api.client.resource(classes).create(undefined, pc('huge', 2_000_000_000)), /value: Forbidden: maximum allowed value of a user defined priority is 1000000000/);
  await assert.rejects(api.client.resource(classes).create(undefined, pc('system-mine', 5)), /priority class names with 'system-' prefix are reserved for system use only/);
  await api.client.resource(classes).create(undefined, pc('high', 1000));
  await assert.rejects(api.client.resource(classes).patch(undefined, 'high', 'application/merge-patch+json', { value: 5 }), /value: Forbidden: may not be changed in an update./);
  await assert.rejects(api.client.resource(classes).delete(undefined, 'system-node-critical'), /the system-node-critical system priority class cannot be deleted/);
});

test("a pod's class becomes its priority; a missing class or a contradicting priority is refused; the global default applies", async () => {
  const high = await api.client.resource(pods).create('default', pod('high', { priorityClassName: 'high' }));
  assert.deepEqual([(high.spec as any).priority, (high.spec as any).preemptionPolicy], [1000, 'PreemptLowerPriority']);
  await assert.rejects(api.client.resource(pods).create('default', pod('nope', { priorityClassName: 'nope' })), /pods "nope" is forbidden: no PriorityClass with name nope was found/);
  // A pod with generateName has no name yet during mutating admission: the refusal names its generateName, as kube-apiserver's does.
  const generated = { ...pod('', { priorityClassName: 'nope' }), metadata: { generateName: 'web-7d4b9-' } } as KubeObject;
  await assert.rejects(api.client.resource(pods).create('default', generated), (err: Error) => err.message === 'pods "web-7d4b9-" is forbidden: no PriorityClass with name nope was found');
  await assert.rejects(
    api.client.resource(pods).create('default', pod('liar', { priorityClassName: 'high', priority: 7 })),
    /the integer value of priority \(7\) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name/,
  );
  assert.equal(((await api.client.resource(pods).create('default', pod('plain'))).spec as any).priority, 0);
  await api.client.resource(classes).create(undefined, pc('standard', 100, true));
  await assert.rejects(api.client.resource(classes).create(undefined, pc('another', 50, true)), /PriorityClass standard is already marked as default. Only one default can exist/);
  const defaulted = await api.client.resource(pods).create('default', pod('defaulted'));
  assert.deepEqual([(defaulted.spec as any).priority, (defaulted.spec as any).priorityClassName], [100, 'standard']);
});
