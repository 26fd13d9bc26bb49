import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podQOSClass } from '../../main/apiserver/resources/shared/qos.ts';
import type { WaitingReason } from '../../main/kubelet/containerStatuses.ts';
import { podPhase } from '../../main/kubelet/podPhase.ts';
import { generatePodStatus } from '../../main/kubelet/podStatus.ts';
import { noProbes, type ProbeResults } from '../../main/kubelet/probeResults.ts';
import type { RuntimeContainerStatus, RuntimePodStatus } from '../../main/kubelet/runtimePodStatus.ts';
import { mergeStatus } from '../../main/kubelet/statusManager.ts';
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from '../../main/kubelet/types.ts';

const T1 = Date.UTC(2025, 0, 1, 10, 0, 0);
const T2 = T1 + 5_000;

function pod(containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers, restartPolicy: 'Always', ...extra }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
}

const app = (name = 'app'): Container => ({ name, image: 'busybox:1.36' });
const readySandbox = { id: 'sb', attempt: 0, ready: true, ip: '10.244.0.9', network: 'pod' as const, createdAt: T1 };

let n = 0;
function instance(name: string, state: RuntimeContainerStatus['state'], extra: Partial<RuntimeContainerStatus> = {}): RuntimeContainerStatus {
  return { id: `id${n++}`, name, attempt: 0, state, createdAt: T1 + n, image: 'busybox:1.36', imageRef: 'sha256:abc', ...extra };
}

function generate(p: Pod, runtime: Omit<RuntimePodStatus, 'uid'>, options: { reasons?: Map<string, WaitingReason>; old?: PodStatus; terminal?: boolean; probes?: ProbeResults } = {}): PodStatus {
  return generatePodStatus(
    { pod: p, runtime: { uid: 'u1', ...runtime }, reasons: options.reasons ?? new Map(), probes: options.probes ?? noProbes, runtimeName: 'docker', hostIP: '10.244.0.2', podIsTerminal: options.terminal ?? false },
    options.old ?? p.status ?? {},
  );
}

const conditionMap = (status: PodStatus) => Object.fromEntries((status.conditions ?? []).map((c) => [c.type, [c.status, c.reason ?? '', c.message ?? '']]));

