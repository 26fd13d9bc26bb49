// Events as `kubectl describe` shows them: repeats counted on one Event,
// floods of similar events combined, as client-go's EventCorrelator does.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventRecorder } from '../../main/kube/client/eventRecorder.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

describe('EventRecorder', () => {
  let env: InProcessApi;
  let pod: KubeObject;

  before(async () => {
    env = await startInProcessApi();
    pod = await env.client.resource({ group: '', version: 'v1', plural: 'pods' }).create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'noisy' },
      spec: { containers: [{ name: 'app', image: 'busybox' }] },
    });
  });
  after(async () => env?.close());

  async function events() {
    const list = await env.client.resource({ group: '', version: 'v1', plural: 'events' }).list('default', { fieldSelector: `involvedObject.uid=${pod.metadata.uid}` });
    return list.items as Array<KubeObject & { reason: string; message: string; count: number; type: string; involvedObject: { name: string; kind: string } }>;
  }

  it('counts identical events on one Event object', async () => {
    const recorder = new EventRecorder(env.client, { component: 'kubelet', host: 'node-1' });
    for (let i = 0; i < 4; i++) recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container app in pod noisy_default(uid)');
    await recorder.flush();
    const backoffs = (await events()).filter((e) => e.reason === 'BackOff');
    assert.equal(backoffs.length, 1);
    assert.equal(backoffs[0].count, 4);
    assert.equal(backoffs[0].type, 'Warning');
    assert.equal(backoffs[0].involvedObject.kind, 'Pod');
  });

  it('combines more than 10 similar events with different messages', async () => {
    const recorder = new EventRecorder(env.client, { component: 'kubelet', host: 'node-1' });
    for (let i = 0; i < 15; i++) recorder.event(pod, 'Normal', 'Pulled', `image ${i} pulled`);
    await recorder.flush();
    const pulled = (await events()).filter((e) => e.reason === 'Pulled');
    const combined = pulled.filter((e) => e.message.startsWith('(combined from similar events): '));
    assert.equal(pulled.length - combined.length, 10, 'the first 10 distinct messages are kept');
    assert.equal(combined.length, 1);
    assert.equal(combined[0].count, 5);
  });
});
