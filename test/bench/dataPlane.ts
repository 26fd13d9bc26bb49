// Data-plane benchmarks (issue: data plane on Docker): how long a pod takes
// from create to Running on Docker next to the same two containers started
// by hand, a burst of 50 pods on two Docker nodes with the memory it costs,
// and 10,000 pods on 100 simulated nodes. Each part reports what went wrong
// instead of throwing, so one broken part leaves the others' numbers.

import { performance } from 'node:perf_hooks';
import type Docker from 'dockerode';
import { clusterNetworkName } from '../../main/network/clusterNetwork.ts';
import { LABEL_CLUSTER } from '../../main/runtime/runtime.ts';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, tempDir } from '../helpers/podlabProcess.ts';
import { startDockerServe } from './dockerServe.ts';
import { cpuCalibrationMs, load1, outcome, parallel, rssMiB, sampleRss, settle, sleep, stats, type Outcome, type Stats } from './measures.ts';
import { benchPod } from './podManifest.ts';
import { PodWatch } from './podWatch.ts';
import { untilReadyNodes } from './readyNodes.ts';

// Each part's result is an Outcome; the type lives with the other shared measures.
export type { Outcome } from './measures.ts';

const PODS = '/api/v1/namespaces/default/pods';

async function createPod(api: ApiTarget, name: string): Promise<void> {
  const res = await rawRequest(api, 'POST', PODS, JSON.stringify(benchPod(name, { imagePullPolicy: 'IfNotPresent' })));
  if (res.status !== 201) throw new Error(`creating pod ${name} failed (${res.status}): ${res.body}`);
}

// -- pod startup next to plain Docker --

export interface StartupResult {
  runs: number;
  podlabMs: Stats;
  dockerMs: Stats;
  load: number;
}

/**
 * What a kubelet minimally has to do for this pod, done directly: a pause
 * container owning the network and IPC namespaces on the cluster's network,
 * and the app container joined to both, as PodLab's sandboxes are made.
 */
async function dockerRunPair(docker: Docker, cluster: string, network: string, suffix: string): Promise<number> {
  const labels = { [LABEL_CLUSTER]: cluster, 'podlab.bench': 'baseline' };
  const started = performance.now();
  const pause = await docker.createContainer({ name: `${cluster}-baseline-pause-${suffix}`, Image: 'registry.k8s.io/pause:3.10', Labels: labels, HostConfig: { NetworkMode: network, IpcMode: 'shareable' } });
  await pause.start();
  const app = await docker.createContainer({
    name: `${cluster}-baseline-app-${suffix}`,
    Image: 'busybox:latest',
    Cmd: ['sleep', '3600'],
    Labels: labels,
    HostConfig: { NetworkMode: `container:${pause.id}`, IpcMode: `container:${pause.id}` },
  });
  await app.start();
  const elapsed = performance.now() - started;
  const state = (await app.inspect()).State;
  if (!state.Running) throw new Error(`the baseline app container is ${state.Status}, not running`);
  return elapsed;
}

async function timePodStart(api: ApiTarget, watch: PodWatch, name: string): Promise<number> {
  const started = performance.now();
  await createPod(api, name);
  await watch.until(`pod ${name} Running`, () => watch.pods.get(`default/${name}`)?.runningAt !== undefined, 60_000);
  return watch.pods.get(`default/${name}`)!.runningAt! - started;
}

export async function benchPodStartup(runs = 20): Promise<StartupResult> {
  const ds = await startDockerServe('bench-start', 1);
  try {
    await untilReadyNodes(ds.api, 1, 60_000);
    const watch = await PodWatch.start(ds.api);
    try {
      const network = clusterNetworkName(ds.cluster);
      // First of each not counted: both sides then start with the engine's caches warm.
      await timePodStart(ds.api, watch, 'warmup');
      await dockerRunPair(ds.docker, ds.cluster, network, 'warmup');
      const podlab: number[] = [];
      const plain: number[] = [];
      // Interleaved, so whatever else loads this machine weighs on both sides alike.
      for (let i = 0; i < runs; i++) {
        podlab.push(await timePodStart(ds.api, watch, `start-${i}`));
        plain.push(await dockerRunPair(ds.docker, ds.cluster, network, String(i)));
      }
      return { runs, podlabMs: stats(podlab), dockerMs: stats(plain), load: load1() };
    } finally {
      watch.stop();
    }
  } finally {
    await ds.cleanup();
  }
}

