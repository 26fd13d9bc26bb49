// Which container of a pod a log, exec or attach request means, and which
// runtime container that is. The checks and their words are split as in
// Kubernetes: kube-apiserver validates the container name against the spec
// (validateContainer, streamLocation), the kubelet picks the instance from
// the pod's status (validateContainerLogStatus, findContainer); both answer
// 400 BadRequest, which is how the kubelet's errors reach kubectl.

import { errors } from '../../apiserver/errors.ts';
import type { KubeObject } from '../../kube/meta.ts';

interface ContainerSpec {
  name: string;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
}

interface ContainerStateView {
  waiting?: { reason?: string };
  running?: object;
  terminated?: { containerID?: string };
}

interface ContainerStatusView {
  name: string;
  containerID?: string;
  state?: ContainerStateView;
  lastState?: ContainerStateView;
}

/** The parts of a Pod these requests read. */
export interface PodView extends KubeObject {
  spec?: {
    nodeName?: string;
    initContainers?: ContainerSpec[];
    containers?: ContainerSpec[];
    ephemeralContainers?: ContainerSpec[];
  };
  status?: {
    initContainerStatuses?: ContainerStatusView[];
    containerStatuses?: ContainerStatusView[];
    ephemeralContainerStatuses?: ContainerStatusView[];
  };
}

/** podutil.VisitContainers order: init, regular, ephemeral. */
function allContainers(pod: PodView): ContainerSpec[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
}

/**
 * kube-apiserver's validateContainer: an empty name means the only regular
 * container; a named one must exist among all containers. Returns the name.
 */
export function chooseContainer(pod: PodView, requested: string): string {
  const podName = pod.metadata.name ?? '';
  if (!requested) {
    const regular = pod.spec?.containers ?? [];
    if (regular.length === 1) return regular[0]!.name;
    if (regular.length === 0) throw errors.badRequest(`a container name must be specified for pod ${podName}`);
    // Go's %s of a []string: [a b c].
    throw errors.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${allContainers(pod).map((c) => c.name).join(' ')}]`);
  }
  if (!allContainers(pod).some((c) => c.name === requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${podName}`);
  return requested;
}

export function containerSpec(pod: PodView, name: string): ContainerSpec | undefined {
  return allContainers(pod).find((c) => c.name === name);
}

function containerStatus(pod: PodView, name: string): ContainerStatusView | undefined {
  const status = pod.status ?? {};
  return [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? []), ...(status.ephemeralContainerStatuses ?? [])].find((s) => s.name === name);
}

/** `docker://abc` → `abc`: the runtime's own ID, whatever runtime recorded it. */
export function runtimeContainerId(containerID: string): string {
  const separator = containerID.indexOf('://');
  return separator < 0 ? containerID : containerID.slice(separator + 3);
}

/**
 * The kubelet's validateContainerLogStatus: the instance whose logs to read,
 * current or previous, or the reason there is none yet.
 */
export function logContainerId(pod: PodView, container: string, previous: boolean): string {
  const podName = pod.metadata.name ?? '';
  const fail = (why: string) => errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} ${why}`);
  const status = containerStatus(pod, container);
  // Before the kubelet reports anything, it would answer from the status it generates for a pod it is starting.
  const state = status?.state ?? { waiting: { reason: startingReason(pod, container) } };
  const last = status?.lastState?.terminated;
  if (previous) {
    if (!last?.containerID) throw errors.badRequest(`previous terminated container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} not found`);
    return runtimeContainerId(last.containerID);
  }
  if (state.running && status?.containerID) return runtimeContainerId(status.containerID);
  if (state.terminated) {
    const id = state.terminated.containerID || last?.containerID;
    if (!id) throw fail('is terminated');
    return runtimeContainerId(id);
  }
  if (last) {
    if (!last.containerID) throw fail('is terminated');
    return runtimeContainerId(last.containerID);
  }
  if (state.waiting) {
    switch (state.waiting.reason) {
      case 'ErrImagePull':
        throw fail("is waiting to start: image can't be pulled");
      case 'ImagePullBackOff':
        throw fail('is waiting to start: trying and failing to pull image');
      default:
        throw fail(`is waiting to start: ${state.waiting.reason ?? ''}`);
    }
  }
  throw fail('is waiting to start - no logs yet');
}

/** The kubelet waits with ContainerCreating, or PodInitializing while init containers still run. */
function startingReason(pod: PodView, container: string): string {
  const isInit = (pod.spec?.initContainers ?? []).some((c) => c.name === container);
  return !isInit && (pod.spec?.initContainers ?? []).length > 0 ? 'PodInitializing' : 'ContainerCreating';
}

/** The kubelet's findContainer for exec and attach: only a running instance will do. */
export function runningContainerId(pod: PodView, container: string): string {
  const status = containerStatus(pod, container);
  if (!status?.state?.running || !status.containerID) throw errors.badRequest(`container not found (${JSON.stringify(container)})`);
  return runtimeContainerId(status.containerID);
}
