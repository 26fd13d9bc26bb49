import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnosePod } from '../../main/insight/diagnosePod.ts';
import { event, pod, twoNodes } from './ui-insight-fixtures.ts';

const now = new Date('2025-01-10T10:06:00Z');

function notReadyPod(probe: object, ports: object[]) {
  const p = pod('web', { nodeName: 'podlab-worker', containers: [{ name: 'web', image: 'nginx:1.27', ports, readinessProbe: probe }] }, {
    phase: 'Running',
    containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { running: { startedAt: '2025-01-10T10:00:00Z' } } }],
  });
  return p;
}

test('readiness on a port nothing listens on: the declared port is named', () => {
  const p = notReadyPod({ httpGet: { path: '/', port: 8080 } }, [{ containerPort: 80, name: 'http' }]);
  const failed = event(p, 'Unhealthy', 'Readiness probe failed: Get "http://10.244.1.5:8080/": dial tcp 10.244.1.5:8080: connect: connection refused');
  const [finding] = diagnosePod({ pod: p, events: [failed], nodes: twoNodes, previousLogs: {} }, now);
  assert.equal(finding.rule, 'not-ready');
  assert.match(finding.cause, /Nothing listens on port 8080 in the container: it declares 80 \(http\)\. Point the probe at the port the program serves\./);
});

test('readiness on a path the program does not serve: 404 names the path', () => {
  const p = notReadyPod({ httpGet: { path: '/healthz', port: 80 } }, [{ containerPort: 80 }]);
  const failed = event(p, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404');
  const [finding] = diagnosePod({ pod: p, events: [failed], nodes: twoNodes, previousLogs: {} }, now);
  assert.match(finding.cause, /answers on port 80 but not at \/healthz \(404 Not Found\)/);
});

test('a probe naming a port the container does not declare', () => {
  const p = notReadyPod({ tcpSocket: { port: 'metrics' } }, [{ containerPort: 80, name: 'http' }]);
  const failed = event(p, 'Unhealthy', 'Readiness probe failed: dial tcp: lookup metrics: no such port');
  const [finding] = diagnosePod({ pod: p, events: [failed], nodes: twoNodes, previousLogs: {} }, now);
  assert.match(finding.cause, /names port "metrics", which the container does not declare \(it declares 80 \(http\)\)/);
});

test('OOMKilled: the memory limit it hit and kubectl top to compare', () => {
  const p = pod('hog', { nodeName: 'podlab-worker', containers: [{ name: 'hog', image: 'busybox:1.36', resources: { limits: { memory: '64Mi' } } }] }, {
    phase: 'Running',
    containerStatuses: [{ name: 'hog', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=hog' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2025-01-10T10:05:30Z' } } }],
  });
  const [finding] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: {} }, now);
  assert.equal(finding.rule, 'crash-loop');
  assert.match(finding.cause, /OOMKilled/);
  assert.deepEqual(finding.evidence.find((e) => e.label === 'Memory limit'), { label: 'Memory limit', text: '64Mi (the kernel killed the container when its memory reached it)' });
  assert.ok(finding.next.some((n) => n.command === 'kubectl top pod hog -n shop --containers'));
});

test('an unreachable registry with the default Always policy of :latest suggests IfNotPresent and a pinned tag', () => {
  const p = pod('offline', { nodeName: 'n', containers: [{ name: 'app', image: 'nginx:latest' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' } } }],
  });
  const [finding] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: {} }, now);
  assert.match(finding.cause, /With imagePullPolicy Always the kubelet asks the registry at every start.*set imagePullPolicy: IfNotPresent \(and pin a version tag instead of latest\)/);
  assert.deepEqual(finding.evidence.find((e) => e.label === 'imagePullPolicy'), { label: 'imagePullPolicy', text: 'Always (the default for the :latest tag)' });
  assert.equal(finding.next[0].command, 'docker images nginx');

  // A pinned tag defaults to IfNotPresent: an unreachable registry then means the node lacks the image, nothing about the policy.
  p.spec!.containers![0]!.image = 'nginx:1.27';
  const [pinned] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: {} }, now);
  assert.doesNotMatch(pinned.cause, /imagePullPolicy/);
});

