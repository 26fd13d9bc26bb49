// One node's agent: registers the Node and keeps its status and Lease
// fresh, watches the pods bound to the node and runs a worker per pod over
// the runtime, listens to the runtime's events (PLEG), and cleans up what
// belongs to no known pod. It is a client of the API only. Stopping it
// leaves every container running, as a crashed kubelet would: the next
// kubelet of the node re-adopts them.

import { EventRecorder } from '../kube/client/eventRecorder.ts';
import type { KubeClient } from '../kube/client/types.ts';
import { deepEqual } from '../kube/deepEqual.ts';
import type { Image, Runtime } from '../runtime/runtime.ts';
import { realClock, type Clock, type Timer } from '../kube/clock.ts';
import type { Informer } from '../kube/client/informer.ts';
import { admitPod } from './admission.ts';
import { ContainerKiller } from './containerKiller.ts';
import { ContainerStarter } from './containerStarter.ts';
import { Backoff } from './backoff.ts';
import { KubeletEvents } from './events.ts';
import { ImageManager } from './imageManager.ts';
import { NodeLease } from './nodeLease.ts';
import { CONTROL_PLANE_ROLE_LABEL, KUBELET_VERSION, nodeRef, standardLabels, type NodeSystemInfo } from './nodeObject.ts';
import { nodePodInformer } from './nodePods.ts';
import { NodeStatusReporter } from './nodeStatusReporter.ts';
import { removeOrphans } from './orphans.ts';
import { Pleg } from './pleg.ts';
import { apiPodObjects } from './podObjects.ts';
import { KubeletPodSyncer } from './podSyncer.ts';
import { ServiceAccountTokenManager } from './tokenManager.ts';
import { ServiceCache } from './serviceCache.ts';
import { RootCaCache } from './rootCaCache.ts';
import { PodWorkers } from './podWorkers.ts';
import { ProbeManager } from './probes/probeManager.ts';
import { runtimePodNetwork } from './probes/podNetwork.ts';
import { RuntimeHealth } from './runtimeHealth.ts';
import { runtimeErrors } from './runtimeState.ts';
import type { DnsSettings } from './sandboxConfig.ts';
import { StatusManager } from './statusManager.ts';
import { throttledLog } from './throttledLog.ts';
import { timingsFor, type Timings } from './timings.ts';
import type { Pod } from './types.ts';
import { VolumeManager } from './volumeManager.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import { kubeletSpans } from './journeySpans.ts';
import { recordProbeSpans } from './probes/probeSpans.ts';
import { kubeletConfiguration } from './server/kubeletConfiguration.ts';

export type MachineInfo = Omit<NodeSystemInfo, 'containerRuntimeVersion' | 'kubeletVersion' | 'kubeProxyVersion'>;

export interface KubeletOptions {
  nodeName: string;
  client: KubeClient;
  runtime: Runtime;
  /** cpu, memory, pods (and any other resource) as quantities. */
  capacity: Record<string, string>;
  /** Default: the capacity. */
  allocatable?: Record<string, string>;
  /** Added to the standard labels. */
  labels?: Record<string, string>;
  controlPlane?: boolean;
  /** The node's InternalIP (its node container's address). */
  nodeAddress: () => Promise<string | undefined>;
  machine: MachineInfo;
  /** Where its pods' volume files and termination-message files live. */
  rootDir: string;
  /** false: the node's containers cannot open files (a simulated node's), so the kubelet writes none (volumeManager.ts). */
  writesFiles?: boolean;
  providerID?: string;
  dns?: DnsSettings;
  /** Per container; 0: unlimited. */
  podPidsLimit?: number;
  /** CPUs the engine really has, in millicores (caps CPU limits). */
  engineCpuMillis?: number;
  clock?: Clock;
  timings?: Timings;
  /** The node's registry logins (Docker config.json payloads), read at each pull. */
  nodeCredentials?: () => Buffer[];
  onError?: (error: unknown, context: string) => void;
  /** Where the kubelet records its part of each pod's journey (admission, sandbox, images, containers, status, probes). */
  journeys?: JourneyRecorder;
}

