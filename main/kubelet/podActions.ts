// The sync decision, as kuberuntime_manager.go's computePodActions (with the
// SidecarContainers feature, on by default in 1.32): from the pod spec and
// what the runtime holds, decide whether to (re)create the sandbox, which
// init and app containers to start, and which containers to kill. Pure: the
// pod worker carries the actions out.

import type { ProbeResults } from './probeResults.ts';
import { findContainerStatus, type RuntimeContainerStatus, type RuntimePodStatus } from './runtimePodStatus.ts';
import { isHostNetworkPod, isRestartableInitContainer, type Container, type Pod } from './types.ts';

export type KillReason = '' | 'Unknown' | 'LivenessProbe' | 'StartupProbe';

export interface ContainerToKill {
  id: string;
  name: string;
  container: Container;
  message: string;
  reason: KillReason;
}

export interface PodActions {
  killPod: boolean;
  createSandbox: boolean;
  /** The sandbox to keep using, or the stale one to kill before creating the next. */
  sandboxId: string;
  /** The attempt number of the sandbox to create. */
  attempt: number;
  initContainersToStart: number[];
  containersToStart: number[];
  /** Ephemeral containers never started yet (they never restart). */
  ephemeralContainersToStart: number[];
  containersToKill: ContainerToKill[];
}

export interface SandboxChange {
  changed: boolean;
  attempt: number;
  sandboxId: string;
}

/** runtimeutil.PodSandboxChanged. */
export function podSandboxChanged(pod: Pod, status: RuntimePodStatus): SandboxChange {
  const newest = status.sandboxes[0];
  if (!newest) return { changed: true, attempt: 0, sandboxId: '' };
  const ready = status.sandboxes.filter((s) => s.ready).length;
  if (ready > 1 || !newest.ready) return { changed: true, attempt: newest.attempt + 1, sandboxId: newest.id };
  if (newest.network !== (isHostNetworkPod(pod) ? 'node' : 'pod')) return { changed: true, attempt: newest.attempt + 1, sandboxId: '' };
  if (!isHostNetworkPod(pod) && !newest.ip) return { changed: true, attempt: newest.attempt + 1, sandboxId: newest.id };
  return { changed: false, attempt: newest.attempt, sandboxId: newest.id };
}

export function shouldRestartOnFailure(pod: Pod): boolean {
  return pod.spec.restartPolicy !== 'Never';
}

/** kubecontainer.ShouldContainerBeRestarted. */
export function shouldContainerBeRestarted(container: Container, pod: Pod, status: RuntimePodStatus): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const current = findContainerStatus(status, container.name);
  if (!current) return true;
  if (current.state === 'running') return false;
  if (current.state === 'unknown' || current.state === 'created') return true;
  if (pod.spec.restartPolicy === 'Never') return false;
  if (pod.spec.restartPolicy === 'OnFailure' && current.exitCode === 0) return false;
  return true;
}

export function isInitContainerFailed(status: RuntimeContainerStatus): boolean {
  // An OOM kill may still leave exit code 0.
  if (status.reason === 'OOMKilled') return true;
  if (status.state === 'exited' && status.exitCode !== 0) return true;
  return status.state === 'unknown';
}

function containerSucceeded(container: Container, status: RuntimePodStatus): boolean {
  const current = findContainerStatus(status, container.name);
  return current?.state === 'exited' && current.exitCode === 0;
}

export function hasAnyRegularContainerCreated(pod: Pod, status: RuntimePodStatus): boolean {
  return pod.spec.containers.some((c) => {
    const state = findContainerStatus(status, c.name)?.state;
    return state === 'created' || state === 'running' || state === 'exited';
  });
}

function changed(container: Container, status: RuntimeContainerStatus, hashOf: (c: Container) => string): boolean {
  return status.hash !== undefined && status.hash !== hashOf(container);
}