test('probe fixes: the one declared port for a refused connection, the root path for a 404', () => {
  const refused = notReadyPod({ httpGet: { path: '/', port: 8080 } }, [{ containerPort: 80 }]);
  const [port] = diagnosePod({ pod: refused, events: [event(refused, 'Unhealthy', 'Readiness probe failed: Get "http://10.244.1.5:8080/": dial tcp 10.244.1.5:8080: connect: connection refused')], nodes: twoNodes, previousLogs: {} }, now);
  assert.deepEqual(port.fixes?.[0]?.changes, [{ action: 'podSpec', patch: { containers: [{ name: 'web', readinessProbe: { httpGet: { port: 80 } } }] } }]);

  const missing = notReadyPod({ httpGet: { path: '/healthz', port: 80 } }, [{ containerPort: 80 }]);
  const [path] = diagnosePod({ pod: missing, events: [event(missing, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404')], nodes: twoNodes, previousLogs: {} }, now);
  assert.equal(path.fixes?.[0]?.title, 'Probe / of web instead');
  assert.deepEqual(path.fixes?.[0]?.changes, [{ action: 'podSpec', patch: { containers: [{ name: 'web', readinessProbe: { httpGet: { path: '/' } } }] } }]);
});

test('an image tag that does not exist gets a fix using a tag of the same image the nodes have, pinned before latest', () => {
  const p = pod('bad-image', { nodeName: 'podlab-worker', containers: [{ name: 'app', image: 'busybox:no-such-tag' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "busybox:no-such-tag"' } } }],
  });
  const failed = event(p, 'Failed', 'Failed to pull image "busybox:no-such-tag": Error response from daemon: manifest for busybox:no-such-tag not found: manifest unknown');
  const nodes = twoNodes.map((n) => ({ ...n, status: { ...n.status, images: [{ names: ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36', 'busybox@sha256:abc'] }, { names: ['registry.k8s.io/pause:3.10'] }] } }));
  const [finding] = diagnosePod({ pod: p, events: [failed], nodes, previousLogs: {} }, now);
  assert.equal(finding!.fixes?.[0]?.title, 'Use busybox:1.36, which the nodes already have');
  assert.deepEqual(finding!.fixes?.[0]?.changes, [{ action: 'podSpec', patch: { containers: [{ name: 'app', image: 'busybox:1.36' }] } }]);
});

test("the pull's cause is read from the kubelet's \"Failed to pull image\" event, not from a newer \"Error: ImagePullBackOff\"", () => {
  const p = pod('bad-image', { nodeName: 'podlab-worker', containers: [{ name: 'app', image: 'busybox:no-such-tag' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "busybox:no-such-tag"' } } }],
  });
  const cause = event(p, 'Failed', 'Failed to pull image "busybox:no-such-tag": Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host', { lastTimestamp: '2025-01-10T10:05:00Z' });
  const backOff = { ...event(p, 'Failed', 'Error: ImagePullBackOff', { lastTimestamp: '2025-01-10T10:06:00Z', count: 5 }), metadata: { name: 'bad-image.backoff', namespace: 'shop', uid: 'ev-backoff' } };
  const nodes = twoNodes.map((n) => ({ ...n, status: { ...n.status, images: [{ names: ['docker.io/library/busybox:1.36'] }] } }));
  const [finding] = diagnosePod({ pod: p, events: [cause, backOff], nodes, previousLogs: {} }, now);
  assert.equal(finding!.fixes?.[0]?.title, 'Use busybox:1.36, which the nodes already have');
  assert.ok(finding!.evidence.some((e) => e.text.includes('no such host')));
});
