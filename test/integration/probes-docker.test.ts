// Probes against a real pod on the Docker engine: busybox httpd in a sandbox
// that publishes 8080 (served) and 7070 (nothing listens) on 127.0.0.1, and
// serves 9090 unpublished, reached with nc from inside the pod. Traffic goes
// only to 127.0.0.1 and to this pod; everything carries the test labels and
// is removed at the end.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProbeManager } from '../../main/kubelet/probes/probeManager.ts';
import { runtimePodNetwork } from '../../main/kubelet/probes/podNetwork.ts';
import { Prober, type ProbeEventSink } from '../../main/kubelet/probes/prober.ts';
import type { ProbeKind } from '../../main/kubelet/probeResults.ts';
import type { Container, Pod, Probe } from '../../main/kubelet/types.ts';
import { createDockerFixture, eventually, leftovers, runPod, type DockerFixture } from './runtime-docker-fixture.ts';

const SERVE = [
  'mkdir -p /www/cgi-bin',
  'echo ok > /www/healthz',
  // A page that answers after the probe has given up.
  "printf '#!/bin/sh\\nsleep 5\\necho Content-Type: text/plain\\necho\\necho late\\n' > /www/cgi-bin/slow",
  'chmod +x /www/cgi-bin/slow',
  'httpd -p 9090 -h /www',
  'exec httpd -f -p 8080 -h /www',
].join(' && ');

