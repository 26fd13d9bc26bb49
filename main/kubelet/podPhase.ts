// The pod phase from container statuses, as kubelet_pods.go's getPhase
// (1.32, sidecar containers included).

import { isRestartableInitContainer, type ContainerStatus, type Pod, type PodStatus } from './types.ts';

type Phase = NonNullable<PodStatus['phase']>;

function statusOf(statuses: ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

/** kubecontainer.HasAnyRegularContainerStarted: an app container runs or ran, so initialization is behind the pod. */
export function hasAnyRegularContainerStarted(pod: Pod, statuses: ContainerStatus[]): boolean {
  return pod.spec.containers.some((c) => {
    const status = statusOf(statuses, c.name);
    return !!(status?.state.running || status?.state.terminated);
  });
}

export function podPhase(pod: Pod, statuses: ContainerStatus[], podIsTerminal: boolean): Phase {
  const spec = pod.spec;
  const initContainers = spec.initContainers ?? [];
  let pendingInitialization = 0;
  let failedInitialization = 0;

  for (const container of initContainers) {
    if (isRestartableInitContainer(container)) continue;
    const status = statusOf(statuses, container.name);
    if (!status) {
      pendingInitialization++;
    } else if (status.state.running) {
      pendingInitialization++;
    } else if (status.state.terminated) {
      if (status.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (status.state.waiting) {
      if (status.lastState.terminated) {
        if (status.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else {
        pendingInitialization++;
      }
    } else {
      pendingInitialization++;
    }
  }

  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;

  for (const container of initContainers) {
    if (!isRestartableInitContainer(container)) continue;
    const status = statusOf(statuses, container.name);
    if (!status) {
      unknown++;
    } else if (status.state.running) {
      if (!status.started) pendingInitialization++;
      running++;
    } else if (status.state.terminated) {
      // Stopped sidecars count neither as running nor as waiting.
    } else if (status.state.waiting) {
      if (!status.lastState.terminated) {
        pendingInitialization++;
        waiting++;
      }
    } else {
      pendingInitialization++;
      unknown++;
    }
  }

  for (const container of spec.containers) {
    const status = statusOf(statuses, container.name);
    if (!status) {
      unknown++;
    } else if (status.state.running) {
      running++;
    } else if (status.state.terminated) {
      stopped++;
      if (status.state.terminated.exitCode === 0) succeeded++;
    } else if (status.state.waiting) {
      if (status.lastState.terminated) stopped++;
      else waiting++;
    } else {
      unknown++;
    }
  }

  if (failedInitialization > 0 && spec.restartPolicy === 'Never') return 'Failed';
  if ((pendingInitialization > 0 && !hasAnyRegularContainerStarted(pod, statuses)) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (spec.restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (spec.restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
