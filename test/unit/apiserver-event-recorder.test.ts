// Events as `kubectl describe` shows them: repeats counted on one Event,
// floods of similar events combined, and a source's events about one object
// limited to a burst of 25 then one per five minutes, as client-go's
// EventCorrelator does.

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
    return list.items as Array<KubeObject & { reason: string; message: string; count: number; type: string; firstTimestamp: string; lastTimestamp: string; involvedObject: { name: string; kind: string } }>;
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

  it('stamps an event when it happens, not when its write gets its turn', async () => {
    let nowMs = Date.parse('2026-03-01T10:00:00Z');
    const recorder = new EventRecorder(env.client, { component: 'kubelet', host: 'node-4' }, () => new Date(nowMs));
    recorder.event(pod, 'Normal', 'Stamped', 'stamped when it happened');
    nowMs += 7_000;
    // The same event again: written after the first, as a count on it.
    recorder.event(pod, 'Normal', 'Stamped', 'stamped when it happened');
    nowMs += 60_000;
    await recorder.flush();
    const [stamped] = (await events()).filter((e) => e.reason === 'Stamped');
    assert.equal(stamped!.count, 2);
    assert.equal(stamped!.firstTimestamp, '2026-03-01T10:00:00Z');
    assert.equal(stamped!.lastTimestamp, '2026-03-01T10:00:07Z');
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

  it('writes 25 events from one source about one object, then one per five minutes, still counting the dropped ones', async () => {
    const other = await env.client.resource({ group: '', version: 'v1', plural: 'pods' }).create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'flood' },
      spec: { containers: [{ name: 'app', image: 'busybox' }] },
    });
    let nowMs = Date.parse('2026-01-01T00:00:00Z');
    const recorder = new EventRecorder(env.client, { component: 'kubelet', host: 'node-1' }, () => new Date(nowMs));
    const eventsOf = async () => {
      const list = await env.client.resource({ group: '', version: 'v1', plural: 'events' }).list('default', { fieldSelector: `involvedObject.uid=${other.metadata.uid}` });
      return list.items as Array<KubeObject & { reason: string; count: number; source: { host: string } }>;
    };
    for (let i = 0; i < 30; i++) recorder.event(other, 'Warning', 'BackOff', 'Back-off restarting failed container app');
    // Another object from the same source has a bucket of its own.
    recorder.event(pod, 'Normal', 'Killing', 'Stopping container app');
    await recorder.flush();
    assert.equal((await eventsOf())[0]!.count, 25, 'one create and 24 count updates: the burst');
    assert.ok((await events()).some((e) => e.reason === 'Killing'));

    nowMs += 299_999;
    recorder.event(other, 'Warning', 'BackOff', 'Back-off restarting failed container app');
    await recorder.flush();
    assert.equal((await eventsOf())[0]!.count, 25, 'no token back before five minutes');

    nowMs += 1;
    recorder.event(other, 'Warning', 'BackOff', 'Back-off restarting failed container app');
    await recorder.flush();
    assert.equal((await eventsOf())[0]!.count, 32, 'the one written counts the 7 dropped before it');

    // Another source (the kubelet of another node) is not held back by this one.
    const elsewhere = new EventRecorder(env.client, { component: 'kubelet', host: 'node-2' }, () => new Date(nowMs));
    elsewhere.event(other, 'Normal', 'Pulled', 'pulled');
    await elsewhere.flush();
    assert.ok((await eventsOf()).some((e) => e.reason === 'Pulled' && e.source.host === 'node-2'));
  });

  it('remembers the similar events of the 4096 objects it recorded about last, as client-go\'s LRU cache, not of every object it ever saw', async () => {
    const recorder = new EventRecorder(env.client, { component: 'kubelet', host: 'node-3' });
    const target = { ...pod, metadata: { ...pod.metadata, name: 'remembered', uid: 'uid-remembered' } };
    const combinedAbout = async (uid: string) => {
      const list = await env.client.resource({ group: '', version: 'v1', plural: 'events' }).list('default', { fieldSelector: `involvedObject.uid=${uid}` });
      return (list.items as Array<KubeObject & { message: string }>).filter((e) => e.message.startsWith('(combined')).length;
    };
    for (let i = 0; i < 10; i++) recorder.event(target, 'Normal', 'Pulled', `image ${i} pulled`);
    // 4095 other objects: the target's ten messages are still the least recent but one, and remembered.
    for (let i = 0; i < 4095; i++) recorder.event({ ...pod, metadata: { ...pod.metadata, name: `other-${i}`, uid: `uid-other-${i}` } }, 'Normal', 'Pulled', 'pulled');
    recorder.event(target, 'Normal', 'Pulled', 'image 10 pulled');
    await recorder.flush();
    assert.equal(await combinedAbout('uid-remembered'), 1, 'the eleventh similar message is combined');

    const forgotten = { ...pod, metadata: { ...pod.metadata, name: 'forgotten', uid: 'uid-forgotten' } };
    for (let i = 0; i < 10; i++) recorder.event(forgotten, 'Normal', 'Pulled', `image ${i} pulled`);
    for (let i = 0; i < 4096; i++) recorder.event({ ...pod, metadata: { ...pod.metadata, name: `later-${i}`, uid: `uid-later-${i}` } }, 'Normal', 'Pulled', 'pulled');
    recorder.event(forgotten, 'Normal', 'Pulled', 'image 10 pulled');
    await recorder.flush();
    assert.equal(await combinedAbout('uid-forgotten'), 0, 'its first ten were forgotten: the eleventh starts again');
  });
});
