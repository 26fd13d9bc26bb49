// Volumes and Ingress benchmarks (issue: volumes and Ingress), against
// `podlab serve --runtime docker`: how long a claim takes from created to
// Bound when a matching volume exists (Immediate binding), and HTTP through
// the built-in ingress controller next to the same pod's port reached
// directly (its port published on 127.0.0.1), same run, same requests.

import { request, Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { rawRequest, type ApiTarget } from '../helpers/apiClient.ts';
import { startDockerServe } from './dockerServe.ts';
import { load1, outcome, sleep, stats, type Outcome, type Stats } from './measures.ts';

export interface ClaimResult {
  runs: number;
  boundMs: Stats;
}

export interface IngressResult {
  requests: number;
  ingressMs: Stats;
  directMs: Stats;
  ingressPerSecond: number;
  directPerSecond: number;
}

export interface VolumesIngressResult {
  claims: Outcome<ClaimResult>;
  ingress: Outcome<IngressResult>;
  load: number;
}

async function call(api: ApiTarget, method: string, path: string, body?: unknown): Promise<any> {
  const res = await rawRequest(api, method, path, body === undefined ? undefined : JSON.stringify(body));
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body);
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Claim created → Bound, each against a fresh hostPath volume of a class with Immediate binding. */
async function claimsToBound(api: ApiTarget, runs: number): Promise<ClaimResult> {
  await call(api, 'POST', '/apis/storage.k8s.io/v1/storageclasses', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'bench-immediate' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate' });
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    await call(api, 'POST', '/api/v1/persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `bench-pv-${i}` },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'bench-immediate', hostPath: { path: `/tmp/podlab-bench-pv-${i}` } },
    });
    const started = performance.now();
    await call(api, 'POST', '/api/v1/namespaces/default/persistentvolumeclaims', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `bench-claim-${i}` },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'bench-immediate', resources: { requests: { storage: '1Gi' } } },
    });
    await until(`claim ${i} Bound`, async () => ((await call(api, 'GET', `/api/v1/namespaces/default/persistentvolumeclaims/bench-claim-${i}`)).status?.phase === 'Bound' ? true : undefined), 30_000);
    samples.push(performance.now() - started);
  }
  return { runs, boundMs: stats(samples) };
}

function get(port: number, host: string, agent: Agent): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `requests` GETs one after another on a keep-alive connection; the latencies and the rate. */
async function measure(port: number, host: string, requests: number): Promise<{ ms: Stats; perSecond: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 50; i++) await get(port, host, agent);
    const samples: number[] = [];
    const started = performance.now();
    for (let i = 0; i < requests; i++) samples.push(await get(port, host, agent));
    return { ms: stats(samples), perSecond: (requests * 1000) / (performance.now() - started) };
  } finally {
    agent.destroy();
  }
}

async function ingressNextToDirect(api: ApiTarget, docker: import('dockerode'), cluster: string, requests: number): Promise<IngressResult> {
  await call(api, 'POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'bench-web', labels: { app: 'bench-web' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'web', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www'], ports: [{ containerPort: 80 }] }],
    },
  });
  await call(api, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench-web' }, spec: { selector: { app: 'bench-web' }, ports: [{ port: 80 }] } });
  await call(api, 'POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'bench' },
    spec: { rules: [{ host: 'bench.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'bench-web', port: { number: 80 } } } }] } }] },
  });
  const ingressPort = await until('the Ingress address', async () => (await call(api, 'GET', '/apis/networking.k8s.io/v1/namespaces/default/ingresses/bench')).status?.loadBalancer?.ingress?.[0]?.ports?.[0]?.port as number | undefined);
  const uid = await until('the pod running', async () => {
    const pod = await call(api, 'GET', '/api/v1/namespaces/default/pods/bench-web');
    return pod.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True') ? (pod.metadata.uid as string) : undefined;
  });
  // The pod's declared port as the runtime published it on 127.0.0.1 (on its sandbox).
  const [sandbox] = await docker.listContainers({ filters: JSON.stringify({ label: [`podlab.cluster=${cluster}`, `io.kubernetes.pod.uid=${uid}`, 'io.kubernetes.docker.type=podsandbox'] }) });
  const directPort = sandbox?.Ports.find((p) => p.PrivatePort === 80 && p.PublicPort)?.PublicPort;
  if (!directPort) throw new Error('the pod has no port published on the host');
  await until('the Ingress to answer', async () => (await get(ingressPort, 'bench.localhost', new Agent()).then(() => true, () => undefined)));
  const direct = await measure(directPort, 'bench.localhost', requests);
  const ingress = await measure(ingressPort, 'bench.localhost', requests);
  return { requests, ingressMs: ingress.ms, directMs: direct.ms, ingressPerSecond: ingress.perSecond, directPerSecond: direct.perSecond };
}

export async function benchVolumesIngress(): Promise<VolumesIngressResult> {
  const env = await startDockerServe('bench-vol', 1);
  try {
    const claims = await outcome(() => claimsToBound(env.api, 20));
    const ingress = await outcome(() => ingressNextToDirect(env.api, env.docker, env.cluster, 2000));
    return { claims, ingress, load: load1() };
  } finally {
    await env.cleanup();
  }
}