const IMAGE_LIST_MS = 60_000;

/** Before the cluster's DNS add-on exists: pods use the engine's resolver. */
const DEFAULT_DNS = { clusterDNS: [], clusterDomain: 'cluster.local' };

// How long stop() waits for pod work in flight, such as a container's grace period.
const STOP_WAIT_MS = 2_000;

/**
 * Whether an update needs a sync: the kubelet's own status writes come back
 * as status-only updates and need none, unless a readiness gate's condition
 * moved (HandlePodReconcile).
 */
function changedBeyondStatus(old: Pod, pod: Pod): boolean {
  const strip = ({ status: _s, metadata: { resourceVersion: _rv, managedFields: _mf, ...metadata }, ...rest }: Pod) => ({ ...rest, metadata });
  if (!deepEqual(strip(old), strip(pod))) return true;
  const gates = new Set((pod.spec.readinessGates ?? []).map((g) => g.conditionType));
  const gated = (p: Pod) => (p.status?.conditions ?? []).filter((c) => gates.has(c.type)).map((c) => [c.type, c.status]);
  return gates.size > 0 && !deepEqual(gated(old), gated(pod));
}

export class Kubelet {
  readonly nodeName: string;
  private readonly clock: Clock;
  /** The node's probes; the UI reads their history from here without touching the store. */
  readonly probes: ProbeManager;
  private readonly timings: Timings;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly events: KubeletEvents;
  private readonly health: RuntimeHealth;
  private readonly reporter: NodeStatusReporter;
  private readonly lease: NodeLease;
  private readonly workers: PodWorkers;
  private readonly pleg: Pleg;
  private readonly informer: Informer<Pod>;
  private readonly services: ServiceCache;
  private readonly rootCa: RootCaCache;
  private readonly status: StatusManager;
  private readonly allocatable: Record<string, string>;
  private hostIP: string | undefined;
  private imageCache: { at: number; images: Image[] } | undefined;
  private housekeepingTimer: Timer | undefined;
  private stopped = false;
  private startedAt: Date | undefined;
  private readonly stopProbeSpans: (() => void) | undefined;