// -- a burst of pods on two Docker nodes --

export interface BurstResult {
  pods: number;
  allScheduledMs: number;
  allRunningMs: number;
  /** From the first create to each pod's Running. */
  perPodMs: Stats;
  idleRssMiB: number;
  peakRssMiB: number;
  rssSamples: number;
  /** The same number of pause + busybox pairs started by hand, all at once, on the same engine and network afterwards. */
  dockerAllRunningMs: number;
  load: number;
}

export async function benchBurst(pods = 50): Promise<BurstResult> {
  const ds = await startDockerServe('bench-burst', 2);
  try {
    await untilReadyNodes(ds.api, 2, 60_000);
    const watch = await PodWatch.start(ds.api);
    const pid = ds.serve.process.pid!;
    try {
      await sleep(2000);
      const idleRssMiB = rssMiB(pid);
      const rss = sampleRss(pid, 100);
      const started = performance.now();
      let peak: ReturnType<ReturnType<typeof sampleRss>['stop']> | undefined;
      try {
        await parallel(pods, pods, (i) => createPod(ds.api, `burst-${i}`));
        await watch.until(`${pods} pods Running`, () => watch.running >= pods, 180_000);
      } finally {
        peak = rss.stop();
      }
      const milestones = [...watch.pods.values()];
      const handStarted = performance.now();
      await parallel(pods, pods, (i) => dockerRunPair(ds.docker, ds.cluster, clusterNetworkName(ds.cluster), `burst-${i}`).then(() => undefined));
      const dockerAllRunningMs = performance.now() - handStarted;
      return {
        pods,
        allScheduledMs: Math.max(...milestones.map((m) => m.scheduledAt! - started)),
        allRunningMs: Math.max(...milestones.map((m) => m.runningAt! - started)),
        perPodMs: stats(milestones.map((m) => m.runningAt! - started)),
        idleRssMiB,
        peakRssMiB: peak.peakMiB,
        rssSamples: peak.samples,
        dockerAllRunningMs,
        load: load1(),
      };
    } finally {
      watch.stop();
    }
  } finally {
    await ds.cleanup();
  }
}

// -- 10,000 pods on 100 simulated nodes --

export interface ScaleResult {
  nodes: number;
  pods: number;
  /** Spawn of `podlab serve` to its `Kubeconfig:` line (the API answers; nodes start before it prints). */
  serveReadyMs: number;
  /** Spawn to every node Ready as the API reports it. */
  nodesReadyMs: number;
  /** Deployment created to the last pod first seen, bound, Running. */
  allCreatedMs: number;
  allScheduledMs: number;
  allRunningMs: number;
  /** Deployment created to the pods' own events (Scheduled, Pulled, Created, Started: four a pod) all written. */
  allEventsWrittenMs: number;
  /** Pods created (by the ReplicaSet controller) and bound per second, between the first and last of each. */
  createdPerSec: number;
  scheduledPerSec: number;
  /** Binding rate over the first and the last thousand pods: whether scheduling slows as pods accumulate. */
  scheduledPerSecFirst1000: number;
  scheduledPerSecLast1000: number;
  idleRssMiB: number;
  peakRssMiB: number;
  load: number;
  /** cpuCalibrationMs just before the run: how fast the machine was then. */
  calibrationMs: number;
}

/** Several runs of benchScale, one after another: a single run on these VMs says as much about the machine's moment as about PodLab. */
export interface ScaleRuns {
  runs: ScaleResult[];
  /** The run whose all-Running time is the median. */
  median: ScaleResult;
  /** At the end of the last run. */
  load: number;
}

export async function benchScaleRuns(count = 3): Promise<ScaleRuns> {
  const runs: ScaleResult[] = [];
  for (let i = 0; i < count; i++) runs.push(await benchScale());
  const byRunning = [...runs].sort((a, b) => a.allRunningMs - b.allRunningMs);
  return { runs, median: byRunning[Math.floor((byRunning.length - 1) / 2)]!, load: load1() };
}

