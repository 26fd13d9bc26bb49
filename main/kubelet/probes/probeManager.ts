// The kubelet's prober manager (prober_manager.go): a worker per probe of
// each container (sidecars included), their results per container instance,
// the probe history the UI reads, and two callbacks into the kubelet.
//
// What the kubelet does with it:
//   const probes = new ProbeManager({ runtime, network: runtimePodNetwork(runtime), events, clock,
//     onLivenessFailure: (pod) => podWorkers.sync(pod),   // computePodActions kills with `Killing`
//     onReadinessChange: (pod) => podWorkers.sync(pod) });  // status manager recomputes Ready
//   - pass `probes` wherever ProbeResults is expected (computePodActions, container statuses);
//   - after each sync reads the runtime: probes.addPod(pod, runtimeStatus.containers)
//     (idempotent; it starts workers the first time and reports instances after);
//   - when the pod starts terminating: probes.stopLivenessAndStartup(uid);
//   - when the pod is gone: probes.removePod(uid); on shutdown: probes.stop().
// Nothing here writes to the API: results change in memory, the callbacks
// say when, and the kubelet writes the status only then.

import type { Runtime } from '../../runtime/runtime.ts';
import { realClock, type Clock } from '../../kube/clock.ts';
import type { ProbeKind, ProbeResult, ProbeResults } from '../probeResults.ts';
import { isRestartableInitContainer, type Container, type Pod } from '../types.ts';
import type { PodNetworkLookup } from './podNetwork.ts';
import { ProbeHistory, type ProbeHistoryListener, type ProbeRecord, type ProbeTotal } from './probeHistory.ts';
import { Prober, probeSpec, type ProbeEventSink } from './prober.ts';
import { ProbeWorker, type ContainerInstance, type WorkerContext } from './probeWorker.ts';
import { ResultsManager, type ResultUpdate } from './resultsManager.ts';

export type { ContainerInstance } from './probeWorker.ts';

export interface NamedContainerInstance extends ContainerInstance {
  /** The container's name in the pod spec. */
  name: string;
}

export interface ProbeManagerOptions {
  runtime: Pick<Runtime, 'execSync'>;
  /** How to reach a pod's ports; runtimePodNetwork(runtime) reads them from the sandbox. */
  network: PodNetworkLookup;
  /** Where Unhealthy and ProbeWarning events go (the kubelet's KubeletEvents). */
  events?: ProbeEventSink;
  clock?: Clock;
  /** Probe runs kept per (pod, container, probe type); default 50. */
  historyLimit?: number;
  /** See tcpProbe.ts; default 100 ms. */
  settleMs?: number;
  /**
   * A running container's liveness or startup probe reached its failureThreshold: sync the pod, whose
   * computePodActions kills it (`Killing`: "Container app failed liveness probe, will be restarted")
   * and restarts it per restartPolicy.
   */
  onLivenessFailure?(pod: Pod, container: Container, kind: 'liveness' | 'startup', containerId: string): void;
  /** A container's readiness or started state changed: recompute ContainersReady/Ready and write the status. */
  onReadinessChange?(pod: Pod): void;
}

interface PodEntry {
  pod: Pod;
  instances: Map<string, ContainerInstance>;
  workers: Map<string, ProbeWorker>;
}

const KINDS: ProbeKind[] = ['startup', 'readiness', 'liveness'];
const workerKey = (containerName: string, kind: ProbeKind) => `${containerName}/${kind}`;

export class ProbeManager implements ProbeResults {
  private readonly pods = new Map<string, PodEntry>();
  private readonly results: Record<ProbeKind, ResultsManager>;
  private readonly probeHistory: ProbeHistory;
  private readonly clock: Clock;
  private readonly prober: Prober;

