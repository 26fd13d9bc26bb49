// Node containers: `podlab-<cluster>-<node>`, one per node, running the pause
// image on the cluster network. Nothing runs inside; the container holds the
// node's "host" namespaces (hostNetwork, hostIPC and hostPID pods join them)
// and stands for the node's liveness: stop it and that node's kubelet stops
// heartbeating.

import type Docker from 'dockerode';
import { clusterNetworkName } from '../../network/clusterNetwork.ts';
import { LABEL_CLUSTER, LABEL_NODE, NotFoundError } from '../runtime.ts';
import { CONTAINER_LOG_CONFIG, DEFAULT_PAUSE_IMAGE } from './defaults.ts';
import { engineCall, engineCallIdempotent, httpStatus, toRuntimeError } from './engine.ts';
import { imageStatus, pullImage } from './images.ts';
import { labelFilters } from './labels.ts';
import { placementLabels } from '../labels.ts';

export const LABEL_ROLE = 'podlab.role';
export const ROLE_NODE = 'node';

export interface NodeContainerOptions {
  cluster: string;
  node: string;
  /** Default: the cluster network, `podlab-<cluster>`. */
  network?: string;
  /** Default: the pause image. */
  image?: string;
  /** Added to PodLab's own labels. */
  labels?: Record<string, string>;
}

export interface NodeContainer {
  id: string;
  name: string;
  node: string;
  running: boolean;
  /** The node's address on the cluster network (hostNetwork pods share it). */
  ip?: string;
  startedAt?: Date;
}

export function nodeContainerName(cluster: string, node: string): string {
  return `podlab-${cluster}-${node}`;
}

/**
 * Creates the node container when missing (pulling the image if needed);
 * returns its ID. The create is tried first, since a new cluster's nodes are
 * missing and their image there: an existing container (409) is adopted when
 * it is this cluster's node, a missing image (404) pulled.
 */
export async function createNodeContainer(docker: Docker, options: NodeContainerOptions): Promise<string> {
  const image = options.image ?? DEFAULT_PAUSE_IMAGE;
  const name = nodeContainerName(options.cluster, options.node);
  const create = () =>
    docker.createContainer({
      name,
      Image: image,
      // Kubernetes nodes' hostnames are their names; hostNetwork pods see it too.
      Hostname: options.node.slice(0, 63),
      Labels: { ...options.labels, ...placementLabels(options), [LABEL_ROLE]: ROLE_NODE },
      HostConfig: {
        NetworkMode: options.network ?? clusterNetworkName(options.cluster),
        IpcMode: 'shareable',
        RestartPolicy: { Name: 'no' },
        LogConfig: CONTAINER_LOG_CONFIG,
      },
    });
  try {
    return (await create()).id;
  } catch (error) {
    if (httpStatus(error) === 409) {
      const existing = await inspectNodeContainer(docker, options.cluster, options.node);
      if (existing) return existing.id;
      // Removed meanwhile: created again below.
    } else if (httpStatus(error) === 404 && !(await imageStatus(docker, image))) {
      await pullImage(docker, image);
    } else {
      throw toRuntimeError(error, `create node container ${name}`);
    }
  }
  return (await engineCall(`create node container ${name}`, create)).id;
}

/** Idempotent. */
export async function startNodeContainer(docker: Docker, cluster: string, node: string): Promise<void> {
  const name = nodeContainerName(cluster, node);
  await engineCallIdempotent(`start node container ${name}`, () => docker.getContainer(name).start(), [304]);
}

/** Idempotent. Pods sharing its namespaces keep running: stopping a node is a node failure, not a drain. */
export async function stopNodeContainer(docker: Docker, cluster: string, node: string, timeoutSeconds = 10): Promise<void> {
  const name = nodeContainerName(cluster, node);
  await engineCallIdempotent(`stop node container ${name}`, () => docker.getContainer(name).stop({ t: timeoutSeconds }));
}

/** Idempotent. */
export async function removeNodeContainer(docker: Docker, cluster: string, node: string): Promise<void> {
  const name = nodeContainerName(cluster, node);
  await engineCallIdempotent(`remove node container ${name}`, () => docker.getContainer(name).remove({ force: true }), [404]);
}

export async function inspectNodeContainer(docker: Docker, cluster: string, node: string): Promise<NodeContainer | undefined> {
  const name = nodeContainerName(cluster, node);
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw toRuntimeError(error, `inspect node container ${name}`);
  }
  // A same-named container of someone else is not ours to adopt.
  if (info.Config.Labels?.[LABEL_CLUSTER] !== cluster || info.Config.Labels?.[LABEL_ROLE] !== ROLE_NODE) {
    throw new NotFoundError(`container ${name} exists but is not PodLab's node container for cluster ${cluster}`);
  }
  const ip = Object.values(info.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
  const result: NodeContainer = { id: info.Id, name, node, running: info.State.Running };
  if (ip) result.ip = ip;
  if (info.State.Running) result.startedAt = new Date(info.State.StartedAt);
  return result;
}

/** Node containers of a cluster, by node name. */
export async function listNodeContainers(docker: Docker, cluster: string): Promise<Array<Pick<NodeContainer, 'id' | 'name' | 'node' | 'running'>>> {
  const containers = await engineCall('list node containers', () =>
    docker.listContainers({ all: true, filters: JSON.stringify({ label: labelFilters({ [LABEL_CLUSTER]: cluster, [LABEL_ROLE]: ROLE_NODE }) }) }),
  );
  return containers.map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), node: c.Labels[LABEL_NODE] ?? '', running: c.State === 'running' }));
}
