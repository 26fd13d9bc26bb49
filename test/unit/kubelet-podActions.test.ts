import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computePodActions, podSandboxChanged, shouldContainerBeRestarted } from '../../main/kubelet/podActions.ts';
import { noProbes, type ProbeResults } from '../../main/kubelet/probeResults.ts';
import type { RuntimeContainerStatus, RuntimePodStatus, RuntimeSandboxStatus } from '../../main/kubelet/runtimePodStatus.ts';
import type { Container, Pod } from '../../main/kubelet/types.ts';

const hashOf = (c: Container) => `hash-${c.image}`;

function pod(containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers, restartPolicy: 'Always', ...extra } };
}

const app = (name = 'app', image = 'busybox'): Container => ({ name, image });

function sandbox(overrides: Partial<RuntimeSandboxStatus> = {}): RuntimeSandboxStatus {
  return { id: 'sb1', attempt: 0, ready: true, ip: '10.244.0.5', network: 'pod', createdAt: 1, ...overrides };
}

let nextId = 0;
function instance(name: string, state: RuntimeContainerStatus['state'], overrides: Partial<RuntimeContainerStatus> = {}): RuntimeContainerStatus {
  return { id: `c${nextId++}`, name, attempt: 0, state, createdAt: 10, image: 'busybox', imageRef: 'sha256:1', hash: 'hash-busybox', ...overrides };
}

function status(sandboxes: RuntimeSandboxStatus[], containers: RuntimeContainerStatus[]): RuntimePodStatus {
  return { uid: 'u1', sandboxes, containers };
}

describe('podSandboxChanged', () => {
  it('asks for a first sandbox, attempt 0', () => {
    assert.deepEqual(podSandboxChanged(pod([app()]), status([], [])), { changed: true, attempt: 0, sandboxId: '' });
  });
  it('recreates a sandbox that is not ready, with the next attempt', () => {
    assert.deepEqual(podSandboxChanged(pod([app()]), status([sandbox({ ready: false, attempt: 2 })], [])), { changed: true, attempt: 3, sandboxId: 'sb1' });
  });
  it('recreates a sandbox without an IP, unless the pod uses the host network', () => {
    assert.equal(podSandboxChanged(pod([app()]), status([sandbox({ ip: undefined })], [])).changed, true);
    assert.equal(podSandboxChanged(pod([app()], { hostNetwork: true }), status([sandbox({ ip: undefined, network: 'node' })], [])).changed, false);
  });
  it('keeps a ready sandbox', () => {
    assert.deepEqual(podSandboxChanged(pod([app()]), status([sandbox()], [])), { changed: false, attempt: 0, sandboxId: 'sb1' });
  });
});

