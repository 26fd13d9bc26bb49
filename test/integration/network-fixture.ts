// A cluster for networking tests: the API server of a real Cluster (HTTPS,
// kubeconfig) with no nodes of its own, the cluster network and add-on on
// the real Docker engine, and pods run straight through the Docker runtime
// (node-1 of the Docker fixture), with their Pod objects, Services and
// endpoints written by the test. That keeps these tests about networking:
// no kubelet or controller decides when a pod runs or is ready.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { startNetworking, type Networking } from '../../main/network/networking.ts';
import type { ContainerConfig, PortMapping } from '../../main/runtime/runtime.ts';
import { TEST_LABELS, createDockerFixture, eventually, runPod, type DockerFixture } from './runtime-docker-fixture.ts';

export { eventually, TEST_LABELS };

export interface TestPod {
  name: string;
  uid: string;
  ip: string;
  sandboxId: string;
  containerIds: string[];
}

export interface NetworkFixture {
  docker: DockerFixture;
  cluster: Cluster;
  networking: Networking;
  client: KubeClient;
  dataDir: string;
  /** A busybox httpd answering `body` on `port`; `declare` publishes the port as a declared container port would be. */
  runWebPod(name: string, options?: { body?: string; port?: number; declare?: boolean; labels?: Record<string, string>; namespace?: string }): Promise<TestPod>;
  /** A busybox pod with the cluster's DNS settings, for running commands in (`sh -c`). */
  runClientPod(name: string, image?: string): Promise<(script: string) => Promise<{ exitCode: number; stdout: string; stderr: string }>>;
  /** Writes the Pod object of a pod run with runWebPod, Running and Ready (or not). */
  putPodObject(pod: TestPod, options: { ready: boolean; labels?: Record<string, string>; port?: number; namespace?: string }): Promise<void>;
  /** Removes a pod's containers (its Pod object stays as the test left it). */
  removePod(pod: TestPod): Promise<void>;
  createService(name: string, spec: Record<string, unknown>, namespace?: string): Promise<KubeObject>;
  /** Writes the Service's Endpoints: `ready` and `notReady` pod IPs on one port. */
  setEndpoints(name: string, port: { name?: string; port: number }, ready: Array<{ ip: string; hostname?: string }>, notReady?: string[], namespace?: string): Promise<void>;
  cleanup(): Promise<void>;
}

const core = (plural: string) => ({ group: '', version: 'v1', plural });

