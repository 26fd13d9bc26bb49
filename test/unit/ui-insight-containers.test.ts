import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnosePod } from '../../main/insight/diagnosePod.ts';
import { event, pod, twoNodes } from './ui-insight-fixtures.ts';

test('ImagePullBackOff: the image, the registry error, and a pull to try', () => {
  const p = pod('bad-image', { nodeName: 'podlab-worker', containers: [{ name: 'app', image: 'busybox:no-such-tag' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', image: 'busybox:no-such-tag', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "busybox:no-such-tag"' } } }],
  });
  const failed = event(p, 'Failed', 'Failed to pull image "busybox:no-such-tag": Error response from daemon: manifest for busybox:no-such-tag not found: manifest unknown: manifest unknown', {
    involvedObject: { kind: 'Pod', name: 'bad-image', namespace: 'shop', uid: p.metadata.uid, fieldPath: 'spec.containers{app}' },
  });
  const [finding] = diagnosePod({ pod: p, events: [failed], nodes: twoNodes, previousLogs: {} });
  assert.equal(finding.rule, 'image-pull');
  assert.equal(finding.title, 'ImagePullBackOff: cannot pull busybox:no-such-tag');
  assert.match(finding.cause, /does not exist in the registry/);
  assert.deepEqual(finding.evidence[0], { label: 'Image', text: 'busybox:no-such-tag' });
  assert.ok(finding.evidence.some((e) => e.text.includes('manifest unknown')));
  assert.equal(finding.next[0].command, 'docker pull busybox:no-such-tag');
});

test('ErrImagePull from an unreachable registry says so', () => {
  const p = pod('offline', { nodeName: 'n', containers: [{ name: 'app', image: 'registry.example.com/app:1' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'Error response from daemon: Get "https://registry.example.com/v2/": dial tcp: lookup registry.example.com: no such host' } } }],
  });
  const [finding] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: {} });
  assert.match(finding.cause, /cannot be reached from this machine/);
});

const crashing = pod('crashing', { nodeName: 'podlab-worker', containers: [{ name: 'app', image: 'busybox:1.36' }] }, {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
  containerStatuses: [
    {
      name: 'app',
      image: 'busybox:1.36',
      ready: false,
      started: false,
      restartCount: 5,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=app pod=crashing_shop(uid-crashing)' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2025-01-10T10:04:00Z', finishedAt: '2025-01-10T10:04:02Z' } },
    },
  ],
});

test('CrashLoopBackOff: exit code explained, restart count and the last log lines', () => {
  const [finding] = diagnosePod({ pod: crashing, events: [event(crashing, 'BackOff', 'Back-off restarting failed container app in pod crashing_shop(uid-crashing)')], nodes: twoNodes, previousLogs: { app: ['starting app v1.2', 'fatal: config file /etc/app/config.yaml not found'] } });
  assert.equal(finding.rule, 'crash-loop');
  assert.match(finding.cause, /exited with code 1, a generic error/);
  assert.deepEqual(finding.evidence.find((e) => e.label === 'Restarts'), { label: 'Restarts', text: '5' });
  assert.match(finding.evidence.find((e) => e.label === 'Last termination')!.text, /^exit code 1 \(Error\) at 2025-01-10T10:04:02Z/);
  assert.match(finding.evidence.find((e) => e.label === 'Last lines of the previous instance')!.text, /config file \/etc\/app\/config.yaml not found/);
  assert.equal(finding.next[0].command, 'kubectl logs crashing -n shop -c app --previous');
});

test('restarts caused by a failing liveness probe are told apart from crashes', () => {
  const p = pod('failing-liveness', { nodeName: 'n', containers: [{ name: 'app', livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 } }] }, {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'Error', finishedAt: '2025-01-10T10:03:00Z' } } },
    ],
  });
  const events = [
    event(p, 'Unhealthy', 'Liveness probe failed: cat: can\'t open \'/tmp/healthy\': No such file or directory', { count: 9, involvedObject: { kind: 'Pod', name: 'failing-liveness', fieldPath: 'spec.containers{app}' } }),
    event(p, 'Killing', 'Container app failed liveness probe, will be restarted', { type: 'Normal', count: 2 }),
  ];
  const [finding] = diagnosePod({ pod: p, events, nodes: twoNodes, previousLogs: {} });
  assert.equal(finding.rule, 'liveness-failing');
  assert.match(finding.cause, /liveness probe fails, so the kubelet kills and restarts it \(last exit code 137\)/);
  assert.ok(finding.evidence.some((e) => e.label === 'Liveness probe' && e.text === 'exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3'));
  assert.ok(finding.evidence.some((e) => e.label === 'Event Unhealthy (x9)'));
});