  constructor(private readonly options: KubeletOptions) {
    this.nodeName = options.nodeName;
    this.clock = options.clock ?? realClock;
    this.timings = options.timings ?? timingsFor();
    const report = options.onError ?? throttledLog('kubelet', () => this.clock.now());
    // Steps still finishing after stop() meet a closed API: that is not worth a message.
    this.onError = (error, context) => {
      if (!this.stopped) report(error, context);
    };
    this.allocatable = options.allocatable ?? { ...options.capacity };
    const { client, runtime, nodeName } = options;
    const now = () => this.clock.now();
    this.events = new KubeletEvents(new EventRecorder(client, { component: 'kubelet', host: nodeName }, () => new Date(now())));

    this.health = new RuntimeHealth(runtime, this.clock, this.timings.runtimeCheckMs, () => this.reporter.poke());
    const labels = {
      ...standardLabels(nodeName, options.machine.operatingSystem, options.machine.architecture),
      ...(options.controlPlane ? { [CONTROL_PLANE_ROLE_LABEL]: '' } : {}),
      ...options.labels,
    };
    this.reporter = new NodeStatusReporter({
      nodes: client.resource({ group: '', version: 'v1', plural: 'nodes' }),
      description: { name: nodeName, labels, capacity: options.capacity, allocatable: this.allocatable, ...(options.providerID ? { providerID: options.providerID } : {}) },
      facts: async () => {
        const [address, images] = await Promise.all([options.nodeAddress().catch(() => undefined), this.images()]);
        this.hostIP = address ?? this.hostIP;
        const version = this.health.version;
        return {
          ...(this.hostIP ? { internalIP: this.hostIP } : {}),
          nodeInfo: {
            ...options.machine,
            containerRuntimeVersion: version ? `${version.runtimeName}://${version.runtimeVersion}` : '',
            kubeletVersion: KUBELET_VERSION,
            kubeProxyVersion: '',
          },
          images,
        };
      },
      conditionInputs: () => ({
        readyErrors: runtimeErrors({
          now: now(),
          lastRuntimeOk: this.health.lastOk,
          runtimeDownMs: this.timings.runtimeDownMs,
          lastRelist: this.pleg.lastRelist,
          plegUnhealthyMs: this.timings.plegUnhealthyMs,
        }),
        memoryPressure: false,
        diskPressure: false,
        pidPressure: false,
      }),
      events: this.events,
      clock: this.clock,
      updateMs: this.timings.nodeStatusUpdateMs,
      reportMs: this.timings.nodeStatusReportMs,
      onError: this.onError,
    });
    this.lease = new NodeLease({
      leases: client.resource({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases' }),
      nodeName,
      nodeUid: () => this.reporter.nodeUid,
      clock: this.clock,
      renewMs: this.timings.leaseRenewMs,
      durationSeconds: this.timings.leaseDurationSeconds,
      onError: this.onError,
    });

    // The status manager only reads the pods it gets and writes.
    const pods = client.resource<Pod>({ group: '', version: 'v1', plural: 'pods' }, { readOnlyAnswers: true });
    this.services = new ServiceCache(client, this.clock, this.onError, nodeName);
    this.rootCa = new RootCaCache(client, this.clock, this.onError, nodeName);
    const volumes = new VolumeManager(runtime, options.rootDir, options.writesFiles !== false);
    const journeys = options.journeys;
    const images = new ImageManager({ runtime, events: this.events, backoff: { initialMs: this.timings.imagePullInitialMs, maxMs: this.timings.imagePullMaxMs }, now, journeys });
    const killer = new ContainerKiller(runtime, this.events, now);
    const nodeLimits = { allocatable: this.allocatable, podPidsLimit: options.podPidsLimit ?? 0, ...(options.engineCpuMillis ? { engineCpuMillis: options.engineCpuMillis } : {}) };
    const starter = new ContainerStarter({
      runtime,
      events: this.events,
      images,
      volumes,
      killer,
      crashBackoff: new Backoff({ initialMs: this.timings.crashLoopInitialMs, maxMs: this.timings.crashLoopMaxMs }, now),
      node: nodeLimits,
      now,
      journeys,
    });
    this.status = new StatusManager(pods, now, this.onError, journeys);
    // Probe results wake the pod's worker; the sync then restarts (liveness) or writes the new readiness.
    this.probes = new ProbeManager({
      runtime,
      network: runtimePodNetwork(runtime),
      events: this.events,
      clock: this.clock,
      onLivenessFailure: (pod) => this.workers.trigger(pod.metadata.uid ?? ''),
      onReadinessChange: (pod) => this.workers.trigger(pod.metadata.uid ?? ''),
    });
    this.stopProbeSpans = journeys && recordProbeSpans(this.probes, journeys);
    const syncer = new KubeletPodSyncer({
      runtime,
      events: this.events,
      status: this.status,
      volumes,
      images,
      starter,
      killer,
      probes: this.probes,
      objects: apiPodObjects(client, this.services, this.rootCa),
      tokens: new ServiceAccountTokenManager(client.resource({ group: '', version: 'v1', plural: 'serviceaccounts' }), now),
      nodeCredentials: options.nodeCredentials ?? (() => []),
      dns: options.dns ?? DEFAULT_DNS,
      node: { hostIP: () => this.hostIP, allocatable: () => this.allocatable, runtimeName: () => this.health.version?.runtimeName ?? 'docker' },
      now,
      errorRetryMs: this.timings.crashLoopInitialMs,
      journeys,
    });
    this.workers = new PodWorkers(syncer, { clock: this.clock, resyncMs: this.timings.podResyncMs, errorRetryMs: this.timings.crashLoopInitialMs, onError: this.onError });
    this.pleg = new Pleg({ runtime, clock: this.clock, relistMs: this.timings.plegRelistMs, onPodEvent: (uid) => this.workers.trigger(uid), onError: this.onError });
    this.informer = nodePodInformer(
      pods,
      nodeName,
      {
        onAdd: (pod) => this.admit(pod),
        onUpdate: (old, pod) => this.workers.update(pod, changedBeyondStatus(old, pod)),
        onDelete: (pod) => this.workers.remove(pod),
      },
      this.clock,
      this.onError,
    );
  }

  /** The node's container runtime (pods/log and exec reach the node's containers through it). */
  get runtime(): Runtime {
    return this.options.runtime;
  }

  /** The node's capacity, as quantities. */
  get capacity(): Readonly<Record<string, string>> {
    return this.options.capacity;
  }

  /** The pods bound to this node, as the kubelet last received them from the API (its /pods). */
  boundPods(): Pod[] {
    return this.informer.values();
  }

  /** The configuration this kubelet applies (its /configz). */
  configuration(): Record<string, unknown> {
    return kubeletConfiguration({
      timings: this.timings,
      dns: this.options.dns ?? DEFAULT_DNS,
      maxPods: Number(this.options.capacity.pods ?? 110),
      podPidsLimit: this.options.podPidsLimit ?? 0,
    });
  }

  /** Since when this kubelet runs; undefined before start() and after stop() (its /healthz then fails). */
  get runningSince(): Date | undefined {
    return this.stopped ? undefined : this.startedAt;
  }

  /** Registers the node and starts every loop; resolves once the node's pods have been listed. */
  async start(): Promise<void> {
    this.startedAt = new Date(this.clock.now());
    await this.health.start();
    this.pleg.start();
    await this.reporter.start();
    const ref = nodeRef(this.nodeName);
    this.events.node(ref, 'Normal', 'Starting', 'Starting kubelet.');
    this.events.node(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    this.lease.start();
    // A sync before the Services' first list waits for it; one before kube-root-ca.crt's reads the API.
    await Promise.all([this.services.start(), this.rootCa.start(), this.informer.start()]);
    if (!this.stopped) await this.housekeeping();
  }

  /** Stops every loop. Containers keep running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.housekeepingTimer?.cancel();
    this.health.stop();
    await this.informer.stop();
    await this.workers.stop(STOP_WAIT_MS);
    await Promise.all([this.services.stop(), this.rootCa.stop()]);
    this.probes.stop();
    this.stopProbeSpans?.();
    await this.pleg.stop();
    await this.lease.stop();
    await this.reporter.stop();
    await this.events.flush();
  }

  /** The node's images for its status, listed at most once a minute: the list only matters to the scheduler's image locality. */
  private async images(): Promise<Image[]> {
    const now = this.clock.now();
    if (!this.imageCache || now - this.imageCache.at > IMAGE_LIST_MS) {
      const images = await this.options.runtime.listImages().catch(() => undefined);
      if (images) this.imageCache = { at: now, images };
    }
    return this.imageCache?.images ?? [];
  }

  /** HandlePodAdditions: a pod new to this node runs only if it fits beside the others; else it is rejected. */
  private admit(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const fresh = !pod.metadata.deletionTimestamp && (pod.status?.phase ?? 'Pending') === 'Pending' && !pod.status?.containerStatuses?.length;
    if (fresh && !this.workers.has(uid)) {
      const admitting = kubeletSpans(this.options.journeys, pod)?.start('node', 'admit', { node: this.nodeName });
      const admission = admitPod(pod, this.allocatable, this.workers.activeUsage());
      if (admission.admit) admitting?.end();
      else admitting?.end({ status: 'error', message: admission.message, attributes: { reason: admission.reason } });
      if (!admission.admit) {
        this.events.pod(pod, 'Warning', admission.reason, admission.message);
        const qosClass = pod.status?.qosClass;
        void this.status.set(pod, { phase: 'Failed', reason: admission.reason, message: `Pod was rejected: ${admission.message}`, ...(qosClass ? { qosClass } : {}) });
        return;
      }
    }
    this.workers.update(pod);
  }

  private async housekeeping(): Promise<void> {
    try {
      await removeOrphans(this.options.runtime, (uid) => this.workers.has(uid));
    } catch (error) {
      this.onError(error, 'housekeeping');
    }
    if (!this.stopped) this.housekeepingTimer = this.clock.setTimeout(() => void this.housekeeping(), this.timings.housekeepingMs);
  }
}