describe('probes on the Docker engine', () => {
  let fixture: DockerFixture;
  let containerId: string;
  let podIP: string;
  const events: string[] = [];
  const sink: ProbeEventSink = { container: (_pod, container, type, reason, message) => events.push(`${type} ${reason} ${container.name}: ${message}`) };
  let prober: Prober;
  const container: Container = { name: 'app', image: 'busybox:latest', ports: [{ name: 'http', containerPort: 8080 }] };
  let pod: Pod;

  before(async () => {
    fixture = await createDockerFixture();
    const sandbox = fixture.pod('probed', { portMappings: [{ containerPort: 8080 }, { containerPort: 7070 }] });
    const started = await runPod(fixture, sandbox, [fixture.shell('app', SERVE)]);
    containerId = started.containerIds[0]!;
    podIP = (await fixture.runtime.podSandboxStatus(started.sandboxId)).ip!;
    pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probed', namespace: 'default', uid: sandbox.metadata.uid }, spec: { containers: [container] } };
    prober = new Prober({ runtime: fixture.runtime, network: runtimePodNetwork(fixture.runtime), events: sink });
    // httpd is up once the exec probe of its page passes.
    await eventually('httpd to serve', async () => ((await fixture.runtime.execSync(containerId, ['sh', '-c', 'nc -w 1 127.0.0.1 8080 </dev/null && nc -w 1 127.0.0.1 9090 </dev/null'], 3000)).exitCode === 0 ? true : undefined));
  });
  after(async () => {
    await fixture?.cleanup();
    if (fixture) assert.deepEqual(await leftovers(fixture.docker, fixture.cluster), []);
  });

  async function run(kind: ProbeKind, probe: Probe) {
    events.length = 0;
    const probed: Container = { ...container, [`${kind}Probe`]: probe };
    return prober.probe(kind, { ...pod, spec: { containers: [probed] } }, probed, containerId);
  }

  test('httpGet through the published port succeeds on 200, by number or by port name', async () => {
    assert.deepEqual(await run('readiness', { httpGet: { path: '/healthz', port: 8080 } }), { result: 'success', message: 'ok\n' });
    assert.deepEqual(await run('readiness', { httpGet: { path: '/healthz', port: 'http' } }), { result: 'success', message: 'ok\n' });
    assert.deepEqual(events, []);
  });

  test('httpGet of a path that 404s fails with the status code and an Unhealthy event', async () => {
    assert.deepEqual(await run('liveness', { httpGet: { path: '/missing', port: 8080 } }), { result: 'failure', message: 'HTTP probe failed with statuscode: 404' });
    assert.deepEqual(events, ['Warning Unhealthy app: Liveness probe failed: HTTP probe failed with statuscode: 404']);
  });

  test('httpGet of a published port nothing listens on fails as a refused dial to the pod IP', async () => {
    const result = await run('readiness', { httpGet: { path: '/', port: 7070 } });
    assert.deepEqual(result, { result: 'failure', message: `Get "http://${podIP}:7070/": dial tcp ${podIP}:7070: connect: connection refused` });
    assert.deepEqual(events, [`Warning Unhealthy app: Readiness probe failed: Get "http://${podIP}:7070/": dial tcp ${podIP}:7070: connect: connection refused`]);
  });

  test('httpGet that outlasts timeoutSeconds fails with the client timeout', async () => {
    const result = await run('readiness', { httpGet: { path: '/cgi-bin/slow', port: 8080 }, timeoutSeconds: 1 });
    assert.deepEqual(result, { result: 'failure', message: `Get "http://${podIP}:8080/cgi-bin/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
  });

  test('tcpSocket succeeds on a listening port and fails on a published port nothing listens on', async () => {
    assert.equal((await run('liveness', { tcpSocket: { port: 8080 } })).result, 'success');
    assert.deepEqual(await run('liveness', { tcpSocket: { port: 7070 } }), { result: 'failure', message: `dial tcp ${podIP}:7070: connect: connection refused` });
    assert.deepEqual(events, [`Warning Unhealthy app: Liveness probe failed: dial tcp ${podIP}:7070: connect: connection refused`]);
  });

  test('ports the sandbox does not publish are probed from inside the pod', async () => {
    assert.deepEqual(await run('readiness', { httpGet: { path: '/healthz', port: 9090 } }), { result: 'success', message: 'ok\n' });
    assert.deepEqual(await run('readiness', { httpGet: { path: '/missing', port: 9090 } }), { result: 'failure', message: 'HTTP probe failed with statuscode: 404' });
    assert.equal((await run('readiness', { tcpSocket: { port: 9090 } })).result, 'success');
    assert.deepEqual(await run('readiness', { tcpSocket: { port: 9191 } }), { result: 'failure', message: `dial tcp ${podIP}:9191: connect: connection refused` });
  });

  test('exec succeeds on exit 0 and fails with the output otherwise', async () => {
    assert.deepEqual(await run('liveness', { exec: { command: ['cat', '/www/healthz'] } }), { result: 'success', message: 'ok\n' });
    assert.deepEqual(await run('liveness', { exec: { command: ['cat', '/tmp/healthy'] } }), { result: 'failure', message: "cat: can't open '/tmp/healthy': No such file or directory\n" });
    assert.deepEqual(events, ["Warning Unhealthy app: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n"]);
  });

  test('exec that outlasts timeoutSeconds fails with the CRI timeout message', async () => {
    assert.deepEqual(await run('liveness', { exec: { command: ['sleep', '3'] }, timeoutSeconds: 1 }), { result: 'failure', message: 'command "sleep 3" timed out' });
    assert.deepEqual(events, ['Warning Unhealthy app: Liveness probe failed: command "sleep 3" timed out']);
  });

  test('exec of a program the image lacks errors', async () => {
    const result = await run('liveness', { exec: { command: ['curl', 'localhost'] } });
    assert.match(result.error ?? '', /executable file not found/);
    assert.match(events[0] ?? '', /^Warning Unhealthy app: Liveness probe errored and resulted in unknown state: OCI runtime exec failed/);
  });

  test('the manager on a real clock: readiness follows the page, liveness failure is reported', async () => {
    const readiness: boolean[] = [];
    const failures: string[] = [];
    const manager = new ProbeManager({
      runtime: fixture.runtime,
      network: runtimePodNetwork(fixture.runtime),
      events: sink,
      onReadinessChange: () => readiness.push(manager.readiness(pod.metadata.uid!, 'app')),
      onLivenessFailure: (_pod, c, kind) => failures.push(`${c.name} ${kind}`),
    });
    const probed: Container = {
      ...container,
      readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
      livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 2 },
    };
    const probedPod: Pod = { ...pod, spec: { containers: [probed] } };
    try {
      await fixture.runtime.execSync(containerId, ['sh', '-c', 'echo ready > /www/ready && touch /tmp/alive'], 5000);
      const status = await fixture.runtime.containerStatus(containerId);
      manager.addPod(probedPod, [{ name: 'app', id: containerId, state: 'running', startedAt: status.startedAt!.getTime() }]);
      await eventually('ready', async () => (manager.readiness(pod.metadata.uid!, 'app') ? true : undefined));

      await fixture.runtime.execSync(containerId, ['rm', '/www/ready'], 5000);
      await eventually('not ready', async () => (manager.readiness(pod.metadata.uid!, 'app') ? undefined : true));
      assert.deepEqual(readiness.slice(-1), [false]);
      const history = manager.history(pod.metadata.uid!, 'app', 'readiness');
      assert.equal(history.at(-1)?.outcome, 'failure');
      assert.equal(history.at(-1)?.message, 'HTTP probe failed with statuscode: 404');

      await fixture.runtime.execSync(containerId, ['rm', '/tmp/alive'], 5000);
      await eventually('a liveness failure', async () => (failures.length ? true : undefined));
      assert.deepEqual(failures, ['app liveness']);
      assert.equal(manager.get('liveness', containerId), 'failure');
    } finally {
      manager.stop();
    }
  });
});