test('ContainerCreating on a missing ConfigMap names it and how to create it', () => {
  const p = pod('missing-config', { nodeName: 'podlab-worker', volumes: [{ name: 'settings', configMap: { name: 'app-settings' } }], containers: [{ name: 'app' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
  });
  const mount = event(p, 'FailedMount', 'MountVolume.SetUp failed for volume "settings" : configmap "app-settings" not found', { count: 7, source: { component: 'kubelet', host: 'podlab-worker' } });
  const [finding] = diagnosePod({ pod: p, events: [mount], nodes: twoNodes, previousLogs: {} });
  assert.equal(finding.rule, 'missing-config');
  assert.equal(finding.title, 'ConfigMap "app-settings" is missing');
  assert.match(finding.cause, /mounts volume "settings" from ConfigMap "app-settings", which does not exist in namespace shop/);
  assert.deepEqual(
    finding.next.map((n) => n.command),
    ['kubectl get configmap app-settings -n shop', 'kubectl create configmap app-settings -n shop --from-literal=key=value', 'kubectl describe pod missing-config -n shop'],
  );
});

test('ContainerCreating for a RuntimeClass whose handler the node lacks names the class and the runtime', () => {
  const p = pod('sandboxed', { nodeName: 'podlab-worker', runtimeClassName: 'gvisor', containers: [{ name: 'app', image: 'busybox:1.36' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
  });
  const failed = event(p, 'FailedCreatePodSandBox', 'Failed to create pod sandbox: create sandbox k8s_POD_sandboxed_shop_u1_0: Unknown runtime specified runsc', { source: { component: 'kubelet', host: 'podlab-worker' } });
  const [finding] = diagnosePod({ pod: p, events: [failed], nodes: twoNodes, previousLogs: {} });
  assert.equal(finding.rule, 'runtime-class');
  assert.equal(finding.title, 'RuntimeClass "gvisor": the node has no runtime "runsc"');
  assert.match(finding.cause, /cannot make the pod's sandbox/);
  assert.equal(finding.next[0].command, 'kubectl get runtimeclass gvisor -o yaml');
});

test('CreateContainerConfigError on a missing Secret key reference', () => {
  const p = pod('env-secret', { nodeName: 'n', containers: [{ name: 'app' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db-password" not found' } } }],
  });
  const [finding] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: {} });
  assert.equal(finding.title, 'Secret "db-password" is missing');
  assert.ok(finding.next.some((n) => n.command === 'kubectl create secret generic db-password -n shop --from-literal=key=value'));
});

test('Running but not Ready: the readiness probe and its failures', () => {
  const p = pod('never-ready', { nodeName: 'n', containers: [{ name: 'web', readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 5 } }] }, {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' }],
    containerStatuses: [{ name: 'web', ready: false, started: true, restartCount: 0, state: { running: { startedAt: '2025-01-10T10:00:05Z' } } }],
  });
  const unhealthy = event(p, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', { count: 31 });
  const [finding] = diagnosePod({ pod: p, events: [unhealthy], nodes: twoNodes, previousLogs: {} });
  assert.equal(finding.rule, 'not-ready');
  assert.equal(finding.severity, 'warning');
  assert.match(finding.cause, /readiness probe fails \(HTTP probe failed with statuscode: 404\)/);
  assert.ok(finding.evidence.some((e) => e.text === 'http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3'));
  assert.ok(finding.next.some((n) => n.command === 'kubectl get endpoints -n shop'));
});

test('a healthy running pod has no findings', () => {
  const p = pod('ok', { nodeName: 'n', containers: [{ name: 'web' }] }, {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'web', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2025-01-10T10:00:05Z' } } }],
  });
  assert.deepEqual(diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: {} }), []);
});

test('a container running again after liveness kills is still diagnosed: Running only means not yet killed again', () => {
  const p = pod('failing-liveness', { nodeName: 'n', containers: [{ name: 'app', livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 5 } }] }, {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', ready: true, restartCount: 1, state: { running: { startedAt: '2025-01-10T10:04:00Z' } }, lastState: { terminated: { exitCode: 137, reason: 'Error', finishedAt: '2025-01-10T10:03:59Z' } } },
    ],
  });
  const events = [event(p, 'Killing', 'Container app failed liveness probe, will be restarted', { type: 'Normal' })];
  const [finding] = diagnosePod({ pod: p, events, nodes: twoNodes, previousLogs: {} }, new Date('2025-01-10T10:04:30Z'));
  assert.equal(finding?.rule, 'liveness-failing');
  assert.equal(finding?.title, 'Running again after 1 restart: container app fails its liveness probe');
});

test('a restart long ago, with no probe trouble, is no finding', () => {
  const p = pod('settled', { nodeName: 'n', containers: [{ name: 'app' }] }, {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 1, state: { running: { startedAt: '2025-01-10T09:00:00Z' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-01-10T08:59:59Z' } } }],
  });
  assert.deepEqual(diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: {} }, new Date('2025-01-10T10:00:00Z')), []);
});

test('a recent crash of a container that is running again is reported', () => {
  const p = pod('just-crashed', { nodeName: 'n', containers: [{ name: 'app' }] }, {
    phase: 'Running',
    containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: { running: { startedAt: '2025-01-10T09:59:50Z' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-01-10T09:59:48Z', message: 'cannot reach db' } } }],
  });
  const [finding] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: {} }, new Date('2025-01-10T10:00:00Z'));
  assert.equal(finding?.rule, 'crash-loop');
  assert.ok(finding?.evidence.some((e) => e.label === 'Last termination' && /exit code 1 \(Error\).*: cannot reach db$/.test(e.text)));
});