describe('computePodActions', () => {
  it('creates the sandbox and starts every app container of a new pod', () => {
    const actions = computePodActions(pod([app('a'), app('b')]), status([], []), noProbes, hashOf);
    assert.equal(actions.createSandbox, true);
    assert.deepEqual(actions.containersToStart, [0, 1]);
    assert.deepEqual(actions.initContainersToStart, []);
  });

  it('starts only the first init container in a new sandbox', () => {
    const actions = computePodActions(pod([app()], { initContainers: [app('init-1'), app('init-2')] }), status([], []), noProbes, hashOf);
    assert.deepEqual(actions.initContainersToStart, [0]);
    assert.deepEqual(actions.containersToStart, []);
  });

  it('moves to the next init container once the previous one succeeded, then to the app containers', () => {
    const spec = pod([app()], { initContainers: [app('init-1'), app('init-2')] });
    const afterFirst = computePodActions(spec, status([sandbox()], [instance('init-1', 'exited', { exitCode: 0 })]), noProbes, hashOf);
    assert.deepEqual(afterFirst.initContainersToStart, [1]);
    assert.deepEqual(afterFirst.containersToStart, []);
    const afterBoth = computePodActions(spec, status([sandbox()], [instance('init-2', 'exited', { exitCode: 0 }), instance('init-1', 'exited', { exitCode: 0 })]), noProbes, hashOf);
    assert.deepEqual(afterBoth.initContainersToStart, []);
    assert.deepEqual(afterBoth.containersToStart, [0]);
  });

  it('waits while an init container runs', () => {
    const actions = computePodActions(pod([app()], { initContainers: [app('init-1')] }), status([sandbox()], [instance('init-1', 'running')]), noProbes, hashOf);
    assert.deepEqual(actions.initContainersToStart, []);
    assert.deepEqual(actions.containersToStart, []);
    assert.equal(actions.killPod, false);
  });

  it('restarts a failed init container, or kills the pod when restartPolicy is Never', () => {
    const failed = status([sandbox()], [instance('init-1', 'exited', { exitCode: 1 })]);
    assert.deepEqual(computePodActions(pod([app()], { initContainers: [app('init-1')] }), failed, noProbes, hashOf).initContainersToStart, [0]);
    const never = computePodActions(pod([app()], { initContainers: [app('init-1')], restartPolicy: 'Never' }), failed, noProbes, hashOf);
    assert.equal(never.killPod, true);
    assert.deepEqual(never.initContainersToStart, []);
  });

  it('starts the next init container once a sidecar runs, and keeps the sidecar running', () => {
    const sidecar: Container = { ...app('proxy'), restartPolicy: 'Always' };
    const spec = pod([app()], { initContainers: [sidecar, app('setup')] });
    assert.deepEqual(computePodActions(spec, status([sandbox()], [instance('proxy', 'running')]), noProbes, hashOf).initContainersToStart, [1]);
    const initialized = status([sandbox()], [instance('app', 'running'), instance('setup', 'exited', { exitCode: 0 }), instance('proxy', 'exited', { exitCode: 1 })]);
    const actions = computePodActions(spec, initialized, noProbes, hashOf);
    assert.deepEqual(actions.initContainersToStart, [0]);
    assert.deepEqual(actions.containersToStart, []);
  });

  it('keeps running containers and restarts exited ones under restartPolicy Always', () => {
    const actions = computePodActions(pod([app('a'), app('b')]), status([sandbox()], [instance('a', 'running'), instance('b', 'exited', { exitCode: 0 })]), noProbes, hashOf);
    assert.deepEqual(actions.containersToStart, [1]);
    assert.equal(actions.killPod, false);
    assert.deepEqual(actions.containersToKill, []);
  });

  it('follows OnFailure and Never for exited containers; a pod with nothing left to run is killed', () => {
    const succeeded = status([sandbox()], [instance('app', 'exited', { exitCode: 0 })]);
    const failed = status([sandbox()], [instance('app', 'exited', { exitCode: 2 })]);
    assert.deepEqual(computePodActions(pod([app()], { restartPolicy: 'OnFailure' }), failed, noProbes, hashOf).containersToStart, [0]);
    const done = computePodActions(pod([app()], { restartPolicy: 'OnFailure' }), succeeded, noProbes, hashOf);
    assert.deepEqual(done.containersToStart, []);
    assert.equal(done.killPod, true);
    assert.equal(computePodActions(pod([app()], { restartPolicy: 'Never' }), failed, noProbes, hashOf).killPod, true);
  });

  it('does not recreate the sandbox of a finished pod that will not restart', () => {
    const actions = computePodActions(pod([app()], { restartPolicy: 'Never' }), status([sandbox({ ready: false })], [instance('app', 'exited', { exitCode: 0 })]), noProbes, hashOf);
    assert.equal(actions.createSandbox, false);
    assert.equal(actions.killPod, true);
  });

  it('recreates a dead sandbox and restarts everything in it, except OnFailure containers that succeeded', () => {
    const dead = status([sandbox({ ready: false, attempt: 1 })], [instance('a', 'exited', { exitCode: 0 }), instance('b', 'exited', { exitCode: 137 })]);
    const actions = computePodActions(pod([app('a'), app('b')], { restartPolicy: 'OnFailure' }), dead, noProbes, hashOf);
    assert.equal(actions.createSandbox, true);
    assert.equal(actions.attempt, 2);
    assert.deepEqual(actions.containersToStart, [1]);
  });

  it('restarts a container whose spec changed, saying so', () => {
    const running = instance('app', 'running', { hash: 'hash-busybox:1.35' });
    const actions = computePodActions(pod([app('app', 'busybox:1.36')]), status([sandbox()], [running]), noProbes, hashOf);
    assert.deepEqual(actions.containersToStart, [0]);
    assert.equal(actions.containersToKill[0]?.message, 'Container app definition changed, will be restarted');
  });

  it('kills a container that failed its liveness probe, restarting it unless restartPolicy is Never', () => {
    const running = instance('app', 'running');
    const failing: ProbeResults = { get: (kind, id) => (kind === 'liveness' && id === running.id ? 'failure' : undefined) };
    const probed = pod([{ ...app(), livenessProbe: { exec: { command: ['false'] } } }]);
    const actions = computePodActions(probed, status([sandbox()], [running]), failing, hashOf);
    assert.deepEqual(actions.containersToKill.map((k) => [k.reason, k.message]), [['LivenessProbe', 'Container app failed liveness probe, will be restarted']]);
    assert.deepEqual(actions.containersToStart, [0]);
    const never = computePodActions({ ...probed, spec: { ...probed.spec, restartPolicy: 'Never' } }, status([sandbox()], [running]), failing, hashOf);
    assert.equal(never.containersToKill[0]?.message, 'Container app failed liveness probe');
    assert.equal(never.killPod, true);
  });

  it('kills a container in unknown state before starting it again', () => {
    const unknown = instance('app', 'unknown');
    const actions = computePodActions(pod([app()]), status([sandbox()], [unknown]), noProbes, hashOf);
    assert.deepEqual(actions.containersToStart, [0]);
    assert.equal(actions.containersToKill[0]?.message, 'Container is in "unknown" state, try killing it before restart');
  });
});

describe('shouldContainerBeRestarted', () => {
  it('never restarts the containers of a pod being deleted', () => {
    const deleting = pod([app()]);
    deleting.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    assert.equal(shouldContainerBeRestarted(app(), deleting, status([sandbox()], [instance('app', 'exited', { exitCode: 1 })])), false);
  });
  it('starts a container that never ran, and one stuck in created', () => {
    assert.equal(shouldContainerBeRestarted(app(), pod([app()], { restartPolicy: 'Never' }), status([sandbox()], [])), true);
    assert.equal(shouldContainerBeRestarted(app(), pod([app()], { restartPolicy: 'Never' }), status([sandbox()], [instance('app', 'created')])), true);
  });
});
