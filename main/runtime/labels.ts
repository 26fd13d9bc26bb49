// The labels a runtime puts on what it creates, and reading them
// back. Pod labels are stored as they are and annotations under the
// `annotation.` prefix, as dockershim did, next to the identity labels a
// restarted PodLab re-adopts containers by.

import {
  ANNOTATION_LABEL_PREFIX,
  CONTAINER_TYPE_CONTAINER,
  CONTAINER_TYPE_SANDBOX,
  LABEL_ATTEMPT,
  LABEL_CLUSTER,
  LABEL_CONTAINER_NAME,
  LABEL_CONTAINER_TYPE,
  LABEL_NODE,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_SANDBOX_ID,
  SANDBOX_CONTAINER_NAME,
  type ContainerConfig,
  type ContainerMetadata,
  type NamespaceOptions,
  type PodSandboxConfig,
  type PodSandboxMetadata,
} from './runtime.ts';

export interface Placement {
  cluster: string;
  node: string;
}

export function placementLabels(placement: Placement): Record<string, string> {
  return { [LABEL_CLUSTER]: placement.cluster, [LABEL_NODE]: placement.node };
}

function merge(labels: Record<string, string> | undefined, annotations: Record<string, string> | undefined): Record<string, string> {
  const merged: Record<string, string> = { ...labels };
  for (const [key, value] of Object.entries(annotations ?? {})) merged[ANNOTATION_LABEL_PREFIX + key] = value;
  return merged;
}

function podLabels(pod: PodSandboxMetadata): Record<string, string> {
  return { [LABEL_POD_NAME]: pod.name, [LABEL_POD_NAMESPACE]: pod.namespace, [LABEL_POD_UID]: pod.uid };
}

export function sandboxLabels(config: PodSandboxConfig, placement: Placement): Record<string, string> {
  return {
    ...merge(config.labels, config.annotations),
    ...podLabels(config.metadata),
    [LABEL_CONTAINER_NAME]: SANDBOX_CONTAINER_NAME,
    [LABEL_CONTAINER_TYPE]: CONTAINER_TYPE_SANDBOX,
    [LABEL_ATTEMPT]: String(config.metadata.attempt),
    [LABEL_NAMESPACES]: namespacesLabel(withDefaults(config.namespaces)),
    ...placementLabels(placement),
  };
}

export function containerLabels(sandboxId: string, config: ContainerConfig, sandbox: PodSandboxConfig, placement: Placement): Record<string, string> {
  return {
    ...merge(config.labels, config.annotations),
    ...podLabels(sandbox.metadata),
    [LABEL_CONTAINER_NAME]: config.metadata.name,
    [LABEL_CONTAINER_TYPE]: CONTAINER_TYPE_CONTAINER,
    [LABEL_SANDBOX_ID]: sandboxId,
    [LABEL_ATTEMPT]: String(config.metadata.attempt),
    ...placementLabels(placement),
  };
}

/** Docker's label map split back into labels (everything but annotations) and annotations. */
export function splitLabels(all: Record<string, string> | undefined): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(all ?? {})) {
    if (key.startsWith(ANNOTATION_LABEL_PREFIX)) annotations[key.slice(ANNOTATION_LABEL_PREFIX.length)] = value;
    else labels[key] = value;
  }
  return { labels, annotations };
}

export function sandboxMetadataFrom(labels: Record<string, string>): PodSandboxMetadata {
  return {
    name: labels[LABEL_POD_NAME] ?? '',
    namespace: labels[LABEL_POD_NAMESPACE] ?? '',
    uid: labels[LABEL_POD_UID] ?? '',
    attempt: Number(labels[LABEL_ATTEMPT] ?? 0),
  };
}

export function containerMetadataFrom(labels: Record<string, string>): ContainerMetadata {
  return { name: labels[LABEL_CONTAINER_NAME] ?? '', attempt: Number(labels[LABEL_ATTEMPT] ?? 0) };
}

/** Docker `label` filters: every pair must match. */

/**
 * The sandbox's namespace modes, kept as a label because Docker's own
 * settings cannot tell a shared pod PID namespace from private ones (only the
 * app containers' settings differ).
 */
export const LABEL_NAMESPACES = 'podlab.namespaces';

export function namespacesLabel(namespaces: Required<NamespaceOptions>): string {
  return `network=${namespaces.network},pid=${namespaces.pid},ipc=${namespaces.ipc}`;
}

export function namespacesFrom(labels: Record<string, string>): Required<NamespaceOptions> {
  const fields = Object.fromEntries((labels[LABEL_NAMESPACES] ?? '').split(',').map((pair) => pair.split('=')));
  return {
    network: fields.network === 'node' ? 'node' : 'pod',
    pid: fields.pid === 'pod' || fields.pid === 'node' ? fields.pid : 'container',
    ipc: fields.ipc === 'node' ? 'node' : 'pod',
  };
}

export function withDefaults(namespaces: NamespaceOptions | undefined): Required<NamespaceOptions> {
  return { network: namespaces?.network ?? 'pod', pid: namespaces?.pid ?? 'container', ipc: namespaces?.ipc ?? 'pod' };
}