export async function createNetworkFixture(): Promise<NetworkFixture> {
  const docker = await createDockerFixture();
  const dataDir = mkdtempSync(join(tmpdir(), 'podlab-network-'));
  let cluster: Cluster | undefined;
  try {
    mkdirSync(dataDir, { recursive: true });
    // The cluster takes the fixture's network (a random /24) rather than choosing 10.244.0.0/16, which other clusters on this engine may use.
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: docker.network.subnet }));
    cluster = await Cluster.start({ name: docker.cluster, dataDir, runtime: 'simulated', nodes: 0 });
    const networking = await startNetworking(cluster, { docker: docker.docker, labels: TEST_LABELS, addonCheckMs: 500 });
    const client = cluster.client('network-test');
    return fixtureFor(docker, cluster, networking, client, dataDir);
  } catch (error) {
    await cluster?.stop().catch(() => undefined);
    await docker.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

function fixtureFor(docker: DockerFixture, cluster: Cluster, networking: Networking, client: KubeClient, dataDir: string): NetworkFixture {
  const runtime = docker.runtime;
  const fixture: NetworkFixture = {
    docker,
    cluster,
    networking,
    client,
    dataDir,
    async runWebPod(name, options = {}) {
      const port = options.port ?? 80;
      const body = options.body ?? name;
      const portMappings: PortMapping[] = options.declare === false ? [] : [{ containerPort: port }];
      const sandbox = docker.pod(name, { portMappings, metadata: { name, namespace: options.namespace ?? 'default', uid: randomBytes(8).toString('hex'), attempt: 0 } });
      const web: ContainerConfig = docker.shell('web', `mkdir -p /www && echo ${body} > /www/index.html && exec httpd -f -p ${port} -h /www`);
      const { sandboxId, containerIds } = await runPod(docker, sandbox, [web]);
      // A started container is not yet a listening server: on a busy machine the first request came too soon.
      await eventually(`${name} serving`, async () => ((await runtime.execSync(containerIds[0]!, ['wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}/`], 5_000).catch(() => undefined))?.exitCode === 0) || undefined);
      const ip = (await runtime.podSandboxStatus(sandboxId)).ip!;
      return { name, uid: sandbox.metadata.uid, ip, sandboxId, containerIds };
    },
    async runClientPod(name, image = 'busybox:latest') {
      const sandbox = docker.pod(name, { dns: networking.podDnsConfig('default') });
      const { containerIds } = await runPod(docker, sandbox, [{ ...docker.shell('client', 'exec sleep 3600'), image, command: ['sleep', '3600'] }]);
      return (script) => runtime.execSync(containerIds[0]!, ['sh', '-c', script], 20_000);
    },
    async putPodObject(pod, options) {
      const namespace = options.namespace ?? 'default';
      const pods = client.resource(core('pods'));
      let object: KubeObject;
      try {
        object = await pods.get(namespace, pod.name);
      } catch {
        object = await pods.create(namespace, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: pod.name, namespace, labels: options.labels ?? {} },
          // Bound to a node no kubelet serves: nothing but the test changes this pod.
          spec: { nodeName: 'node-without-kubelet', containers: [{ name: 'web', image: 'busybox:latest', ports: [{ name: 'http', containerPort: options.port ?? 80 }] }] },
        });
      }
      const now = new Date().toISOString();
      object.status = {
        ...(object.status as object),
        phase: 'Running',
        podIP: pod.ip,
        podIPs: [{ ip: pod.ip }],
        conditions: [{ type: 'Ready', status: options.ready ? 'True' : 'False', lastTransitionTime: now }],
      };
      await pods.updateStatus(namespace, object);
    },
    async removePod(pod) {
      await runtime.removePodSandbox(pod.sandboxId);
    },
    createService(name, spec, namespace = 'default') {
      return client.resource(core('services')).create(namespace, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec });
    },
    async setEndpoints(name, port, ready, notReady = [], namespace = 'default') {
      const endpoints = client.resource(core('endpoints'));
      const body: KubeObject = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace },
        subsets: [
          {
            ...(ready.length ? { addresses: ready.map((a) => ({ ip: a.ip, ...(a.hostname ? { hostname: a.hostname } : {}) })) } : {}),
            ...(notReady.length ? { notReadyAddresses: notReady.map((ip) => ({ ip })) } : {}),
            ports: [{ ...(port.name ? { name: port.name } : {}), port: port.port, protocol: 'TCP' }],
          },
        ].filter((s) => s.addresses || s.notReadyAddresses),
      };
      try {
        const existing = await endpoints.get(namespace, name);
        await endpoints.update(namespace, { ...body, metadata: existing.metadata });
      } catch {
        await endpoints.create(namespace, body);
      }
    },
    async cleanup() {
      await cluster.stop().catch(() => undefined);
      await docker.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/**
 * A NodePort free on this machine now. Every cluster allocates NodePorts from
 * 30000 up, so clusters of tests running side by side would otherwise all
 * want 127.0.0.1:30000.
 */
export async function freeNodePort(): Promise<number> {
  for (;;) {
    const port = 30000 + Math.floor(Math.random() * 2768);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** An HTTP/1.0 GET over nc, as busybox does it: the body, or '' when the connection is refused or reset. */
export function ncGet(host: string, port: number): string {
  return `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port} | tail -n 1`;
}
