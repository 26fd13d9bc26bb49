// Deleting a cluster, as `kind delete cluster` does: every container, volume
// and network on the engine labeled with it, then its data directory, and its
// context in the user's kubeconfig when `--update-kubeconfig` put one there.
// A cluster some PodLab process runs is refused: that process owns its store
// and containers and would recreate what was removed.

import { existsSync, rmSync } from 'node:fs';
import type Docker from 'dockerode';
import { clusterNetworkName, removeClusterNetwork } from '../network/clusterNetwork.ts';
import { dockerClient, engineCall, engineCallIdempotent } from '../runtime/docker/engine.ts';
import { CONTAINER_TYPE_CONTAINER, CONTAINER_TYPE_SANDBOX, LABEL_CLUSTER, LABEL_CONTAINER_TYPE } from '../runtime/runtime.ts';
import { clusterPaths, forgetDataDir, lockHolder, readJson } from './dataDir.ts';
import { defaultUserKubeconfigPath, removeFromKubeconfig } from './kubeconfig.ts';

export class ClusterBusyError extends Error {}

export interface DeleteClusterOptions {
  name: string;
  dataDir: string;
  /** Default: a client of the local engine when the cluster ever ran on Docker; a simulated cluster never touches the engine. */
  docker?: Docker;
  kubeconfig?: string;
}

/** Whether the cluster ever ran on Docker (its settings say so); such clusters need the engine to be deleted cleanly. */
function usesDocker(dataDir: string): boolean {
  return readJson<{ runtime?: string }>(clusterPaths(dataDir).settings)?.runtime !== 'simulated';
}

/** Containers, volumes and the network `podlab-<cluster>`: everything on the engine labeled with the cluster. */
export async function removeClusterObjects(docker: Docker, cluster: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`] });
  const containers = await engineCall('list the cluster\'s containers', () => docker.listContainers({ all: true, filters }));
  // App containers before the sandboxes whose namespaces they join, node containers last.
  const rank = (labels: Record<string, string>) => [CONTAINER_TYPE_CONTAINER, CONTAINER_TYPE_SANDBOX].indexOf(labels[LABEL_CONTAINER_TYPE] ?? '') >>> 0;
  const ordered = [...containers].sort((a, b) => rank(a.Labels) - rank(b.Labels));
  // 404: gone meanwhile; 409: the engine is already removing it.
  for (const c of ordered) await engineCallIdempotent(`remove container ${c.Names[0] ?? c.Id}`, () => docker.getContainer(c.Id).remove({ force: true, v: true }), [404, 409]);
  const { Volumes: volumes } = await engineCall('list the cluster\'s volumes', () => docker.listVolumes({ filters }));
  for (const v of volumes ?? []) await engineCallIdempotent(`remove volume ${v.Name}`, () => docker.getVolume(v.Name).remove(), [404]);
  await removeNetworkAfterContainers(docker, cluster);
}

/**
 * The network once its containers are gone. The engine can still list an
 * endpoint of a container it removed a moment ago (or is removing), and then
 * refuses with "has active endpoints": such endpoints are force-disconnected,
 * as `docker network disconnect -f` does, and the removal tried again. A
 * container someone else attached (not the cluster's) is left alone, and its
 * endpoint keeps the network, with Docker's own message.
 */
async function removeNetworkAfterContainers(docker: Docker, cluster: string, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await removeClusterNetwork(docker, cluster);
    } catch (error) {
      if (attempt >= attempts || !/active endpoints/.test((error as Error).message)) throw error;
      await disconnectStaleEndpoints(docker, cluster);
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

async function disconnectStaleEndpoints(docker: Docker, cluster: string): Promise<void> {
  const network = docker.getNetwork(clusterNetworkName(cluster));
  const info = await engineCall('inspect the cluster network', () => network.inspect() as Promise<{ Containers?: Record<string, { Name?: string }> }>);
  for (const [id, endpoint] of Object.entries(info.Containers ?? {})) {
    const owner = await docker.getContainer(id).inspect().catch(() => undefined);
    if (owner && owner.Config?.Labels?.[LABEL_CLUSTER] !== cluster) continue;
    await engineCallIdempotent(`disconnect ${endpoint.Name ?? id} from the cluster network`, () => network.disconnect({ Container: id, Force: true }), [404]);
  }
}

/** Removes the cluster; throws ClusterBusyError while a PodLab process runs it, and leaves the data directory when the engine fails (so a retry finds the cluster again). */
export async function deleteCluster(options: DeleteClusterOptions): Promise<void> {
  const paths = clusterPaths(options.dataDir);
  const holder = lockHolder(paths);
  if (holder !== undefined) throw new ClusterBusyError(`cluster "${options.name}" is running (PodLab process ${holder}): stop it first`);
  const docker = options.docker ?? (usesDocker(options.dataDir) ? dockerClient() : undefined);
  if (docker) await removeClusterObjects(docker, options.name);
  removeFromKubeconfig(options.kubeconfig ?? defaultUserKubeconfigPath(), options.name);
  if (existsSync(options.dataDir)) rmSync(options.dataDir, { recursive: true, force: true });
  forgetDataDir(options.name, options.dataDir);
}
