// A followed log outlives its container instance: when the container stops
// and the kubelet starts it again, the stream says so and follows the new one.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LogEvent } from '../../preload/api.ts';
import { LogSessions } from '../../main/ui/logSessions.ts';
import type { PodLogOptions, PodStreams } from '../../main/ui/podStreams.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

const pods = { group: '', version: 'v1', plural: 'pods' };

async function setInstance(restartCount: number, containerID: string) {
  const pod = await api.client.resource(pods).get('default', 'looper');
  await api.client.resource(pods).updateStatus('default', {
    ...pod,
    status: {
      ...(pod.status as object),
      phase: 'Running',
      containerStatuses: [{ name: 'app', image: 'busybox:1.36', imageID: '', ready: true, restartCount, containerID, state: { running: { startedAt: '2025-01-10T10:00:00Z' } } }],
    },
  });
}

function waitFor(events: LogEvent[], predicate: (e: LogEvent) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const check = () => (events.some(predicate) ? resolve() : Date.now() > deadline ? reject(new Error(`not seen in ${JSON.stringify(events)}`)) : setTimeout(check, 10));
    check();
  });
}

test('following a log across a container restart', async () => {
  await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'looper' }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox:1.36' }] } });
  await setInstance(0, 'docker://first');
  const calls: PodLogOptions[] = [];
  const instances = ['first instance\n', 'second instance\n'];
  const streams: PodStreams = {
    async *logs(_ns, _pod, options) {
      calls.push(options);
      yield instances[calls.length - 1] ?? '';
    },
    exec: () => Promise.reject(new Error('unused')),
    portForward: () => Promise.reject(new Error('unused')),
  };
  const events: LogEvent[] = [];
  const sessions = new LogSessions((e) => events.push(e));
  const id = await sessions.start(api.client, streams, { namespace: 'default', pod: 'looper', follow: true, tailLines: 100 });
  await waitFor(events, (e) => e.notice?.includes('waiting for its next start') ?? false);
  await setInstance(1, 'docker://second');
  await waitFor(events, (e) => e.data === 'second instance\n');
  assert.deepEqual(
    events.map((e) => e.data ?? e.notice),
    ['first instance\n', 'container "app" stopped; waiting for its next start...', 'container "app" restarted (restart 1): following the new instance', 'second instance\n', 'container "app" stopped; waiting for its next start...'].slice(0, events.length),
  );
  assert.equal(calls[0].tailLines, 100);
  assert.equal(calls[1].tailLines, undefined, 'the new instance is read from its start');
  assert.ok(events.every((e) => e.streamId === id));
  sessions.stop(id);
});
