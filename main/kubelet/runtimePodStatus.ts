// What the runtime holds for one pod, as kubecontainer.PodStatus: its
// sandboxes and every container instance (current and previous attempts),
// newest first. The sync decision and the API status are both computed from
// this snapshot; it is read fresh from the runtime at the start of each sync.

import { ANNOTATION_TERMINATION_MESSAGE_POLICY, messageFromLogs } from './terminationMessage.ts';
import { LABEL_POD_UID, NotFoundError, type Runtime } from '../runtime/runtime.ts';

export type RuntimeContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface RuntimeContainerStatus {
  id: string;
  name: string;
  /** The restart count this instance was created with. */
  attempt: number;
  state: RuntimeContainerState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  message?: string;
  image: string;
  imageRef: string;
  /** Hash of the container spec it was created from (a changed spec restarts it). */
  hash?: string;
}

export interface RuntimeSandboxStatus {
  id: string;
  attempt: number;
  ready: boolean;
  ip?: string;
  network: 'pod' | 'node';
  createdAt: number;
}

export interface RuntimePodStatus {
  uid: string;
  /** Newest first. */
  sandboxes: RuntimeSandboxStatus[];
  /** Every instance, newest first. */
  containers: RuntimeContainerStatus[];
}

/** Annotation holding the hash of the container spec, as the kubelet's io.kubernetes.container.hash. */
export const ANNOTATION_CONTAINER_HASH = 'io.kubernetes.container.hash';

export function emptyPodStatus(uid: string): RuntimePodStatus {
  return { uid, sandboxes: [], containers: [] };
}

/** The newest instance of a container, as PodStatus.FindContainerStatusByName. */
export function findContainerStatus(status: RuntimePodStatus, name: string): RuntimeContainerStatus | undefined {
  return status.containers.find((c) => c.name === name);
}

export async function readRuntimePodStatus(runtime: Runtime, uid: string): Promise<RuntimePodStatus> {
  const selector = { labels: { [LABEL_POD_UID]: uid } };
  const [sandboxList, containerList] = await Promise.all([runtime.listPodSandboxes(selector), runtime.listContainers(selector)]);
  const sandboxes: RuntimeSandboxStatus[] = [];
  for (const listed of sandboxList) {
    try {
      const status = await runtime.podSandboxStatus(listed.id);
      const sandbox: RuntimeSandboxStatus = {
        id: status.id,
        attempt: status.metadata.attempt,
        ready: status.state === 'ready',
        network: status.namespaces.network,
        createdAt: status.createdAt.getTime(),
      };
      if (status.ip) sandbox.ip = status.ip;
      sandboxes.push(sandbox);
    } catch (error) {
      // Removed between list and inspect: it no longer counts.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  const containers: RuntimeContainerStatus[] = [];
  for (const listed of containerList) {
    try {
      const status = await runtime.containerStatus(listed.id);
      const container: RuntimeContainerStatus = {
        id: status.id,
        name: status.metadata.name,
        attempt: status.metadata.attempt,
        state: status.state,
        createdAt: status.createdAt.getTime(),
        image: status.image,
        imageRef: status.imageRef,
      };
      if (status.startedAt) container.startedAt = status.startedAt.getTime();
      if (status.finishedAt) container.finishedAt = status.finishedAt.getTime();
      if (status.exitCode !== undefined) container.exitCode = status.exitCode;
      if (status.reason) container.reason = status.reason;
      if (status.message) container.message = status.message;
      else if (status.state === 'exited' && status.exitCode !== 0 && status.annotations[ANNOTATION_TERMINATION_MESSAGE_POLICY] === 'FallbackToLogsOnError') {
        const fromLogs = await messageFromLogs(runtime, status.id).catch(() => undefined);
        if (fromLogs) container.message = fromLogs;
      }
      const hash = status.annotations[ANNOTATION_CONTAINER_HASH];
      if (hash) container.hash = hash;
      containers.push(container);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  // Attempts break ties between instances created within the same second.
  sandboxes.sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
  containers.sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
  return { uid, sandboxes, containers };
}