  constructor(private readonly options: ProbeManagerOptions) {
    this.clock = options.clock ?? realClock;
    this.probeHistory = new ProbeHistory(options.historyLimit);
    this.prober = new Prober({
      runtime: options.runtime,
      network: options.network,
      ...(options.events ? { events: options.events } : {}),
      ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
    });
    this.results = {
      liveness: new ResultsManager((u) => this.resultChanged('liveness', u)),
      readiness: new ResultsManager((u) => this.resultChanged('readiness', u)),
      startup: new ResultsManager((u) => this.resultChanged('startup', u)),
    };
  }

  /**
   * Starts a worker for each probe of the pod's containers and restartable init containers, the first time;
   * then takes in the container instances (newest first per name, as RuntimePodStatus lists them).
   */
  addPod(pod: Pod, containers: Iterable<NamedContainerInstance> = []): void {
    const uid = pod.metadata.uid ?? '';
    let entry = this.pods.get(uid);
    const created = !entry;
    if (!entry) this.pods.set(uid, (entry = { pod, instances: new Map(), workers: new Map() }));
    entry.pod = pod;
    this.updatePodStatus(uid, containers);
    if (!created) return;
    const probed = [...(pod.spec.initContainers ?? []).filter(isRestartableInitContainer), ...pod.spec.containers];
    for (const container of probed) {
      for (const kind of KINDS) {
        const spec = probeSpec(container, kind);
        if (!spec) continue;
        const worker = new ProbeWorker(this.workerContext(entry, container.name, kind), kind, pod, container, spec);
        entry.workers.set(workerKey(container.name, kind), worker);
        worker.start();
      }
    }
  }

  /** Reports the newest instance of each named container; names not listed keep what was reported before. */
  updatePodStatus(podUid: string, containers: Iterable<NamedContainerInstance>): void {
    const seen = new Set<string>();
    for (const { name, ...instance } of containers) {
      if (seen.has(name)) continue;
      seen.add(name);
      this.updateContainer(podUid, name, instance);
    }
  }

  /** The container's newest instance changed (created, started, exited, restarted as a new ID), or is gone (undefined). */
  updateContainer(podUid: string, containerName: string, instance: ContainerInstance | undefined): void {
    const entry = this.pods.get(podUid);
    if (!entry) return;
    const previous = entry.instances.get(containerName);
    if (sameInstance(previous, instance)) return;
    if (instance) entry.instances.set(containerName, instanceOf(instance));
    else entry.instances.delete(containerName);
    for (const kind of KINDS) entry.workers.get(workerKey(containerName, kind))?.containerChanged();
    // As UpdatePodStatus's manual trigger: a container that just began running learns its readiness now.
    const startedRunning = instance?.state === 'running' && (previous?.id !== instance.id || previous.state !== 'running');
    if (startedRunning) entry.workers.get(workerKey(containerName, 'readiness'))?.trigger();
  }

  /** The pod is terminating: liveness and startup probes must not restart its containers now. */
  stopLivenessAndStartup(podUid: string): void {
    const entry = this.pods.get(podUid);
    if (!entry) return;
    for (const [key, worker] of entry.workers) {
      if (worker.kind === 'readiness') continue;
      worker.stop();
      entry.workers.delete(key);
    }
  }

  /** Stops the pod's workers and forgets its results and history. */
  removePod(podUid: string): void {
    const entry = this.pods.get(podUid);
    if (!entry) return;
    for (const worker of entry.workers.values()) worker.stop();
    this.pods.delete(podUid);
    this.probeHistory.forgetPod(podUid);
  }

  /** Stops every worker (kubelet shutdown). */
  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  /** The pod whose probes run here under this uid. */
  pod(podUid: string): Pod | undefined {
    return this.pods.get(podUid)?.pod;
  }

  /** Whether the container counts as ready, as UpdatePodStatus computes it: running, started, and its readiness probe (if any) passing. */
  readiness(podUid: string, containerName: string): boolean {
    const entry = this.pods.get(podUid);
    const instance = entry?.instances.get(containerName);
    if (!entry || instance?.state !== 'running' || !this.startupDone(podUid, containerName)) return false;
    if (!entry.workers.has(workerKey(containerName, 'readiness'))) return true;
    return this.results.readiness.get(instance.id) === 'success';
  }

