// A throwaway `podlab serve --runtime docker` for a benchmark: a cluster
// name of its own (other people's clusters and test runs share this engine),
// a /16 no other network on the engine uses, and a cleanup that removes
// everything labeled with that cluster name, whatever the run left behind.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
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
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  };
  owed.add(cleanup);
  try {
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', String(nodes)], dataDir);
    return { cluster, serve, api: targetFromKubeconfig(serve.kubeconfig), docker, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