describe('pod status from runtime state', () => {
  it('is Pending with ContainerCreating before anything runs', () => {
    const status = generate(pod([app()]), { sandboxes: [], containers: [] });
    assert.equal(status.phase, 'Pending');
    assert.deepEqual(status.containerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } });
    assert.deepEqual(conditionMap(status), {
      PodReadyToStartContainers: ['False', '', ''],
      Initialized: ['True', '', ''],
      Ready: ['False', 'ContainersNotReady', 'containers with unready status: [app]'],
      ContainersReady: ['False', 'ContainersNotReady', 'containers with unready status: [app]'],
      PodScheduled: ['True', '', ''],
    });
    assert.equal(status.hostIP, '10.244.0.2');
    assert.equal(status.podIP, undefined);
  });

  it('is Running and Ready once the container runs, with its IDs, image and pod IP', () => {
    const running = instance('app', 'running', { startedAt: T1 });
    const status = generate(pod([app()]), { sandboxes: [readySandbox], containers: [running] });
    assert.equal(status.phase, 'Running');
    const cs = status.containerStatuses![0]!;
    assert.deepEqual(cs.state, { running: { startedAt: '2025-01-01T10:00:00Z' } });
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.containerID, `docker://${running.id}`);
    assert.equal(cs.imageID, 'docker://sha256:abc');
    assert.equal(cs.image, 'busybox:1.36');
    assert.equal(status.podIP, '10.244.0.9');
    assert.deepEqual(status.podIPs, [{ ip: '10.244.0.9' }]);
    assert.equal(conditionMap(status).Ready?.[0], 'True');
    assert.equal(conditionMap(status).PodReadyToStartContainers?.[0], 'True');
  });

  it('is not ready while a readiness probe has not succeeded', () => {
    const running = instance('app', 'running', { startedAt: T1 });
    const probed = pod([{ ...app(), readinessProbe: { httpGet: { port: 80 } } }]);
    assert.equal(generate(probed, { sandboxes: [readySandbox], containers: [running] }).containerStatuses![0]!.ready, false);
    const passing: ProbeResults = { get: (kind) => (kind === 'readiness' ? 'success' : undefined) };
    assert.equal(generate(probed, { sandboxes: [readySandbox], containers: [running] }, { probes: passing }).containerStatuses![0]!.ready, true);
  });

  it('shows CrashLoopBackOff with the last termination and the restart count', () => {
    const last = instance('app', 'exited', { attempt: 3, exitCode: 1, reason: 'Error', startedAt: T1, finishedAt: T2 });
    const reasons = new Map([['app', { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=p_default(u1)' }]]);
    const status = generate(pod([app()]), { sandboxes: [readySandbox], containers: [last, instance('app', 'exited', { attempt: 2, exitCode: 1, reason: 'Error' })] }, { reasons });
    const cs = status.containerStatuses![0]!;
    assert.deepEqual(cs.state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=p_default(u1)' } });
    assert.equal(cs.lastState.terminated?.exitCode, 1);
    assert.equal(cs.lastState.terminated?.reason, 'Error');
    assert.equal(cs.lastState.terminated?.finishedAt, '2025-01-01T10:00:05Z');
    assert.equal(cs.restartCount, 3);
    assert.equal(status.phase, 'Running', 'a restarting container keeps the pod Running');
    assert.equal(conditionMap(status).Ready?.[1], 'ContainersNotReady');
  });

  it('keeps the newest instance as state and the one before as lastState', () => {
    const current = instance('app', 'running', { attempt: 1, startedAt: T2 });
    const previous = instance('app', 'exited', { attempt: 0, exitCode: 137, reason: 'Error', finishedAt: T1 });
    const cs = generate(pod([app()]), { sandboxes: [readySandbox], containers: [current, previous] }).containerStatuses![0]!;
    assert.ok(cs.state.running);
    assert.equal(cs.lastState.terminated?.exitCode, 137);
    assert.equal(cs.restartCount, 1);
  });

  it('shows image pull and config failures as waiting reasons', () => {
    for (const reason of ['ErrImagePull', 'ImagePullBackOff', 'CreateContainerConfigError', 'ErrImageNeverPull']) {
      const status = generate(pod([app()]), { sandboxes: [readySandbox], containers: [] }, { reasons: new Map([['app', { reason, message: 'why' }]]) });
      assert.deepEqual(status.containerStatuses![0]!.state, { waiting: { reason, message: 'why' } });
      assert.equal(status.phase, 'Pending');
    }
  });

  it('reports init containers: PodInitializing for the app, Initialized False with the incomplete ones', () => {
    const spec = pod([app()], { initContainers: [app('setup'), app('migrate')] });
    const status = generate(spec, { sandboxes: [readySandbox], containers: [instance('setup', 'exited', { exitCode: 0, reason: 'Completed' })] });
    assert.equal(status.phase, 'Pending');
    assert.deepEqual(status.containerStatuses![0]!.state, { waiting: { reason: 'PodInitializing' } });
    assert.deepEqual(status.initContainerStatuses!.map((s) => [s.name, s.ready]), [['setup', true], ['migrate', false]]);
    assert.deepEqual(conditionMap(status).Initialized, ['False', 'ContainersNotInitialized', 'containers with incomplete status: [migrate]']);
  });

  it('is Succeeded or Failed when every container ended and the pod does not restart', () => {
    const done = (code: number) => instance('app', 'exited', { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', finishedAt: T2 });
    const ok = generate(pod([app()], { restartPolicy: 'Never' }), { sandboxes: [readySandbox], containers: [done(0)] });
    assert.equal(ok.phase, 'Succeeded');
    assert.deepEqual(conditionMap(ok).Ready, ['False', 'PodCompleted', '']);
    assert.deepEqual(conditionMap(ok).Initialized, ['True', 'PodCompleted', '']);
    assert.equal(generate(pod([app()], { restartPolicy: 'Never' }), { sandboxes: [readySandbox], containers: [done(2)] }).phase, 'Failed');
    assert.equal(generate(pod([app()], { restartPolicy: 'OnFailure' }), { sandboxes: [readySandbox], containers: [done(2)] }).phase, 'Running');
    assert.equal(generate(pod([app()], { restartPolicy: 'OnFailure' }), { sandboxes: [readySandbox], containers: [done(0)] }).phase, 'Succeeded');
  });

  it('turns terminal once the pod was terminated, whatever its restart policy', () => {
    const killed = instance('app', 'exited', { exitCode: 137, reason: 'Error' });
    const status = generate(pod([app()]), { sandboxes: [{ ...readySandbox, ready: false }], containers: [killed] }, { terminal: true });
    assert.equal(status.phase, 'Failed');
    assert.deepEqual(conditionMap(status).Ready, ['False', 'PodFailed', '']);
  });

  it('never leaves a terminal phase, and keeps the pod IP once its sandbox stopped', () => {
    const old: PodStatus = { phase: 'Succeeded', podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }] };
    const status = generate(pod([app()]), { sandboxes: [{ ...readySandbox, ready: false }], containers: [] }, { old });
    assert.equal(status.phase, 'Succeeded');
    assert.equal(status.podIP, '10.244.0.9');
  });

  it('reports a container that vanished while running as terminated, not as never started', () => {
    const old: PodStatus = {
      phase: 'Running',
      containerStatuses: [{ name: 'app', state: { running: { startedAt: '2025-01-01T10:00:00Z' } }, lastState: {}, ready: true, restartCount: 2, image: 'busybox:1.36', imageID: '' } satisfies ContainerStatus],
    };
    const cs = generate(pod([app()]), { sandboxes: [readySandbox], containers: [] }, { old }).containerStatuses![0]!;
    assert.equal(cs.lastState.terminated?.reason, 'ContainerStatusUnknown');
    assert.equal(cs.restartCount, 3);
  });

  it('uses the pod IP of the node for hostNetwork pods', () => {
    const status = generate(pod([app()], { hostNetwork: true }), { sandboxes: [], containers: [] });
    assert.equal(status.podIP, '10.244.0.2');
  });

  it('keeps conditions owned by others and lists them first', () => {
    const gated = pod([app()], { readinessGates: [{ conditionType: 'example.com/ready' }] });
    gated.status = { ...gated.status, conditions: [{ type: 'example.com/ready', status: 'False' }] };
    const status = generate(gated, { sandboxes: [readySandbox], containers: [instance('app', 'running', { startedAt: T1 })] });
    assert.equal(status.conditions![0]!.type, 'example.com/ready');
    assert.deepEqual(conditionMap(status).Ready, ['False', 'ReadinessGatesNotReady', 'the status of pod readiness gate "example.com/ready" is not "True", but False']);
    assert.equal(conditionMap(status).ContainersReady?.[0], 'True');
  });
});

describe('podPhase', () => {
  const waiting = (name: string, lastExit?: number): ContainerStatus => ({
    name,
    state: { waiting: { reason: 'CrashLoopBackOff' } },
    lastState: lastExit === undefined ? {} : { terminated: { exitCode: lastExit } },
    ready: false,
    restartCount: 1,
    image: '',
    imageID: '',
  });
  it('is Failed when an init container failed under restartPolicy Never', () => {
    assert.equal(podPhase(pod([app()], { initContainers: [app('init')], restartPolicy: 'Never' }), [waiting('init', 1), waiting('app')], false), 'Failed');
  });
  it('is Pending while a container waits without having run', () => {
    assert.equal(podPhase(pod([app('a'), app('b')]), [waiting('a'), { ...waiting('b'), state: { running: {} } }], false), 'Pending');
  });
});

describe('QoS class', () => {
  const spec = (resources: Container['resources']) => ({ containers: [{ name: 'a', image: 'x', ...(resources ? { resources } : {}) }] });
  it('is BestEffort without requests or limits, Guaranteed when limits equal requests, Burstable otherwise', () => {
    assert.equal(podQOSClass(spec(undefined)), 'BestEffort');
    assert.equal(podQOSClass(spec({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } })), 'Guaranteed');
    assert.equal(podQOSClass(spec({ requests: { cpu: '100m' } })), 'Burstable');
    assert.equal(podQOSClass(spec({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } })), 'Burstable');
  });
  it('is what the kubelet reports when the API did not set it', () => {
    const p = pod([{ ...app(), resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }]);
    delete p.status!.qosClass;
    assert.equal(generate(p, { sandboxes: [], containers: [] }).qosClass, 'Guaranteed');
  });
});

describe('status merge', () => {
  it('replaces the kubelet-owned conditions and keeps the others as the API has them', () => {
    const api: PodStatus = {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' },
        { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager' },
      ],
    };
    const kubelet: PodStatus = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' } as PodCondition, { type: 'PodScheduled', status: 'True' } as PodCondition] };
    const merged = mergeStatus(api, kubelet);
    assert.deepEqual(merged.conditions!.map((c) => c.type), ['DisruptionTarget', 'Ready', 'PodScheduled']);
    assert.equal(merged.phase, 'Running');
    assert.equal(mergeStatus({ phase: 'Failed' }, { phase: 'Running' }).phase, 'Failed');
  });
});
