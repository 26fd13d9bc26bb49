// A followed log outlives its container instance: when the container stops
// and the kubelet starts it again, the stream says so and follows the new one.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LogEvent } from '../../preload/api.ts';
import { LogSessions } from '../../main/ui/logSessions.ts';
import type { PodLogOptions, PodStreams } from '../../main/ui/podStreams.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { InterceptingClient } from '../helpers/interceptingClient.ts';

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

/** Events as they come, and a promise for the first one that matches (no polling, no wall time). */
function eventLog() {
  const events: LogEvent[] = [];
  const waiters: Array<{ match: (e: LogEvent) => boolean; resolve: () => void }> = [];
  return {
    events,
    push(event: LogEvent) {
      events.push(event);
      for (const w of waiters.filter((w) => w.match(event))) w.resolve();
    },
    seen(match: (e: LogEvent) => boolean): Promise<void> {
      if (events.some(match)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

async function setContainerState(name: string, phase: string, state: object) {
  const pod = await api.client.resource(pods).get('default', name);
  await api.client.resource(pods).updateStatus('default', {
    ...pod,
    status: { ...(pod.status as object), phase, containerStatuses: [{ name: 'app', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, containerID: 'docker://one', state }] },
  });
}

/** Streams as the API answers them: 400 "waiting to start" until the container has run. */
function apiLikeStreams(lines: string): PodStreams & { calls: number } {
  const streams = {
    calls: 0,
    async *logs(namespace: string, name: string, options: PodLogOptions) {
      streams.calls++;
      const pod = (await api.client.resource(pods).get(namespace, name)) as { status?: { containerStatuses?: Array<{ state?: { running?: object; waiting?: { reason?: string } } }> } };
      const state = pod.status?.containerStatuses?.[0]?.state;
      if (!state?.running) throw new Error(`container "${options.container}" in pod "${name}" is waiting to start: ${state?.waiting?.reason ?? 'no logs yet'}`);
      yield lines;
    },
    exec: () => Promise.reject(new Error('unused')),
    portForward: () => Promise.reject(new Error('unused')),
  };
  return streams;
}

test('a log opened before its container starts says it waits, then shows the lines once the container runs', async () => {
  await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'slow' }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox:1.36' }] } });
  await setContainerState('slow', 'Pending', { waiting: { reason: 'ContainerCreating' } });
  const streams = apiLikeStreams('hello from app\n');
  const log = eventLog();
  const sessions = new LogSessions((e) => log.push(e));
  const id = await sessions.start(api.client, streams, { namespace: 'default', pod: 'slow', follow: true, tailLines: 100 });
  await log.seen((e) => e.notice !== undefined || e.end !== undefined);
  assert.deepEqual(log.events.map((e) => e.notice ?? e.end), ['container "app" is waiting to start (ContainerCreating): the log opens once it runs']);
  assert.equal(streams.calls, 0, 'no log is read before the container runs');

  await setContainerState('slow', 'Running', { running: { startedAt: '2025-01-10T10:00:00Z' } });
  await log.seen((e) => e.data === 'hello from app\n');
  assert.deepEqual(log.events.slice(0, 3).map((e) => e.data ?? e.notice), ['container "app" is waiting to start (ContainerCreating): the log opens once it runs', 'container "app" started', 'hello from app\n']);
  assert.ok(log.events.every((e) => !e.end?.error), JSON.stringify(log.events));
  sessions.stop(id);
});

test('a log waiting for a container that never starts ends when the pod fails', async () => {
  await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'doomed' }, spec: { nodeName: 'node-1', restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] } });
  await setContainerState('doomed', 'Pending', { waiting: { reason: 'PodInitializing' } });
  const streams = apiLikeStreams('never\n');
  const log = eventLog();
  const sessions = new LogSessions((e) => log.push(e));
  await sessions.start(api.client, streams, { namespace: 'default', pod: 'doomed', follow: true });
  await log.seen((e) => e.notice?.includes('waiting to start') ?? false);
  await setContainerState('doomed', 'Failed', { waiting: { reason: 'PodInitializing' } });
  await log.seen((e) => e.end !== undefined);
  assert.deepEqual(log.events.map((e) => e.notice ?? e.end), ['container "app" is waiting to start (PodInitializing): the log opens once it runs', 'pod doomed has failed: its containers do not run again', {}]);
  assert.equal(streams.calls, 0);
});

test('a log waiting for its container outlives a watch the server ends', async () => {
  await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'patient' }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox:1.36' }] } });
  await setContainerState('patient', 'Pending', { waiting: { reason: 'ContainerCreating' } });
  const client = new InterceptingClient(api.client);
  const streams = apiLikeStreams('at last\n');
  const log = eventLog();
  const sessions = new LogSessions((e) => log.push(e));
  const id = await sessions.start(client, streams, { namespace: 'default', pod: 'patient', follow: true });
  await log.seen((e) => e.notice?.includes('waiting to start') ?? false);
  assert.equal(client.openWatches, 1);
  // As kube-apiserver ends a watch at its request timeout.
  client.endWatches();
  await setContainerState('patient', 'Running', { running: { startedAt: '2025-01-10T10:00:00Z' } });
  await log.seen((e) => e.data === 'at last\n' || e.end !== undefined);
  assert.deepEqual(log.events.map((e) => e.data ?? e.notice ?? e.end).slice(0, 3), ['container "app" is waiting to start (ContainerCreating): the log opens once it runs', 'container "app" started', 'at last\n']);
  sessions.stop(id);
});
