// The probe state machine (worker.go and prober_manager.go) on a fake clock,
// with exec probes answered by a fake runtime: thresholds, startup gating,
// initial delay, timeouts and errors, restarts, history, callbacks.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProbeManager, type NamedContainerInstance } from '../../main/kubelet/probes/probeManager.ts';
import type { Container, Pod, Probe } from '../../main/kubelet/types.ts';
import { NotFoundError, TimeoutError, type ExecSyncResult } from '../../main/runtime/runtime.ts';
import { FakeClock } from '../helpers/fakeClock.ts';

/** A result, an error to throw, or a promise for a probe still in flight. */
type Answer = ExecSyncResult | Error | Promise<ExecSyncResult>;
const ok: ExecSyncResult = { exitCode: 0, stdout: '', stderr: '' };
const fail: ExecSyncResult = { exitCode: 1, stdout: '', stderr: 'not yet' };

/** An exec probe whose command names it, so the fake runtime can answer each probe type apart. */
const probe = (name: string, settings: Omit<Probe, 'exec'> = {}): Probe => ({ exec: { command: [name] }, periodSeconds: 10, ...settings });

function podWith(app: Partial<Container>, spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'pod-1' },
    spec: { containers: [{ name: 'app', image: 'busybox', ...app }], ...spec },
  };
}

function harness(options: { historyLimit?: number } = {}) {
  const clock = new FakeClock();
  const answers = new Map<string, Answer[]>();
  const execs: Array<{ containerId: string; probe: string }> = [];
  const livenessFailures: Array<{ container: string; kind: string; containerId: string }> = [];
  let readinessChanges = 0;
  const manager = new ProbeManager({
    runtime: {
      execSync: async (containerId, command) => {
        const name = command[0]!;
        execs.push({ containerId, probe: name });
        const queue = answers.get(name) ?? [];
        // The last answer repeats once the queue is down to it.
        const answer = (queue.length > 1 ? queue.shift() : queue[0]) ?? ok;
        if (answer instanceof Error) throw answer;
        return await answer;
      },
    },
    network: () => undefined,
    clock,
    ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
    onLivenessFailure: (_pod, container, kind, containerId) => livenessFailures.push({ container: container.name, kind, containerId }),
    onReadinessChange: () => readinessChanges++,
  });
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    clock,
    manager,
    execs,
    livenessFailures,
    readinessChanges: () => readinessChanges,
    answer: (probeName: string, ...queue: Answer[]) => answers.set(probeName, queue),
    /** How many times this probe ran. */
    runs: (probeName: string) => execs.filter((e) => e.probe === probeName).length,
    running: (id = 'c1', name = 'app'): NamedContainerInstance => ({ name, id, state: 'running', startedAt: clock.now() }),
    settle,
    /** Moves the clock by whole periods of 10 s, letting each period's probes finish. */
    async periods(count: number) {
      for (let i = 0; i < count; i++) {
        clock.advance(10_000);
        await settle();
      }
    },
  };
}

