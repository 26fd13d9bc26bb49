// Workload and traffic benchmarks (issue: workloads and traffic), on the real
// `podlab serve --runtime docker --nodes 2`: a rolling update under traffic,
// requests/s through the host service proxy next to the pod's own published
// port, and how fast a pod that stops being ready leaves its Service's
// Endpoints. Every HTTP request here goes to 127.0.0.1.

import { readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { ApiTarget } from '../helpers/apiClient.ts';
import { rawRequest } from '../helpers/apiClient.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import type { Outcome } from './dataPlane.ts';
import { startDockerServe, type DockerServe } from './dockerServe.ts';
import { load1, sleep, stats, type Stats } from './measures.ts';

const NS = 'default';

/** The busybox httpd pod of the issue: serves its hostname on :8080, ready when / answers 200. */
function web(name: string, replicas: number, env = 'v1'): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'web',
              image: 'busybox:1.36',
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'],
              env: [{ name: 'VERSION', value: env }],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  };
}

function loadBalancer(name: string, port: number): object {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port, targetPort: 'http' }] } };
}

/** One GET with a connection of its own (no keep-alive: busybox httpd closes every connection anyway). */
function get(port: number, timeoutMs = 5000): Promise<{ ok: boolean; why?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? { ok: true } : { ok: false, why: `HTTP ${res.statusCode}` }));
      res.on('error', (err) => resolve({ ok: false, why: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ ok: false, why: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}

/** `concurrency` loops of GETs until `stop()`; counts successes and failures by reason. */
function requestLoop(port: number, concurrency: number): { stop(): Promise<{ ok: number; failed: number; reasons: Record<string, number> }> } {
  let running = true;
  let ok = 0;
  let failed = 0;
  const reasons: Record<string, number> = {};
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const r = await get(port);
      if (r.ok) ok++;
      else {
        failed++;
        reasons[r.why ?? '?'] = (reasons[r.why ?? '?'] ?? 0) + 1;
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ok, failed, reasons };
    },
  };
}

