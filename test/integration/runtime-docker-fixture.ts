// One throwaway PodLab cluster on the real Docker engine for a test file: its
// own cluster name, network (a random /24, since other test files and other
// people's clusters share the engine) and node container. Everything created
// carries `podlab.test=1` and the cluster label, and `cleanup()` removes
// everything with that cluster label, whatever the tests left behind.

import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { removeClusterObjects } from '../../main/cluster/deleteCluster.ts';
import { ensureClusterNetwork, type ClusterNetwork } from '../../main/network/clusterNetwork.ts';
import { DockerRuntime } from '../../main/runtime/docker/dockerRuntime.ts';
import { createNodeContainer, startNodeContainer } from '../../main/runtime/docker/nodeContainers.ts';
import { LABEL_CLUSTER, type ContainerConfig, type PodSandboxConfig } from '../../main/runtime/runtime.ts';

export const TEST_LABELS = { 'podlab.test': '1' };
export const NODE = 'node-1';

export interface DockerFixture {
  cluster: string;
  network: ClusterNetwork;
  runtime: DockerRuntime;
  docker: Docker;
  /** A sandbox config for a pod of this name, with a fresh uid and the test label. */
  pod(name: string, overrides?: Partial<PodSandboxConfig>): PodSandboxConfig;
  /** A busybox container config running `script` with sh. */
  shell(name: string, script: string, overrides?: Partial<ContainerConfig>): ContainerConfig;
  cleanup(): Promise<void>;
}

export async function createDockerFixture(): Promise<DockerFixture> {
  const cluster = `test-${randomBytes(4).toString('hex')}`;
  const runtime = new DockerRuntime({ cluster, node: NODE });
  const docker = runtime.docker;
  const fixture: DockerFixture = {
    cluster,
    network: undefined as unknown as ClusterNetwork,
    runtime,
    docker,
    pod: (name, overrides = {}) => ({
      metadata: { name, namespace: 'default', uid: randomBytes(8).toString('hex'), attempt: 0 },
      ...overrides,
      labels: { ...TEST_LABELS, ...overrides.labels },
    }),
    shell: (name, script, overrides = {}) => ({
      metadata: { name, attempt: 0 },
      image: 'busybox:latest',
      command: ['sh', '-c', script],
      ...overrides,
      labels: { ...TEST_LABELS, ...overrides.labels },
    }),
    cleanup: () => removeClusterObjects(docker, cluster),
  };
  try {
    fixture.network = await createNetwork(docker, cluster);
    await createNodeContainer(docker, { cluster, node: NODE, labels: TEST_LABELS });
    await startNodeContainer(docker, cluster, NODE);
  } catch (error) {
    await fixture.cleanup();
    throw error;
  }
  return fixture;
}

async function createNetwork(docker: Docker, cluster: string): Promise<ClusterNetwork> {
  for (let attempt = 0; ; attempt++) {
    // 10.200-249: apart from the /16s that whole-cluster tests take in 10.100-199 (test/helpers/dockerCluster.ts).
    const subnet = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}.0/24`;
    try {
      return await ensureClusterNetwork(docker, { cluster, subnet, labels: TEST_LABELS });
    } catch (error) {
      if (attempt < 10 && /overlap/i.test((error as Error).message)) continue;
      throw error;
    }
  }
}

/** What the engine still holds with this cluster's label. */
export async function leftovers(docker: Docker, cluster: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const { Volumes: volumes } = await docker.listVolumes({ filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...(volumes ?? []).map((v) => `volume ${v.Name}`), ...networks.map((n) => `network ${n.Name}`)];
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs a pod with the given containers and waits until they run. Returns the sandbox and container IDs. */
export async function runPod(
  fixture: DockerFixture,
  sandbox: PodSandboxConfig,
  containers: ContainerConfig[],
): Promise<{ sandboxId: string; containerIds: string[] }> {
  const sandboxId = await fixture.runtime.runPodSandbox(sandbox);
  const containerIds: string[] = [];
  for (const config of containers) {
    const id = await fixture.runtime.createContainer(sandboxId, config, sandbox);
    await fixture.runtime.startContainer(id);
    containerIds.push(id);
  }
  return { sandboxId, containerIds };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
