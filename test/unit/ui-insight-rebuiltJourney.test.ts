// A pod's journey where no PodLab trace exists, rebuilt from its
// creationTimestamp, conditions, container states and events, grouped by the
// seed's steps as PodLab's own journey is, to the second.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuiltJourney } from '../../main/insight/rebuiltJourney.ts';
import type { EventView, PodView } from '../../main/insight/podView.ts';
import { journeyComplete, journeyLayout } from '../../renderer/pod/journeyLayout.ts';

const pod: PodView = {
  metadata: { name: 'web', namespace: 'shop', uid: '0f6b2c1e-1111-4222-8333-444455556666', creationTimestamp: '2025-01-10T10:00:00Z' },
  spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'busybox:1.36' }] },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-10T10:00:01Z' },
      { type: 'Initialized', status: 'True', lastTransitionTime: '2025-01-10T10:00:01Z' },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: '2025-01-10T10:00:09Z' },
      { type: 'Ready', status: 'True', lastTransitionTime: '2025-01-10T10:00:09Z' },
    ],
    containerStatuses: [
      {
        name: 'app',
        ready: true,
        restartCount: 1,
        state: { running: { startedAt: '2025-01-10T10:00:08Z' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2025-01-10T10:00:05Z', finishedAt: '2025-01-10T10:00:06Z' } },
      },
    ],
  },
};

function event(reason: string, message: string, at: string, fields: Partial<EventView> = {}): EventView {
  return { metadata: { name: `web.${reason}` }, reason, message, count: 1, firstTimestamp: at, lastTimestamp: at, involvedObject: { kind: 'Pod', name: 'web', fieldPath: reason === 'Scheduled' ? undefined : 'spec.containers{app}' }, source: { component: reason === 'Scheduled' ? 'default-scheduler' : 'kubelet' }, ...fields };
}

const events = [
  event('Scheduled', 'Successfully assigned shop/web to worker-1', '2025-01-10T10:00:01Z'),
  event('Pulling', 'Pulling image "busybox:1.36"', '2025-01-10T10:00:02Z'),
  event('Pulled', 'Successfully pulled image "busybox:1.36" in 2.512s (2.512s including waiting). Image size: 4269694 bytes.', '2025-01-10T10:00:04Z'),
  event('Created', 'Created container app', '2025-01-10T10:00:04Z'),
  event('Started', 'Started container app', '2025-01-10T10:00:05Z'),
];

test('the journey is rebuilt step by step from timestamps, conditions, container states and events, to the second', () => {
  const trace = rebuiltJourney(pod, events);
  assert.match(trace.rebuilt ?? '', /whole seconds/);
  assert.equal(trace.traceId, '0f6b2c1e111142228333444455556666');
  const layout = journeyLayout(trace);
  assert.deepEqual(
    layout.groups.map((g) => [g.title, g.bars.map((b) => `${b.span.name} +${b.offsetMs / 1000}s ${b.durationMs / 1000}s${b.span.status === 'error' ? ' error' : ''}`)]),
    [
      ['3 Persist', ['created and stored +0s 0s']],
      ['4 Schedule', ['bind to worker-1 +0s 1s']],
      ['5 Execution on the node', ['pull busybox:1.36 +2s 2s', 'container app ran +5s 1s error', 'start container app +8s 0s']],
      ['6 Status', ['containers ready +9s 0s', 'Ready +9s 0s']],
    ],
  );
  const pull = trace.spans.find((s) => s.name === 'pull busybox:1.36')!;
  assert.equal(pull.attributes['duration (kubelet)'], '2.512s');
  assert.equal(pull.attributes.precision, '1 s');
  assert.equal(trace.spans.find((s) => s.name === 'container app ran')!.message, 'exited with code 1 (Error)');
  assert.equal(layout.readyMs, 9000);
  assert.equal(journeyComplete(trace), true);
});

test('a pod the scheduler cannot place has its creation and the failed scheduling, and is not complete', () => {
  const pending: PodView = { metadata: { ...pod.metadata }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: '2025-01-10T10:00:00Z' }] } };
  const failed = event('FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.', '2025-01-10T10:00:00Z', { lastTimestamp: '2025-01-10T10:05:00Z', count: 6, source: { component: 'default-scheduler' } });
  const trace = rebuiltJourney(pending, [failed]);
  assert.deepEqual(
    trace.spans.map((s) => [s.step, s.name, s.status, s.endMs - s.startMs]),
    [
      ['persist', 'created and stored', 'ok', 0],
      ['schedule', 'FailedScheduling', 'error', 300_000],
    ],
  );
  assert.equal(journeyComplete(trace), false);
});
