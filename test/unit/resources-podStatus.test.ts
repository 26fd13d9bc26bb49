// The STATUS, READY and RESTARTS cells of `kubectl get pods`, case by case as printPod computes them.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summarizePod } from '../../main/apiserver/resources/shared/podPrinting.ts';
import type { JsonObject } from '../../main/apiserver/resources/shared/json.ts';

const now = new Date('2025-01-01T12:00:00Z');

function pod(status: JsonObject, spec: JsonObject = { containers: [{ name: 'app' }] }, metadata: JsonObject = {}): JsonObject {
  return { metadata: { name: 'p', ...metadata }, spec, status };
}

const running = { running: { startedAt: '2025-01-01T11:00:00Z' } };

describe('pod STATUS column', () => {
  const cases: Array<[string, JsonObject, string, JsonObject?, JsonObject?]> = [
    ['Pending before scheduling', { phase: 'Pending' }, 'Pending'],
    ['ContainerCreating', { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, restartCount: 0 }] }, 'ContainerCreating'],
    ['ImagePullBackOff', { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off' } } }] }, 'ImagePullBackOff'],
    ['ErrImagePull', { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ErrImagePull' } } }] }, 'ErrImagePull'],
    ['CrashLoopBackOff', { phase: 'Running', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 4 }] }, 'CrashLoopBackOff'],
    ['Running', { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: running }] }, 'Running'],
    ['Completed', { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, 'Completed'],
    ['Error', { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }, 'Error'],
    ['OOMKilled', { phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }, 'OOMKilled'],
    ['ExitCode without a reason', { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 3 } } }] }, 'ExitCode:3'],
    ['Signal without a reason', { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, signal: 9 } } }] }, 'Signal:9'],
    ['pod-level reason (Evicted)', { phase: 'Failed', reason: 'Evicted' }, 'Evicted'],
    [
      'Init:0/1 while the init container runs',
      { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: running }], containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }] },
      'Init:0/1',
      { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
    ],
    [
      'Init:1/2 after the first init container',
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'b', state: running },
        ],
      },
      'Init:1/2',
      { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'app' }] },
    ],
    [
      'Init:CrashLoopBackOff',
      { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 2 }] },
      'Init:CrashLoopBackOff',
      { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
    ],
    [
      'Init:Error',
      { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 1, reason: 'Error' } } }] },
      'Init:Error',
      { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
    ],
    [
      'Init:ExitCode',
      { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 2 } } }] },
      'Init:ExitCode:2',
      { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
    ],
    [
      'SchedulingGated',
      { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
      'SchedulingGated',
    ],
    [
      'NotReady when one container finished and another runs without Ready',
      {
        phase: 'Running',
        containerStatuses: [
          { name: 'a', ready: true, state: running },
          { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      },
      'NotReady',
      { containers: [{ name: 'a' }, { name: 'b' }] },
    ],
    [
      'Running when one container finished and the pod is Ready',
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'a', ready: true, state: running },
          { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      },
      'Running',
      { containers: [{ name: 'a' }, { name: 'b' }] },
    ],
    ['Terminating', { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: running }] }, 'Terminating', undefined, { deletionTimestamp: '2025-01-01T11:59:00Z' }],
    ['a finished pod being deleted stays Completed', { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, 'Completed', undefined, { deletionTimestamp: '2025-01-01T11:59:00Z' }],
    ['Unknown on a lost node', { phase: 'Running', reason: 'NodeLost' }, 'Unknown', undefined, { deletionTimestamp: '2025-01-01T11:59:00Z' }],
  ];
  for (const [name, status, expected, spec, metadata] of cases) {
    it(name, () => assert.equal(summarizePod(pod(status, spec, metadata), now).status, expected));
  }
});

describe('pod READY and RESTARTS columns', () => {
  it('counts ready containers', () => {
    const summary = summarizePod(
      pod(
        { phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: running }, { name: 'b', ready: false, state: running }] },
        { containers: [{ name: 'a' }, { name: 'b' }] },
      ),
      now,
    );
    assert.equal(summary.ready, '1/2');
  });
  it('counts sidecars (restartable init containers) as containers', () => {
    const summary = summarizePod(
      pod(
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ name: 'side', ready: true, started: true, state: running }],
          containerStatuses: [{ name: 'app', ready: true, state: running }],
        },
        { initContainers: [{ name: 'side', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
      ),
      now,
    );
    assert.deepEqual([summary.ready, summary.status], ['2/2', 'Running']);
  });
  it('shows restarts with the time of the last one', () => {
    const summary = summarizePod(
      pod({
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: true, state: running, restartCount: 5, lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-01T11:55:00Z' } } }],
      }),
      now,
    );
    assert.equal(summary.restarts, '5 (5m ago)');
  });
  it('shows a plain count without a last termination time', () => {
    assert.equal(summarizePod(pod({ phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 2, state: running }] }), now).restarts, '2');
    assert.equal(summarizePod(pod({ phase: 'Pending' }), now).restarts, '0');
  });
});
