// Node containers as the node manager and the `podlab node` command see
// them: listed with their labels (capacity, role), created with them, and a
// removed node's leftovers (its pods' containers and volumes) cleared away.

import type Docker from 'dockerode';
import { LABEL_CLUSTER, LABEL_CONTAINER_TYPE, LABEL_NODE, LABEL_POD_UID } from '../../runtime/runtime.ts';
import { engineCall } from '../../runtime/docker/engine.ts';
import { createNodeContainer, LABEL_ROLE, ROLE_NODE, startNodeContainer } from '../../runtime/docker/nodeContainers.ts';
import { capacityLabels, defaultNodeName, LABEL_NODE_ROLE, type CapacityChoice } from './nodeLabels.ts';
import { ensureClusterNetwork } from '../../network/clusterNetwork.ts';

export interface ListedNode {
  id: string;
  node: string;
  running: boolean;
  labels: Record<string, string>;
}

export async function listNodes(docker: Docker, cluster: string): Promise<ListedNode[]> {
  const filters = JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`, `${LABEL_ROLE}=${ROLE_NODE}`] });
  const containers = await engineCall('list node containers', () => docker.listContainers({ all: true, filters }));
  return containers.map((c) => ({ id: c.Id, node: c.Labels[LABEL_NODE] ?? '', running: c.State === 'running', labels: c.Labels }));
}

export interface NewNode {
  cluster: string;
  /** The cluster's subnet, for creating its network when it does not exist yet. */
  subnet: string;
  node: string;
  capacity?: CapacityChoice;
  controlPlane?: boolean;
  pauseImage?: string;
  labels?: Record<string, string>;
}

/** Creates (when missing) and starts a node container, creating the cluster network first if needed. */
export async function addNode(docker: Docker, spec: NewNode): Promise<void> {
  await ensureClusterNetwork(docker, { cluster: spec.cluster, subnet: spec.subnet, ...(spec.labels ? { labels: spec.labels } : {}) });
  await addNodeOnNetwork(docker, spec);
}

/** Creates (when missing) and starts a node container on a cluster network that is there. */
async function addNodeOnNetwork(docker: Docker, spec: NewNode): Promise<void> {
  await createNodeContainer(docker, {
    cluster: spec.cluster,
    node: spec.node,
    ...(spec.pauseImage ? { image: spec.pauseImage } : {}),
    labels: { ...spec.labels, ...capacityLabels(spec.capacity ?? {}), ...(spec.controlPlane ? { [LABEL_NODE_ROLE]: 'control-plane' } : {}) },
  });
  await startNodeContainer(docker, spec.cluster, spec.node);
}

/**
 * The nodes a cluster starts with (node-1 the control plane), created and
 * started side by side when missing. A new cluster calls it as soon as it has
 * its subnet, so the containers start while its store opens and its API
 * server starts; the node manager calls it again and finds them there.
 */
export async function addInitialNodes(docker: Docker, spec: { cluster: string; subnet: string; nodes: number; pauseImage?: string }): Promise<void> {
  const pauseImage = spec.pauseImage ? { pauseImage: spec.pauseImage } : {};
  // Once, before the nodes: two creates of the same network at once would both try to claim its subnet.
  await ensureClusterNetwork(docker, { cluster: spec.cluster, subnet: spec.subnet });
  await Promise.all(Array.from({ length: spec.nodes }, (_, i) => addNodeOnNetwork(docker, { cluster: spec.cluster, subnet: spec.subnet, node: defaultNodeName(i), controlPlane: i === 0, ...pauseImage })));
}

/** Removes the pod containers and volumes a node left behind (the node container itself is gone or going). */
export async function removeNodeLeftovers(docker: Docker, cluster: string, node: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`, `${LABEL_NODE}=${node}`, LABEL_CONTAINER_TYPE] });
  const containers = await engineCall('list pod containers', () => docker.listContainers({ all: true, filters }));
  // App containers first: a sandbox still joined by one cannot be removed.
  const ordered = [...containers].sort((a, b) => (a.Labels[LABEL_CONTAINER_TYPE] === 'podsandbox' ? 1 : 0) - (b.Labels[LABEL_CONTAINER_TYPE] === 'podsandbox' ? 1 : 0));
  for (const c of ordered) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  const volumes = await engineCall('list volumes', () => docker.listVolumes({ filters: JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`, `${LABEL_NODE}=${node}`] }) }));
  for (const v of volumes.Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
}

/**
 * emptyDir volumes of pods that no longer exist (deleted while PodLab was not
 * running: their kubelet never saw the deletion). Only volumes no container
 * uses and whose pod the API does not know are removed.
 */
export async function removeOrphanVolumes(docker: Docker, cluster: string, podExists: (uid: string) => boolean): Promise<void> {
  const filters = JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`, LABEL_POD_UID], dangling: ['true'] });
  const volumes = await engineCall('list volumes', () => docker.listVolumes({ filters }));
  for (const v of volumes.Volumes ?? []) {
    if (podExists(v.Labels?.[LABEL_POD_UID] ?? '')) continue;
    await docker.getVolume(v.Name).remove().catch(() => undefined);
  }
}