/** A watch on a collection, calling `onEvent` with each object and the moment it arrived here. */
async function watch(api: ApiTarget, path: string, onEvent: (type: string, object: any, at: number) => void): Promise<ClientRequest> {
  const list = await rawRequest(api, 'GET', path);
  if (list.status !== 200) throw new Error(`listing ${path} failed (${list.status}): ${list.body}`);
  for (const item of list.json().items) onEvent('ADDED', item, performance.now());
  const req = request(`${api.server}${path}?watch=1&resourceVersion=${list.json().metadata.resourceVersion}`, { ca: api.ca, headers: { Authorization: `Bearer ${api.token}` } }, (res) => {
    res.setEncoding('utf8');
    let partial = '';
    res.on('data', (chunk: string) => {
      const at = performance.now();
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        const event = JSON.parse(line) as { type: string; object: any };
        if (event.type !== 'BOOKMARK') onEvent(event.type, event.object, at);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return req;
}

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}`);
    await sleep(5);
  }
}

async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const apply = (s: DockerServe, items: object[]) => kubectlOk(s.serve.kubeconfig, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));

async function waitAnswering(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await get(port, 1000)).ok) {
    if (performance.now() > deadline) throw new Error(`nothing answered 200 on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

export interface RolloutResult {
  replicas: number;
  rolloutMs: number;
  requests: number;
  failed: number;
  reasons: Record<string, number>;
}

async function benchRollout(s: DockerServe, lbPort: number): Promise<RolloutResult> {
  const kc = s.serve.kubeconfig;
  const loop = requestLoop(lbPort, 4);
  await sleep(2000); // traffic flows before the rollout begins
  const started = performance.now();
  await kubectlOk(kc, ['set', 'image', 'deployment/web', 'web=busybox:latest']);
  await kubectlOk(kc, ['rollout', 'status', 'deployment/web', '--timeout=5m']);
  const rolloutMs = performance.now() - started;
  await sleep(2000); // and goes on a little after it
  const r = await loop.stop();
  return { replicas: 10, rolloutMs, requests: r.ok + r.failed, failed: r.failed, reasons: r.reasons };
}

export interface ThroughputResult {
  seconds: number;
  concurrency: number;
  directPerSec: number;
  proxyPerSec: number;
  directFailed: number;
  proxyFailed: number;
  directPort: number;
  /** CPU the podlab process used while the proxy carried the requests, in cores (1 = one core busy). */
  podlabCpuDuringProxy: number;
}

async function throughput(port: number, seconds: number, concurrency: number): Promise<{ perSec: number; failed: number }> {
  const loop = requestLoop(port, concurrency);
  const started = performance.now();
  await sleep(seconds * 1000);
  const r = await loop.stop();
  return { perSec: r.ok / ((performance.now() - started) / 1000), failed: r.failed };
}

/** The host port Docker published for the pod's :8080, from its sandbox (pause) container. */
async function publishedPort(s: DockerServe, pod: string): Promise<number> {
  const containers = await s.docker.listContainers({ filters: JSON.stringify({ label: [`podlab.cluster=${s.cluster}`] }) });
  const sandbox = containers.find((c) => c.Names.some((n) => n.startsWith(`/k8s_POD_${pod}_${NS}_`)));
  if (!sandbox) throw new Error(`no sandbox container for pod ${pod}`);
  const info = await s.docker.getContainer(sandbox.Id).inspect();
  const port = Number(info.NetworkSettings.Ports?.['8080/tcp']?.[0]?.HostPort);
  if (!port) throw new Error(`pod ${pod}'s sandbox publishes no 8080/tcp: ${JSON.stringify(info.NetworkSettings.Ports)}`);
  return port;
}

/** CPU seconds the process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Direct and proxied runs alternate (2 × half the time each), so drifting load on the machine hits both alike. */
async function benchThroughput(s: DockerServe, pod: string, lbPort: number, seconds = 10, concurrency = 8): Promise<ThroughputResult> {
  const directPort = await publishedPort(s, pod);
  await waitAnswering(directPort);
  await throughput(lbPort, 1, concurrency); // warm-up, not counted
  const pid = s.serve.process.pid!;
  const direct = { perSec: 0, failed: 0 };
  const proxy = { perSec: 0, failed: 0, cpu: 0 };
  for (let round = 0; round < 2; round++) {
    const d = await throughput(directPort, seconds / 2, concurrency);
    const cpuBefore = cpuSeconds(pid);
    const p = await throughput(lbPort, seconds / 2, concurrency);
    proxy.cpu += cpuSeconds(pid) - cpuBefore;
    direct.perSec += d.perSec / 2;
    direct.failed += d.failed;
    proxy.perSec += p.perSec / 2;
    proxy.failed += p.failed;
  }
  return { seconds, concurrency, directPerSec: direct.perSec, proxyPerSec: proxy.perSec, directFailed: direct.failed, proxyFailed: proxy.failed, directPort, podlabCpuDuringProxy: proxy.cpu / seconds };
}

export interface ReadinessResult {
  runs: number;
  /** Ready condition False (pod watch) → pod IP gone from the Endpoints' ready addresses (endpoints watch). */
  readyToEndpointMs: Stats;
  /** `kubectl exec rm` returned → Ready condition False: the probe's period × failureThreshold, plus the kubelet's status write. */
  execToNotReadyMs: Stats;
  /** Ready False → the LoadBalancer stops sending requests to the pod (it is the only endpoint: the first request the pod does not answer; its 404s do not count). */
  readyToProxyStopsMs: Stats;
}

async function benchReadiness(s: DockerServe, pod: string, lbPort: number, runs = 10): Promise<ReadinessResult> {
  const kc = s.serve.kubeconfig;
  let ready: boolean | undefined;
  let readyChangedAt = 0;
  let podIP = '';
  let inEndpoints: boolean | undefined;
  let endpointsChangedAt = 0;
  const pods = await watch(s.api, `/api/v1/namespaces/${NS}/pods`, (type, p, at) => {
    if (p.metadata.name !== pod || type === 'DELETED') return;
    podIP = p.status?.podIP ?? podIP;
    const now = (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
    if (now !== ready) [ready, readyChangedAt] = [now, at];
  });
  const endpoints = await watch(s.api, `/api/v1/namespaces/${NS}/endpoints`, (type, e, at) => {
    if (e.metadata.name !== 'one') return;
    const ips = type === 'DELETED' ? [] : (e.subsets ?? []).flatMap((sub: { addresses?: Array<{ ip: string }> }) => (sub.addresses ?? []).map((a) => a.ip));
    const now = ips.includes(podIP);
    if (now !== inEndpoints) [inEndpoints, endpointsChangedAt] = [now, at];
  });
  try {
    const toEndpoint: number[] = [];
    const toNotReady: number[] = [];
    const toProxy: number[] = [];
    await until(`pod ${pod} Ready and in the Endpoints`, () => ready === true && inEndpoints === true, 60_000);
    for (let i = 0; i < runs; i++) {
      // The proxy, probed every 10 ms from here on: when does it stop reaching the pod?
      let proxyStoppedAt = 0;
      let probing = true;
      const prober = (async () => {
        while (probing && !proxyStoppedAt) {
          const sentAt = performance.now();
          const r = await get(lbPort, 1000);
          if (!r.ok && r.why !== 'HTTP 404') proxyStoppedAt = sentAt;
          else await sleep(10);
        }
      })();
      await kubectlOk(kc, ['exec', pod, '--', 'rm', '/www/index.html']);
      const removedAt = performance.now();
      await until('Ready False', () => ready === false, 30_000);
      await until('the pod IP to leave the Endpoints', () => inEndpoints === false, 30_000);
      await until('the LoadBalancer to stop reaching the pod', () => proxyStoppedAt > 0, 10_000).catch(() => undefined);
      probing = false;
      await prober;
      toNotReady.push(readyChangedAt - removedAt);
      toEndpoint.push(endpointsChangedAt - readyChangedAt);
      if (proxyStoppedAt) toProxy.push(proxyStoppedAt - readyChangedAt);
      await kubectlOk(kc, ['exec', pod, '--', 'sh', '-c', 'hostname > /www/index.html']);
      await until('Ready True and back in the Endpoints', () => ready === true && inEndpoints === true, 30_000);
      await waitAnswering(lbPort);
    }
    return { runs, readyToEndpointMs: stats(toEndpoint), execToNotReadyMs: stats(toNotReady), readyToProxyStopsMs: stats(toProxy) };
  } finally {
    pods.destroy();
    endpoints.destroy();
  }
}

export interface WorkloadsResults {
  load1: number;
  rollout: Outcome<RolloutResult>;
  throughput: Outcome<ThroughputResult>;
  readiness: Outcome<ReadinessResult>;
}

export async function benchWorkloads(): Promise<WorkloadsResults> {
  const s = await startDockerServe('bench-wl', 2);
  try {
    const kc = s.serve.kubeconfig;
    await kubectlOk(kc, ['wait', '--for=condition=Ready', 'node', '--all', '--timeout=120s']);
    // LoadBalancer ports at random below NodePorts (30000+) and Linux's ephemeral range (32768+); a port in use leaves the Service pending and fails the run.
    const base = 20_000 + Math.floor(Math.random() * 9000);
    const [webPort, onePort] = [base, base + 1];
    await apply(s, [web('web', 10), loadBalancer('web', webPort), web('one', 1), loadBalancer('one', onePort)]);
    await kubectlOk(kc, ['rollout', 'status', 'deployment/web', '--timeout=3m']);
    await kubectlOk(kc, ['rollout', 'status', 'deployment/one', '--timeout=3m']);
    await waitAnswering(webPort);
    await waitAnswering(onePort);
    const onePod = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=one', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const loadBefore = load1();
    const rollout = await outcome(() => benchRollout(s, webPort));
    // The 10 replicas are no longer needed: their probes would only add load to what follows.
    await kubectlOk(kc, ['scale', 'deployment/web', '--replicas=0']);
    const throughputResult = await outcome(() => benchThroughput(s, onePod, onePort));
    const readiness = await outcome(() => benchReadiness(s, onePod, onePort));
    return { load1: loadBefore, rollout, throughput: throughputResult, readiness };
  } finally {
    await s.cleanup();
  }
}
