// A probe's history on a cluster whose kubelets are not PodLab's: the
// kubelet's Unhealthy events (failures, counted, first and last time) and the
// Killing events of a liveness or startup restart, per container and probe.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeEventHistory, probeEvents } from '../../main/insight/probeEvents.ts';
import type { EventView } from '../../main/insight/podView.ts';

function event(reason: string, message: string, container: string, count: number, first: string, last: string): EventView {
  return {
    metadata: { name: `web.${reason}.${first}`, namespace: 'shop' },
    reason,
    message,
    type: reason === 'Unhealthy' ? 'Warning' : 'Normal',
    count,
    firstTimestamp: first,
    lastTimestamp: last,
    involvedObject: { kind: 'Pod', name: 'web', fieldPath: `spec.containers{${container}}` },
  };
}

const events: EventView[] = [
  event('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', 'app', 12, '2025-01-10T10:00:05Z', '2025-01-10T10:01:00Z'),
  event('Unhealthy', 'Liveness probe failed: Get "http://10.0.0.7:8080/healthz": dial tcp 10.0.0.7:8080: connect: connection refused', 'app', 3, '2025-01-10T10:00:10Z', '2025-01-10T10:00:30Z'),
  event('Killing', 'Container app failed liveness probe, will be restarted', 'app', 1, '2025-01-10T10:00:30Z', '2025-01-10T10:00:30Z'),
  event('Unhealthy', 'Startup probe errored and resulted in unknown state: exec: "check": executable file not found', 'sidecar', 1, '2025-01-10T10:00:02Z', '2025-01-10T10:00:02Z'),
  event('Killing', 'Stopping container app', 'app', 1, '2025-01-10T10:02:00Z', '2025-01-10T10:02:00Z'),
  event('Pulled', 'Successfully pulled image "busybox:1.36" in 1.2s (1.2s including waiting)', 'app', 1, '2025-01-10T10:00:01Z', '2025-01-10T10:00:01Z'),
];

test('Unhealthy and probe Killing events become each probe\'s failures and restarts, newest first, with count and first and last time', () => {
  const entries = probeEventHistory(events);
  assert.deepEqual(probeEvents(entries, 'app', 'readiness'), [
    { container: 'app', kind: 'readiness', outcome: 'failed', count: 12, firstAt: '2025-01-10T10:00:05Z', lastAt: '2025-01-10T10:01:00Z', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404' },
  ]);
  assert.deepEqual(
    probeEvents(entries, 'app', 'liveness').map((e) => [e.outcome, e.count, e.lastAt]),
    [
      ['restarted', 1, '2025-01-10T10:00:30Z'],
      ['failed', 3, '2025-01-10T10:00:30Z'],
    ],
  );
  assert.deepEqual(probeEvents(entries, 'sidecar', 'startup').map((e) => e.outcome), ['failed']);
  // A Killing that is no probe's (a delete, a rollout) and events of other reasons are no probe history.
  assert.equal(entries.length, 4);
});

test('an events.k8s.io event without first and last timestamps is timed by its eventTime', () => {
  const [entry] = probeEventHistory([{ ...event('Unhealthy', 'Readiness probe failed: ', 'app', 1, '', ''), firstTimestamp: null, lastTimestamp: null, eventTime: '2025-01-10T10:03:00.000000Z' }]);
  assert.equal(entry!.firstAt, '2025-01-10T10:03:00.000000Z');
  assert.equal(entry!.lastAt, '2025-01-10T10:03:00.000000Z');
});