export function computePodActions(pod: Pod, status: RuntimePodStatus, probes: ProbeResults, hashOf: (c: Container) => string): PodActions {
  const sandbox = podSandboxChanged(pod, status);
  const actions: PodActions = {
    killPod: sandbox.changed,
    createSandbox: sandbox.changed,
    sandboxId: sandbox.sandboxId,
    attempt: sandbox.attempt,
    initContainersToStart: [],
    containersToStart: [],
    ephemeralContainersToStart: [],
    containersToKill: [],
  };
  const initContainers = pod.spec.initContainers ?? [];

  if (sandbox.changed) {
    // Everything is killed and started again in a new sandbox, unless the pod is done for good.
    if (!shouldRestartOnFailure(pod) && sandbox.attempt !== 0 && status.containers.length > 0) {
      actions.createSandbox = false;
      return actions;
    }
    const toStart: number[] = [];
    pod.spec.containers.forEach((c, i) => {
      if (!(pod.spec.restartPolicy === 'OnFailure' && containerSucceeded(c, status))) toStart.push(i);
    });
    if (toStart.length === 0 && hasAnyRegularContainerCreated(pod, status)) {
      actions.createSandbox = false;
      return actions;
    }
    if (initContainers.length > 0) {
      actions.initContainersToStart = [0];
      return actions;
    }
    actions.containersToStart = toStart;
    return actions;
  }

  // Ephemeral containers start even while initialization has not finished (to debug an init container), and only once.
  (pod.spec.ephemeralContainers ?? []).forEach((c, i) => {
    if (!findContainerStatus(status, c.name)) actions.ephemeralContainersToStart.push(i);
  });

  const initialized = computeInitContainerActions(pod, status, actions, probes, hashOf);
  if (actions.killPod || !initialized) return actions;

  let keep = 0;
  pod.spec.containers.forEach((container, index) => {
    const current = findContainerStatus(status, container.name);
    if (!current || current.state !== 'running') {
      if (shouldContainerBeRestarted(container, pod, status)) {
        actions.containersToStart.push(index);
        if (current?.state === 'unknown') {
          // Kill before restarting so two instances never run at once.
          actions.containersToKill.push({
            id: current.id,
            name: container.name,
            container,
            message: `Container is in "${current.state}" state, try killing it before restart`,
            reason: 'Unknown',
          });
        }
      }
      return;
    }
    let restart = shouldRestartOnFailure(pod);
    let message: string;
    let reason: KillReason = '';
    if (changed(container, current, hashOf)) {
      message = `Container ${container.name} definition changed`;
      restart = true;
    } else if (container.livenessProbe && probes.get('liveness', current.id) === 'failure') {
      message = `Container ${container.name} failed liveness probe`;
      reason = 'LivenessProbe';
    } else if (container.startupProbe && probes.get('startup', current.id) === 'failure') {
      message = `Container ${container.name} failed startup probe`;
      reason = 'StartupProbe';
    } else {
      keep++;
      return;
    }
    if (restart) {
      message = `${message}, will be restarted`;
      actions.containersToStart.push(index);
    }
    actions.containersToKill.push({ id: current.id, name: container.name, container, message, reason });
  });

  if (keep === 0 && actions.containersToStart.length === 0) {
    actions.killPod = true;
    // Sidecars must not keep a finished pod alive.
    actions.initContainersToStart = [];
  }
  return actions;
}

/**
 * computeInitContainerActions: walks the init containers from the last,
 * since completed ones may have been removed, to find the next to start and
 * the sidecars to keep running. Returns whether the pod is initialized.
 */
function computeInitContainerActions(pod: Pod, status: RuntimePodStatus, actions: PodActions, probes: ProbeResults, hashOf: (c: Container) => string): boolean {
  const initContainers = pod.spec.initContainers ?? [];
  if (initContainers.length === 0) return true;

  // A created or running app container means initialization happened before,
  // even if the runtime no longer has the init containers.
  let podHasInitialized = pod.spec.containers.some((c) => {
    const state = findContainerStatus(status, c.name)?.state;
    return state === 'created' || state === 'running';
  });
  let previouslyInitialized = podHasInitialized;
  const restartOnFailure = shouldRestartOnFailure(pod);
  const toStart: number[] = [];
  const last = initContainers.length - 1;

  for (let i = last; i >= 0; i--) {
    const container = initContainers[i];
    const current = findContainerStatus(status, container.name);
    const sidecar = isRestartableInitContainer(container);
    if (!current) {
      if (previouslyInitialized && sidecar) toStart.push(i);
      continue;
    }
    if (previouslyInitialized && !sidecar) continue;

    switch (current.state) {
      case 'created':
        // Created but never started: the runtime failed to start it; start it again.
        toStart.push(i);
        break;
      case 'running': {
        if (!sidecar) break;
        if (container.startupProbe) {
          const startup = probes.get('startup', current.id);
          if (startup !== 'success') {
            if (startup === 'failure') {
              actions.containersToKill.push({ id: current.id, name: container.name, container, message: `Init container ${container.name} failed startup probe`, reason: 'StartupProbe' });
              toStart.push(i);
            }
            break;
          }
        }
        if (i === last) podHasInitialized = true;
        else if (!previouslyInitialized) toStart.push(i + 1);
        if (changed(container, current, hashOf)) {
          actions.containersToKill.push({ id: current.id, name: container.name, container, message: `Init container ${container.name} definition changed`, reason: '' });
          toStart.push(i);
          break;
        }
        if (container.livenessProbe && probes.get('liveness', current.id) === 'failure') {
          actions.containersToKill.push({ id: current.id, name: container.name, container, message: `Init container ${container.name} failed liveness probe`, reason: 'LivenessProbe' });
          toStart.push(i);
        }
        break;
      }
      case 'exited':
        if (sidecar) {
          toStart.push(i);
        } else if (isInitContainerFailed(current)) {
          if (!restartOnFailure) {
            actions.killPod = true;
            actions.initContainersToStart = [];
            return false;
          }
          toStart.push(i);
        } else if (i === last) {
          podHasInitialized = true;
        } else {
          toStart.push(i + 1);
        }
        break;
      default:
        if (!sidecar && !restartOnFailure) {
          actions.killPod = true;
          actions.initContainersToStart = [];
          return false;
        }
        actions.containersToKill.push({
          id: current.id,
          name: container.name,
          container,
          message: `Init container is in "${current.state}" state, try killing it before restart`,
          reason: 'Unknown',
        });
        toStart.push(i);
    }
    previouslyInitialized = true;
  }
  if (!previouslyInitialized) toStart.push(0);
  actions.initContainersToStart = toStart.reverse();
  return podHasInitialized;
}
