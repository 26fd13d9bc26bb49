// POST /api/v1/namespaces/NS/bindings, the older form of pods/binding that
// custom schedulers still use: the named pod is assigned to the target node
// (spec.nodeName and PodScheduled=True), the answer is a Status, and the
// binding rules are the subresource's (one node per pod, target.name needed).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

const binding = (pod: string, node?: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: pod }, target: node ? { apiVersion: 'v1', kind: 'Node', name: node } : {} }) as unknown as KubeObject;

test('binds the named pod to the target node and answers a Status', async () => {
  const pods = api.client.resource({ group: '', version: 'v1', plural: 'pods' });
  const bindings = api.client.resource({ group: '', version: 'v1', plural: 'bindings' });
  await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'manual' }, spec: { schedulerName: 'my-scheduler', containers: [{ name: 'c', image: 'busybox:1.36' }] } } as KubeObject);
  const answer = (await bindings.create('default', binding('manual', 'node-1'))) as KubeObject & { status?: string };
  assert.deepEqual([answer.kind, answer.status], ['Status', 'Success']);
  const bound = await pods.get('default', 'manual');
  assert.equal((bound.spec as { nodeName?: string }).nodeName, 'node-1');
  assert.ok(((bound.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'True'));
  await assert.rejects(bindings.create('default', binding('manual', 'node-2')), /pod manual is already assigned to node "node-1"/);
  await assert.rejects(bindings.create('default', binding('manual')), /target\.name: Required value/);
});
