// The pod timeline: the flow's steps in order from the pod, its conditions
// and its events, ties within one second broken the way the steps happen.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podTimeline } from '../../main/insight/podTimeline.ts';
import { event, pod } from './ui-insight-fixtures.ts';

const at = (second: number) => `2025-01-10T10:00:${String(second).padStart(2, '0')}Z`;

test('a pod that started: API, scheduler, sandbox, image, container, Ready, in that order (no init step without init containers)', () => {
  const p = pod('web', { nodeName: 'node-1', containers: [{ name: 'web', image: 'busybox:1.36' }] }, {
    phase: 'Running',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: at(1) },
      { type: 'Ready', status: 'True', lastTransitionTime: at(2) },
      { type: 'Initialized', status: 'True', lastTransitionTime: at(0) },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: at(2) },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
    ],
  });
  const normal = (reason: string, message: string, second: number) => event(p, reason, message, { type: 'Normal', firstTimestamp: at(second), lastTimestamp: at(second) });
  // Listed out of order, as a watch may deliver them.
  const events = [
    normal('Started', 'Started container web', 1),
    normal('Created', 'Created container: web', 1),
    normal('Pulled', 'Container image "busybox:1.36" already present on machine', 1),
    normal('Scheduled', 'Successfully assigned shop/web to node-1', 0),
  ];
  const timeline = podTimeline(p, events);
  assert.deepEqual(
    timeline.map((e) => [e.step, e.reason ?? e.title]),
    [
      ['api', 'Accepted by the API server and stored'],
      ['schedule', 'Scheduled'],
      ['node', 'PodReadyToStartContainers'],
      ['image', 'Pulled'],
      ['container', 'Created'],
      ['container', 'Started'],
      ['ready', 'ContainersReady'],
      ['ready', 'Ready'],
    ],
  );
  assert.equal(timeline.find((e) => e.reason === 'Ready')?.title, 'Ready: Services send it traffic');
});

test('a crash loop: each repeated event once with its count, and the exits with their codes', () => {
  const p = pod('crashing', { nodeName: 'node-1', containers: [{ name: 'app' }] }, {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(20), finishedAt: at(22) } },
      },
    ],
  });
  const backOff = event(p, 'BackOff', 'Back-off restarting failed container app in pod crashing_shop(uid-crashing)', { firstTimestamp: at(4), lastTimestamp: at(23), count: 3 });
  const pullBackOff = event(p, 'BackOff', 'Back-off pulling image "nope:1"', { firstTimestamp: at(5), lastTimestamp: at(5) });
  const timeline = podTimeline(p, [backOff, pullBackOff]);
  const restart = timeline.find((e) => e.detail === backOff.message);
  assert.equal(restart?.step, 'container');
  assert.equal(restart?.title, `BackOff (x3, last at ${at(23)})`);
  assert.equal(restart?.tone, 'bad');
  assert.equal(timeline.find((e) => e.detail === pullBackOff.message)?.step, 'image');
  const exit = timeline.at(-1);
  assert.deepEqual([exit?.time, exit?.title, exit?.tone], [at(22), 'Container app exited with code 1 (Error)', 'bad']);
});