describe('probe manager', () => {
  test('a new container is not ready and live before any probe ran; readiness follows the first success', async () => {
    const h = harness();
    h.manager.addPod(podWith({ readinessProbe: probe('ready'), livenessProbe: probe('alive') }), [h.running()]);
    assert.equal(h.manager.get('readiness', 'c1'), 'failure');
    assert.equal(h.manager.get('liveness', 'c1'), 'success');
    assert.equal(h.manager.readiness('pod-1', 'app'), false);
    await h.settle();
    assert.equal(h.manager.readiness('pod-1', 'app'), true);
    assert.equal(h.manager.startupDone('pod-1', 'app'), true);
  });

  test('a container without probes is ready and started once running', () => {
    const h = harness();
    h.manager.addPod(podWith({}), [h.running()]);
    assert.equal(h.manager.readiness('pod-1', 'app'), true);
    assert.equal(h.manager.startupDone('pod-1', 'app'), true);
    assert.equal(h.clock.pendingTimers, 0);
  });

  test('probes run at once, then every periodSeconds', async () => {
    const h = harness();
    h.manager.addPod(podWith({ livenessProbe: probe('alive') }), [h.running()]);
    await h.settle();
    assert.equal(h.runs('alive'), 1);
    await h.periods(3);
    assert.equal(h.runs('alive'), 4);
  });

  test('readiness needs successThreshold successes in a row and failureThreshold failures in a row to change', async () => {
    const h = harness();
    h.answer('ready', ok, fail, ok, ok, fail, fail, ok, fail, fail, fail);
    h.manager.addPod(podWith({ readinessProbe: probe('ready', { successThreshold: 2, failureThreshold: 3 }) }), [h.running()]);
    const seen: boolean[] = [];
    await h.settle();
    seen.push(h.manager.readiness('pod-1', 'app'));
    for (let i = 0; i < 9; i++) {
      await h.periods(1);
      seen.push(h.manager.readiness('pod-1', 'app'));
    }
    //             ok     fail   ok     ok    fail  fail  ok    fail  fail  fail
    assert.deepEqual(seen, [false, false, false, true, true, true, true, true, true, false]);
  });

  test('the kubelet hears of readiness only when it changes', async () => {
    const h = harness();
    h.answer('ready', ok);
    h.manager.addPod(podWith({ readinessProbe: probe('ready') }), [h.running()]);
    await h.settle();
    const afterFirst = h.readinessChanges();
    assert.equal(afterFirst, 2, 'the initial not-ready value for the new instance, then ready');
    await h.periods(5);
    assert.equal(h.readinessChanges(), afterFirst);
  });

  test('liveness failing failureThreshold times reports the container once, then holds until a new instance', async () => {
    const h = harness();
    h.answer('alive', fail);
    h.manager.addPod(podWith({ livenessProbe: probe('alive', { failureThreshold: 3 }) }), [h.running()]);
    await h.settle();
    await h.periods(1);
    assert.equal(h.manager.get('liveness', 'c1'), 'success', 'two failures are below the threshold');
    assert.deepEqual(h.livenessFailures, []);
    await h.periods(1);
    assert.equal(h.manager.get('liveness', 'c1'), 'failure');
    assert.deepEqual(h.livenessFailures, [{ container: 'app', kind: 'liveness', containerId: 'c1' }]);
    await h.periods(4);
    assert.equal(h.runs('alive'), 3, 'no probing while the container is about to be restarted');

    // The kubelet restarted it: a new instance starts over, and the old one's result is gone.
    h.answer('alive', fail, fail, ok);
    h.manager.updateContainer('pod-1', 'app', { id: 'c2', state: 'running', startedAt: h.clock.now() });
    assert.equal(h.manager.get('liveness', 'c1'), undefined);
    assert.equal(h.manager.get('liveness', 'c2'), 'success');
    await h.periods(3);
    assert.equal(h.runs('alive'), 6);
    assert.equal(h.manager.get('liveness', 'c2'), 'success', 'the counts started over with the new instance');
    assert.equal(h.livenessFailures.length, 1);
  });

  test('the startup probe holds liveness and readiness back, and stops once it succeeded', async () => {
    const h = harness();
    h.answer('started', fail, fail, ok);
    h.manager.addPod(podWith({ startupProbe: probe('started', { failureThreshold: 5 }), readinessProbe: probe('ready'), livenessProbe: probe('alive') }), [h.running()]);
    await h.settle();
    assert.equal(h.manager.get('startup', 'c1'), undefined, 'unknown until it concludes');
    await h.periods(1);
    assert.equal(h.manager.startupDone('pod-1', 'app'), false);
    assert.equal(h.runs('ready') + h.runs('alive'), 0);

    await h.periods(1);
    assert.equal(h.manager.get('startup', 'c1'), 'success');
    assert.equal(h.manager.startupDone('pod-1', 'app'), true);
    assert.equal(h.runs('ready'), 1, 'readiness is probed as soon as the container has started');
    assert.equal(h.manager.readiness('pod-1', 'app'), true);

    await h.periods(2);
    assert.equal(h.runs('started'), 3);
    assert.ok(h.runs('alive') >= 2);
  });

  test('a startup probe reaching its failureThreshold reports the container for a restart', async () => {
    const h = harness();
    h.answer('started', fail);
    h.manager.addPod(podWith({ startupProbe: probe('started', { failureThreshold: 2 }), livenessProbe: probe('alive') }), [h.running()]);
    await h.settle();
    await h.periods(1);
    assert.deepEqual(h.livenessFailures, [{ container: 'app', kind: 'startup', containerId: 'c1' }]);
    assert.equal(h.manager.get('startup', 'c1'), 'failure');
    assert.equal(h.runs('alive'), 0);
  });

  test('nothing is probed before initialDelaySeconds of the container running', async () => {
    const h = harness();
    h.manager.addPod(podWith({ livenessProbe: probe('alive', { initialDelaySeconds: 15 }) }), [h.running()]);
    await h.settle();
    await h.periods(1);
    assert.equal(h.runs('alive'), 0, 'at 0 s and 10 s');
    await h.periods(1);
    assert.equal(h.runs('alive'), 1, 'at 20 s');
  });

  test('a probe that times out counts as a failure', async () => {
    const h = harness();
    h.answer('ready', new TimeoutError('late'));
    h.manager.addPod(podWith({ readinessProbe: probe('ready', { timeoutSeconds: 2 }) }), [h.running()]);
    await h.settle();
    assert.equal(h.manager.readiness('pod-1', 'app'), false);
    const [record] = h.manager.history('pod-1', 'app', 'readiness');
    assert.equal(record?.outcome, 'failure');
    assert.equal(record?.message, 'command "ready" timed out');
  });

  test('a probe that errors is thrown away: it moves no threshold', async () => {
    const h = harness();
    h.answer('alive', new NotFoundError('No such container: c1'));
    h.manager.addPod(podWith({ livenessProbe: probe('alive', { failureThreshold: 1 }) }), [h.running()]);
    await h.settle();
    await h.periods(3);
    assert.equal(h.manager.get('liveness', 'c1'), 'success');
    assert.deepEqual(h.livenessFailures, []);
    const history = h.manager.history('pod-1', 'app', 'liveness');
    assert.equal(history.length, 4);
    assert.ok(history.every((r) => r.outcome === 'error' && r.message === 'No such container: c1'));
  });

  test('history keeps the last runs, in order, and subscribers see each run as it completes', async () => {
    const h = harness({ historyLimit: 3 });
    h.answer('alive', ok, fail, ok, fail, ok);
    const events: string[] = [];
    const unsubscribe = h.manager.subscribe((e) => events.push(`${e.podUid}/${e.containerName}/${e.kind}:${e.record.outcome}`));
    h.manager.addPod(podWith({ livenessProbe: probe('alive', { failureThreshold: 5 }) }), [h.running()]);
    await h.settle();
    await h.periods(4);
    const history = h.manager.history('pod-1', 'app', 'liveness');
    assert.deepEqual(history.map((r) => r.outcome), ['success', 'failure', 'success']);
    assert.deepEqual(history.map((r) => r.time - history[0]!.time), [0, 10_000, 20_000]);
    assert.ok(history.every((r) => r.containerId === 'c1' && r.latencyMs === 0));
    assert.equal(events.length, 5);
    assert.equal(events[1], 'pod-1/app/liveness:failure');
    unsubscribe();
    await h.periods(1);
    assert.equal(events.length, 5);
  });

  test('a container that stops running reads as not ready; with restartPolicy Never its workers end', async () => {
    const h = harness();
    h.manager.addPod(podWith({ readinessProbe: probe('ready') }, { restartPolicy: 'Never' }), [h.running()]);
    await h.settle();
    assert.equal(h.manager.readiness('pod-1', 'app'), true);
    const before = h.readinessChanges();
    h.manager.updateContainer('pod-1', 'app', { id: 'c1', state: 'exited' });
    await h.settle();
    assert.equal(h.manager.readiness('pod-1', 'app'), false);
    assert.equal(h.readinessChanges(), before + 1);
    assert.equal(h.clock.pendingTimers, 0, 'the worker ended');
    await h.periods(2);
    assert.equal(h.runs('ready'), 1);
  });

  test('an exited container that will be restarted keeps its worker, waiting for the next instance', async () => {
    const h = harness();
    h.manager.addPod(podWith({ readinessProbe: probe('ready') }), [h.running()]);
    await h.settle();
    h.manager.updateContainer('pod-1', 'app', { id: 'c1', state: 'exited' });
    await h.periods(2);
    assert.equal(h.runs('ready'), 1);
    h.manager.updatePodStatus('pod-1', [h.running('c2'), { name: 'app', id: 'c1', state: 'exited' }]);
    await h.settle();
    assert.equal(h.runs('ready'), 2, 'the new instance is probed at once');
    assert.equal(h.manager.readiness('pod-1', 'app'), true);
    assert.equal(h.manager.get('readiness', 'c1'), undefined);
  });

  test('a result that arrives after the container was replaced is dropped', async () => {
    const h = harness();
    let release!: (result: ExecSyncResult) => void;
    h.answer('alive', new Promise<ExecSyncResult>((resolve) => (release = resolve)));
    h.manager.addPod(podWith({ livenessProbe: probe('alive', { failureThreshold: 1 }) }), [h.running('c1')]);
    await h.settle();
    h.manager.updateContainer('pod-1', 'app', h.running('c2'));
    release(fail);
    await h.settle();
    assert.equal(h.manager.get('liveness', 'c2'), 'success');
    assert.deepEqual(h.livenessFailures, []);
    assert.deepEqual(h.manager.history('pod-1', 'app', 'liveness'), []);
  });

  test('periods that pass while a probe is in flight add one run after it, not one per period', async () => {
    const h = harness();
    let release!: (result: ExecSyncResult) => void;
    h.answer('alive', new Promise<ExecSyncResult>((resolve) => (release = resolve)));
    h.manager.addPod(podWith({ livenessProbe: probe('alive') }), [h.running()]);
    await h.periods(3);
    assert.equal(h.runs('alive'), 1);
    release(ok);
    await h.settle();
    assert.equal(h.runs('alive'), 2);
    await h.periods(1);
    assert.equal(h.runs('alive'), 3);
  });

  test('stopLivenessAndStartup leaves readiness probing; removePod stops everything and forgets the pod', async () => {
    const h = harness();
    h.manager.addPod(podWith({ readinessProbe: probe('ready'), livenessProbe: probe('alive') }), [h.running()]);
    await h.settle();
    h.manager.stopLivenessAndStartup('pod-1');
    assert.equal(h.manager.get('liveness', 'c1'), undefined);
    await h.periods(2);
    assert.equal(h.runs('alive'), 1);
    assert.equal(h.runs('ready'), 3);

    h.manager.removePod('pod-1');
    assert.equal(h.clock.pendingTimers, 0);
    assert.deepEqual(h.manager.history('pod-1', 'app', 'readiness'), []);
    assert.equal(h.manager.readiness('pod-1', 'app'), false);
    assert.equal(h.manager.get('readiness', 'c1'), undefined);
  });

  test('restartable init containers (sidecars) are probed; plain init containers are not', async () => {
    const h = harness();
    const pod = podWith({}, {
      initContainers: [
        { name: 'setup', image: 'busybox', readinessProbe: probe('setup-ready') },
        { name: 'proxy', image: 'busybox', restartPolicy: 'Always', readinessProbe: probe('proxy-ready') },
      ],
    });
    h.manager.addPod(pod, [h.running('s1', 'proxy')]);
    await h.settle();
    assert.equal(h.runs('proxy-ready'), 1);
    assert.equal(h.runs('setup-ready'), 0);
    assert.equal(h.manager.readiness('pod-1', 'proxy'), true);
  });

  test('addPod again only reports instances: workers are not duplicated', async () => {
    const h = harness();
    const pod = podWith({ livenessProbe: probe('alive') });
    h.manager.addPod(pod, []);
    await h.settle();
    assert.equal(h.runs('alive'), 0, 'no instance yet');
    h.manager.addPod(pod, [h.running()]);
    await h.periods(1);
    h.manager.addPod(pod, [h.running()]);
    await h.periods(1);
    assert.equal(h.runs('alive'), 2);
  });
});
