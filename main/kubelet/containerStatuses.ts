// Container statuses for the API from what the runtime holds, as
// kubelet_pods.go's convertToAPIContainerStatuses: the newest instance gives
// the state, the one before it the lastState; a container that will be
// restarted shows why it waits (CrashLoopBackOff, ImagePullBackOff...) from
// the reason cache; containers not started yet wait in ContainerCreating (or
// PodInitializing behind init containers). Readiness and `started` follow
// the probe results, as the prober manager's UpdatePodStatus.

import type { ProbeResults } from './probeResults.ts';
import { shouldContainerBeRestarted } from './podActions.ts';
import type { RuntimeContainerStatus, RuntimePodStatus } from './runtimePodStatus.ts';
import { isRestartableInitContainer, type Container, type ContainerState, type ContainerStatus, type Pod } from './types.ts';
import { kubeTimestamp } from '../kube/time.ts';
import { deepCopy } from '../kube/deepCopy.ts';

export interface WaitingReason {
  reason: string;
  message: string;
}

export interface ContainerStatusContext {
  pod: Pod;
  runtime: RuntimePodStatus;
  /** Why each container last failed to start, by name (kubelet's reasonCache). */
  reasons: ReadonlyMap<string, WaitingReason>;
  probes: ProbeResults;
  /** `docker`, `simulated`: container IDs read `docker://<id>`. */
  runtimeName: string;
}

const time = (ms: number | undefined): string | null => (ms === undefined ? null : kubeTimestamp(new Date(ms)));

export function imageId(runtimeName: string, imageRef: string): string {
  if (!imageRef) return '';
  return imageRef.includes('://') ? imageRef : `${runtimeName}://${imageRef}`;
}

function convert(cs: RuntimeContainerStatus, old: ContainerStatus | undefined, runtimeName: string): ContainerStatus {
  const containerID = `${runtimeName}://${cs.id}`;
  const status: ContainerStatus = {
    name: cs.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: cs.attempt,
    image: cs.image,
    imageID: imageId(runtimeName, cs.imageRef),
    containerID,
  };
  switch (cs.state) {
    case 'running':
      status.state.running = { startedAt: time(cs.startedAt) ?? undefined };
      break;
    case 'created':
      status.state.waiting = {};
      break;
    case 'exited':
      status.state.terminated = {
        exitCode: cs.exitCode ?? 0,
        reason: cs.reason,
        message: cs.message,
        startedAt: time(cs.startedAt),
        finishedAt: time(cs.finishedAt),
        containerID,
      };
      break;
    default:
      if (old?.state.running) {
        // It ran and vanished: report it as gone rather than as never started, so it is not run twice.
        status.state.terminated = { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' };
        status.restartCount = old.restartCount + 1;
      } else {
        status.state.waiting = {};
      }
  }
  return status;
}

/** Which list of the pod's containers: app containers are listed by name, init and ephemeral ones in spec order. */
export type ContainerKind = 'app' | 'init' | 'ephemeral';

export function convertContainerStatuses(ctx: ContainerStatusContext, previous: ContainerStatus[] | undefined, containers: Container[], kind: ContainerKind): ContainerStatus[] {
  const isInit = kind === 'init';
  const { pod, runtime } = ctx;
  const hasInitContainers = (pod.spec.initContainers ?? []).length > 0;
  const oldStatuses = new Map((previous ?? []).map((s) => [s.name, s]));
  const defaultReason = hasInitContainers ? 'PodInitializing' : 'ContainerCreating';
  const statuses = new Map<string, ContainerStatus>();

  for (const container of containers) {
    let status: ContainerStatus = { name: container.name, state: { waiting: { reason: defaultReason } }, lastState: {}, ready: false, restartCount: 0, image: container.image, imageID: '' };
    const old = oldStatuses.get(container.name);
    if (old?.state.terminated) {
      status = deepCopy(old);
    } else if (old) {
      status.restartCount = old.restartCount;
      status.lastState = deepCopy(old.lastState);
    }
    statuses.set(container.name, status);
  }

  // A container that was running and left the runtime without a trace still ran: keep the pod from going back to Pending.
  for (const container of containers) {
    if (runtime.containers.some((c) => c.name === container.name)) continue;
    const old = oldStatuses.get(container.name);
    if (!old || old.state.terminated || !old.state.running) continue;
    const status = statuses.get(container.name)!;
    if (status.state.waiting?.reason !== defaultReason || status.lastState.terminated) continue;
    status.lastState = {
      terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was deleted.  The container used to be Running' },
    };
    if (!pod.metadata.deletionTimestamp) status.restartCount += 1;
  }

  const seen = new Map<string, number>();
  for (const cs of runtime.containers) {
    const current = statuses.get(cs.name);
    const count = seen.get(cs.name) ?? 0;
    if (!current || count >= 2) continue;
    const converted = convert(cs, oldStatuses.get(cs.name), ctx.runtimeName);
    if (count === 0) {
      const old = oldStatuses.get(cs.name);
      if (cs.state === 'running' && old?.started !== undefined) converted.started = old.started;
      statuses.set(cs.name, converted);
    } else {
      current.lastState = converted.state;
    }
    seen.set(cs.name, count + 1);
  }

  for (const container of containers) {
    if (kind !== 'app') {
      const newest = runtime.containers.find((c) => c.name === container.name);
      if (newest?.state === 'exited' && newest.exitCode === 0) continue;
    }
    if (!shouldContainerBeRestarted(container, pod, runtime)) continue;
    const reason = ctx.reasons.get(container.name);
    if (!reason) continue;
    const status = statuses.get(container.name)!;
    if (status.state.terminated) status.lastState = status.state;
    status.state = { waiting: { reason: reason.reason, message: reason.message } } satisfies ContainerState;
  }

  const ordered = containers.map((c) => statuses.get(c.name)!);
  if (kind === 'ephemeral') {
    // No probes, and nothing waits on them: never ready.
    for (const status of ordered) status.ready = false;
    return ordered;
  }
  applyProbeResults(ctx, ordered, containers, isInit);
  // Kubernetes lists app container statuses by name, init containers in spec order.
  return isInit ? ordered : ordered.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function applyProbeResults(ctx: ContainerStatusContext, statuses: ContainerStatus[], containers: Container[], isInit: boolean): void {
  statuses.forEach((status, i) => {
    const container = containers[i];
    const id = status.containerID?.replace(/^[a-z]+:\/\//, '') ?? '';
    const started = isStarted(ctx.probes, container, status, id);
    status.started = started;
    if (isInit && !isRestartableInitContainer(container)) {
      status.ready = status.state.terminated?.exitCode === 0;
      return;
    }
    if (!started) {
      status.ready = false;
      return;
    }
    status.ready = !!status.state.running && (container.readinessProbe ? ctx.probes.get('readiness', id) === 'success' : true);
  });
}

function isStarted(probes: ProbeResults, container: Container, status: ContainerStatus, id: string): boolean {
  if (!status.state.running) return false;
  const startup = probes.get('startup', id);
  if (startup !== undefined) return startup === 'success';
  return !container.startupProbe;
}