function deployment(name: string, replicas: number) {
  // IfNotPresent, as the other benchmarks' pods that start and as Kubernetes' density tests run (a pinned pause
  // image): with busybox:latest's pull Always each pod's kubelet also pulls and says so, one more event (write) of eight.
  const pod = benchPod(undefined, { labels: { app: name }, imagePullPolicy: 'IfNotPresent' });
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: pod.metadata, spec: pod.spec } } };
}

/** Events per second between the first and the last of `times`. */
function rate(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const span = (sorted[sorted.length - 1]! - sorted[0]!) / 1000;
  return span > 0 ? (sorted.length - 1) / span : Number.POSITIVE_INFINITY;
}

/**
 * When the API server has answered `count` Event creates: its request counter, read every 500 ms (a watch would
 * add work to what it measures, and /metrics counts the stored objects of every resource, ~35 ms with 50,000).
 */
async function untilEventsWritten(api: ApiTarget, count: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await rawRequest(api, 'GET', '/metrics');
    const created = /^apiserver_request_total\{code="201",[^}]*resource="events",[^}]*verb="POST"[^}]*\} (\d+)$/m.exec(String(res.body));
    if (created && Number(created[1]) >= count) return performance.now();
    if (performance.now() > deadline) throw new Error(`fewer than ${count} events written after ${timeoutMs} ms (${created?.[1] ?? 0})`);
    await sleep(500);
  }
}

export async function benchScale(nodes = 100, pods = 10_000): Promise<ScaleResult> {
  const dir = tempDir('bench-scale');
  const spawned = performance.now();
  const serve = await startPodlab(['--runtime', 'simulated', '--nodes', String(nodes)], dir);
  try {
    const serveReadyMs = performance.now() - spawned;
    const api = targetFromKubeconfig(serve.kubeconfig);
    await untilReadyNodes(api, nodes, 120_000);
    const nodesReadyMs = performance.now() - spawned;
    const pid = serve.process.pid!;
    await sleep(2000);
    const idleRssMiB = rssMiB(pid);
    const calibrationMs = cpuCalibrationMs();
    const watch = await PodWatch.start(api);
    try {
      const rss = sampleRss(pid, 100);
      const started = performance.now();
      let peakRssMiB = 0;
      try {
        const res = await rawRequest(api, 'POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify(deployment('scale', pods)));
        if (res.status !== 201) throw new Error(`creating the Deployment failed (${res.status}): ${res.body}`);
        await watch.until(`${pods} pods Running`, () => watch.running >= pods, 300_000);
      } finally {
        peakRssMiB = rss.stop().peakMiB;
      }
      const allEventsWrittenMs = (await untilEventsWritten(api, 4 * pods, 120_000)) - started;
      const milestones = [...watch.pods.values()];
      const scheduled = milestones.map((m) => m.scheduledAt!).sort((a, b) => a - b);
      const running = milestones.map((m) => m.runningAt!);
      const created = milestones.map((m) => m.seenAt);
      return {
        nodes,
        pods,
        serveReadyMs,
        nodesReadyMs,
        allCreatedMs: Math.max(...created) - started,
        allScheduledMs: Math.max(...scheduled) - started,
        allRunningMs: Math.max(...running) - started,
        allEventsWrittenMs,
        createdPerSec: rate(created),
        scheduledPerSec: rate(scheduled),
        scheduledPerSecFirst1000: rate(scheduled.slice(0, 1000)),
        scheduledPerSecLast1000: rate(scheduled.slice(-1000)),
        idleRssMiB,
        peakRssMiB,
        load: load1(),
        calibrationMs,
      };
    } finally {
      watch.stop();
    }
  } finally {
    await serve.stop();
    removeDir(dir);
  }
}

export interface DataPlaneResults {
  startup: Outcome<StartupResult>;
  burst: Outcome<BurstResult>;
  scale: Outcome<ScaleRuns>;
}

export async function benchDataPlane(): Promise<DataPlaneResults> {
  console.log('  pod startup on Docker next to docker run...');
  const startup = await outcome(() => benchPodStartup());
  console.log('  50 pods at once on 2 Docker nodes...');
  const burst = await outcome(() => benchBurst());
  console.log('  10,000 pods on 100 simulated nodes...');
  // The burst leaves Docker removing a hundred containers: the simulated runs wait for the machine to calm down first.
  await settle(3, 120_000);
  const scale = await outcome(() => benchScaleRuns());
  return { startup, burst, scale };
}
