// A throwaway `podlab serve --runtime docker` for a benchmark: a cluster
// name of its own (other people's clusters and test runs share this engine),
// a /16 no other network on the engine uses, and a cleanup that removes
// everything labeled with that cluster name, whatever the run left behind.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { LABEL_CLUSTER } from '../../main/runtime/runtime.ts';
import { targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

export interface DockerServe {
  cluster: string;
  serve: PodlabServe;
  api: ApiTarget;
  docker: Docker;
  /** Stops podlab serve and removes the cluster's containers, volumes, network and data directory. */
  cleanup(): Promise<void>;
}

/** A random 10.x.0.0/16 whose second octet no Docker network uses (the e2e fixtures take /24s in 10.150–10.249). */
async function freeSubnet(docker: Docker): Promise<string> {
  const used = new Set<number>();
  for (const network of await docker.listNetworks()) {
    for (const config of network.IPAM?.Config ?? []) {
      const [a, b] = (config.Subnet ?? '').split('.');
      if (a === '10') used.add(Number(b));
    }
  }
  const free = Array.from({ length: 50 }, (_, i) => 100 + i).filter((b) => !used.has(b));
  if (free.length === 0) throw new Error('no free 10.100–10.149 subnet on this Docker engine');
  return `10.${free[Math.floor(Math.random() * free.length)]}.0.0/16`;
}

export async function removeCluster(docker: Docker, cluster: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`] });
  const containers = await docker.listContainers({ all: true, filters });
  // App containers first: a sandbox that another container joins cannot go before it.
  const sandboxesLast = [...containers].sort((a, b) => Number(a.Image.includes('pause')) - Number(b.Image.includes('pause')));
  for (const c of sandboxesLast) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
}

/** SIGTERM, or SIGKILL when the process does not stop in time: cleanup must never hang on it. */
async function stopServe(serve: PodlabServe, timeoutMs = 60_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const result = await Promise.race([serve.stop(), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') await serve.kill();
}

// Cleanups still owed; an interrupted run (Ctrl-C, SIGTERM) does them before it exits.
const owed = new Set<() => Promise<void>>();
let trapped = false;

function trapSignals(): void {
  if (trapped) return;
  trapped = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`${signal}: removing the benchmark's clusters before exiting...\n`);
      void Promise.allSettled([...owed].map((cleanup) => cleanup())).finally(() => process.exit(130));
    });
  }
}

export async function startDockerServe(prefix: string, nodes: number): Promise<DockerServe> {
  trapSignals();
  const docker = new Docker();
  const cluster = `${prefix}-${randomBytes(3).toString('hex')}`;
  const dataDir = tempDir(prefix);
  let serve: PodlabServe | undefined;
  const cleanup = async () => {
    owed.delete(cleanup);
    if (serve) await stopServe(serve);
    await removeCluster(docker, cluster);
    removeDir(dataDir);
  };
  owed.add(cleanup);
  try {
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet(docker) }));
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', String(nodes)], dataDir);
    return { cluster, serve, api: targetFromKubeconfig(serve.kubeconfig), docker, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
