// Probe runs in a pod's journey, on a fake clock: failures (the same one
// counted once while it repeats), the success that follows, no repeated
// successes, and after the pod has been Ready only failures.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JourneyRecorder } from '../../main/kube/trace/journeyRecorder.ts';
import { ProbeManager } from '../../main/kubelet/probes/probeManager.ts';
import { recordProbeSpans } from '../../main/kubelet/probes/probeSpans.ts';
import type { Pod } from '../../main/kubelet/types.ts';
import type { ExecSyncResult } from '../../main/runtime/runtime.ts';
import { FakeClock } from '../helpers/fakeClock.ts';

const ok: ExecSyncResult = { exitCode: 0, stdout: '', stderr: '' };
const notYet: ExecSyncResult = { exitCode: 1, stdout: '', stderr: 'not yet' };

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'pod-1' },
  spec: { containers: [{ name: 'app', image: 'busybox', readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 10 } }] },
};

describe('probe runs in the journey', () => {
  test('failures until the app answers, then the first success; later successes only while the pod was never Ready', async () => {
    const clock = new FakeClock();
    const answers: ExecSyncResult[] = [notYet, notYet, ok, ok, ok, notYet, notYet];
    const manager = new ProbeManager({ runtime: { execSync: async () => answers.shift() ?? ok }, network: () => undefined, clock });
    const journeys = new JourneyRecorder({ clock });
    const stop = recordProbeSpans(manager, journeys);
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    const period = async () => {
      clock.advance(10_000);
      await settle();
    };

    manager.addPod(pod, [{ name: 'app', id: 'c1', state: 'running', startedAt: clock.now() }]);
    await settle(); // notYet
    await period(); // notYet: the same failure, counted on the first span
    await period(); // ok: recorded
    await period(); // ok again: no news
    journeys.markReady({ namespace: 'default', name: 'web', uid: 'pod-1' });
    await period(); // ok after Ready: not recorded
    await period(); // notYet after Ready: recorded
    await period(); // the same failure again
    stop();

    const spans = journeys.trace('default', 'web')!.spans;
    assert.deepEqual(
      spans.map((s) => [s.step, s.name, s.status, s.attributes.result, s.attributes.repeats]),
      [
        ['status', 'probe readiness app', 'error', 'failure', 1],
        ['status', 'probe readiness app', 'ok', 'success', undefined],
        ['status', 'probe readiness app', 'error', 'failure', 1],
      ],
    );
    assert.equal(spans[0]!.component, 'kubelet');
    assert.equal(spans[0]!.endMs - spans[0]!.startMs, 10_000, 'a repeated failure stretches its span to the last repeat');
    assert.match(spans[0]!.message!, /not yet/);
    manager.stop();
  });
});