  /** Whether the container has started (ContainerStatus.started): running, and its startup probe (if any) succeeded. */
  startupDone(podUid: string, containerName: string): boolean {
    const entry = this.pods.get(podUid);
    const instance = entry?.instances.get(containerName);
    if (!entry || instance?.state !== 'running') return false;
    return this.started(entry, containerName, instance.id);
  }

  /** ProbeResults: the last result for this container instance, undefined while its probe has not concluded. */
  get(kind: ProbeKind, containerId: string): ProbeResult | undefined {
    const result = this.results[kind].get(containerId);
    return result === 'unknown' ? undefined : result;
  }

  /** The last probe runs, oldest first. */
  history(podUid: string, containerName: string, kind: ProbeKind): ProbeRecord[] {
    return this.probeHistory.list(podUid, containerName, kind);
  }

  /** Every probe's runs counted by outcome (the kubelet's /metrics/probes). */
  totals(): ProbeTotal[] {
    return this.probeHistory.totals();
  }

  /** Every probe run as it completes; returns the unsubscribe function. */
  subscribe(listener: ProbeHistoryListener): () => void {
    return this.probeHistory.subscribe(listener);
  }

  private workerContext(entry: PodEntry, containerName: string, kind: ProbeKind): WorkerContext {
    const key = workerKey(containerName, kind);
    return {
      clock: this.clock,
      prober: this.prober,
      results: this.results[kind],
      history: this.probeHistory,
      instance: () => entry.instances.get(containerName),
      started: (containerId) => this.started(entry, containerName, containerId),
      exited: (worker) => {
        if (entry.workers.get(key) === worker) entry.workers.delete(key);
      },
    };
  }

  /** UpdatePodStatus's rule: the startup probe's result, or, before it has one, whether there is a startup probe at all. */
  private started(entry: PodEntry, containerName: string, containerId: string): boolean {
    const result = this.results.startup.get(containerId);
    if (result !== undefined) return result === 'success';
    return !entry.workers.has(workerKey(containerName, 'startup'));
  }

  private resultChanged(kind: ProbeKind, update: ResultUpdate): void {
    const entry = this.pods.get(update.pod.metadata.uid ?? '');
    if (!entry) return;
    const name = [...entry.instances].find(([, instance]) => instance.id === update.containerId)?.[0];
    const container = name === undefined ? undefined : findContainer(entry.pod, name);
    if (!container) return;
    const running = entry.instances.get(container.name)?.state === 'running';
    const { onLivenessFailure, onReadinessChange } = this.options;
    // Callbacks run after the worker's step, so the kubelet may call back in.
    queueMicrotask(() => {
      if (kind !== 'liveness') onReadinessChange?.(entry.pod);
      if (kind === 'startup' && update.result === 'success') entry.workers.get(workerKey(container.name, 'readiness'))?.trigger();
      if (kind !== 'readiness' && update.result === 'failure' && running) onLivenessFailure?.(entry.pod, container, kind as 'liveness' | 'startup', update.containerId);
    });
  }
}

function findContainer(pod: Pod, name: string): Container | undefined {
  return pod.spec.containers.find((c) => c.name === name) ?? pod.spec.initContainers?.find((c) => c.name === name);
}

/** Only what the workers read: callers may pass the kubelet's richer runtime status. */
function instanceOf({ id, state, startedAt }: ContainerInstance): ContainerInstance {
  return startedAt === undefined ? { id, state } : { id, state, startedAt };
}

function sameInstance(a: ContainerInstance | undefined, b: ContainerInstance | undefined): boolean {
  return a?.id === b?.id && a?.state === b?.state && a?.startedAt === b?.startedAt;
}
