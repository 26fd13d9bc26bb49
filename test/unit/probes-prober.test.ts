// The prober's events and results, as prober.go records them, over exec
// probes with a fake runtime.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Prober, type ProbeEventSink } from '../../main/kubelet/probes/prober.ts';
import type { Container, Pod, Probe } from '../../main/kubelet/types.ts';
import { NotFoundError, TimeoutError, type ExecSyncResult } from '../../main/runtime/runtime.ts';

interface Recorded {
  type: string;
  reason: string;
  message: string;
  fieldContainer: string;
  containerId: string | undefined;
}

function setup(exec: () => Promise<ExecSyncResult>) {
  const events: Recorded[] = [];
  let execs = 0;
  const sink: ProbeEventSink = {
    container: (_pod, container, type, reason, message, containerId) => events.push({ type, reason, message, fieldContainer: container.name, containerId }),
  };
  const prober = new Prober({
    runtime: { execSync: () => (execs++, exec()) },
    network: () => ({ podIP: '10.244.0.9', published: () => undefined }),
    events: sink,
  });
  return { prober, events, execs: () => execs };
}

function podWith(probe: Probe, field: 'livenessProbe' | 'readinessProbe' | 'startupProbe' = 'livenessProbe'): { pod: Pod; container: Container } {
  const container: Container = { name: 'app', image: 'busybox', [field]: probe };
  return { container, pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [container] } } };
}

const exec: Probe = { exec: { command: ['cat', '/tmp/healthy'] } };

describe('prober', () => {
  test('a success records nothing', async () => {
    const { prober, events } = setup(async () => ({ exitCode: 0, stdout: 'ok', stderr: '' }));
    const { pod, container } = podWith(exec);
    assert.deepEqual(await prober.probe('liveness', pod, container, 'c1'), { result: 'success', message: 'ok' });
    assert.deepEqual(events, []);
  });

  test('a failure records Warning Unhealthy "<Type> probe failed: <output>" against the container', async () => {
    const { prober, events } = setup(async () => ({ exitCode: 1, stdout: '', stderr: "cat: can't open '/tmp/healthy': No such file or directory\n" }));
    for (const field of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const { pod, container } = podWith(exec, field);
      const kind = field.replace('Probe', '') as 'liveness' | 'readiness' | 'startup';
      const run = await prober.probe(kind, pod, container, 'c1');
      assert.equal(run.result, 'failure');
    }
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message, e.fieldContainer, e.containerId]),
      ['Liveness', 'Readiness', 'Startup'].map((name) => ['Warning', 'Unhealthy', `${name} probe failed: cat: can't open '/tmp/healthy': No such file or directory\n`, 'app', 'c1']),
    );
  });

  test('a timeout is a failure with the CRI message', async () => {
    const { prober, events } = setup(() => Promise.reject(new TimeoutError('late')));
    const { pod, container } = podWith({ exec: { command: ['sleep', '10'] } }, 'readinessProbe');
    assert.deepEqual(await prober.probe('readiness', pod, container, 'c1'), { result: 'failure', message: 'command "sleep 10" timed out' });
    assert.equal(events[0]!.message, 'Readiness probe failed: command "sleep 10" timed out');
  });

  test('an error is retried 3 times, then recorded as "errored and resulted in unknown state" and reported as an error', async () => {
    const { prober, events, execs } = setup(() => Promise.reject(new NotFoundError('No such container: c1')));
    const { pod, container } = podWith(exec);
    const run = await prober.probe('liveness', pod, container, 'c1');
    assert.deepEqual(run, { result: 'failure', error: 'No such container: c1', message: 'No such container: c1' });
    assert.equal(execs(), 3);
    assert.deepEqual(events.map((e) => e.message), ['Liveness probe errored and resulted in unknown state: No such container: c1']);
  });

  test('an error that clears on a retry counts as that retry\'s result', async () => {
    let calls = 0;
    const { prober, events } = setup(() => (++calls < 3 ? Promise.reject(new Error('engine hiccup')) : Promise.resolve({ exitCode: 0, stdout: '', stderr: '' })));
    const { pod, container } = podWith(exec);
    assert.equal((await prober.probe('liveness', pod, container, 'c1')).result, 'success');
    assert.deepEqual(events, []);
  });

  test('a gRPC probe errors: PodLab does not implement it', async () => {
    const { prober, events } = setup(async () => ({ exitCode: 0, stdout: '', stderr: '' }));
    const { pod, container } = podWith({ grpc: { port: 9000 } } as Probe);
    const run = await prober.probe('liveness', pod, container, 'c1');
    assert.match(run.error ?? '', /gRPC probes are not supported/);
    assert.match(events[0]!.message, /^Liveness probe errored and resulted in unknown state: gRPC probes are not supported/);
  });

  test('a probe without a handler errors as Kubernetes does', async () => {
    const { prober } = setup(async () => ({ exitCode: 0, stdout: '', stderr: '' }));
    const { pod, container } = podWith({ periodSeconds: 5 });
    assert.equal((await prober.probe('liveness', pod, container, 'c1')).error, 'missing probe handler for p_default(u):app');
  });
});
