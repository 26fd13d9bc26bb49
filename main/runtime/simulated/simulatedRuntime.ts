// The simulated runtime: the Runtime contract with no containers behind it,
// like kwok. Sandboxes get deterministic IPs, containers "run" from start
// until they are stopped, a test makes them exit, or their program plainly
// ends (programRun.ts: `echo`, a short `sh -c` script), logs are synthetic,
// exec and attach say plainly that they are not supported. Everything lives
// in memory and costs a few hundred bytes per container, so one process can
// hold 10,000 pods. Used for scale tests and on machines without Docker.

import { createHash } from 'node:crypto';
import {
  ImageNotPresentError,
  LABEL_POD_UID,
  ImagePullError,
  NotFoundError,
  NotSupportedError,
  RuntimeError,
  type AttachOptions,
  type Container,
  type ContainerConfig,
  type ContainerEventStream,
  type ContainerEventType,
  type ContainerFilter,
  type ContainerStats,
  type ContainerStatus,
  type EventOptions,
  type ExecOptions,
  type ExecSession,
  type ExecSyncResult,
  type Image,
  type LogLine,
  type LogOptions,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type PullOptions,
  type Runtime,
  type RuntimeVersion,
  type StreamSession,
  type VolumeSpec,
} from '../runtime.ts';
import { containerLabels, containerMetadataFrom, sandboxLabels, sandboxMetadataFrom, splitLabels, withDefaults, type Placement } from '../labels.ts';
import { EventHub } from './eventHub.ts';
import { IpAllocator } from './ipAllocator.ts';
import { SyntheticLogs } from './syntheticLogs.ts';
import { plannedExit } from './programRun.ts';

export interface SimulatedRuntimeOptions {
  cluster: string;
  node: string;
  /** Pod IPs come from here. Share one between a cluster's nodes. Default: a new one for 10.244.0.0/16. */
  ips?: IpAllocator;
  /** The node's own address (hostNetwork pods report it). Default: allocated from `ips`. */
  nodeIp?: string;
  /** Injected so tests control time. */
  now?: () => Date;
  /** Time between synthetic heartbeat log lines. Default 10 s. */
  logIntervalMs?: number;
  /** Runs `callback` after `ms` (a container whose program ends, see programRun.ts). Default: an unref'd setTimeout. */
  setTimer?: (callback: () => void, ms: number) => void;
  /**
   * Whether a pull finds the image; a string is the registry's error message.
   * Default: every image exists except under the reserved `.invalid` domain.
   */
  imageExists?: (image: string) => boolean | string;
}

interface SimSandbox {
  id: string;
  config: PodSandboxConfig;
  labels: Record<string, string>;
  ready: boolean;
  ip?: string;
  createdAt: Date;
  containers: Set<string>;
  /** What listings show of its labels, split once: a node's PLEG lists every sandbox each second. */
  listed?: Listed<PodSandbox['metadata']>;
}

/** A record's labels as listings show them; they never change, so they are split once and shared (frozen). */
interface Listed<M> {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  metadata: M;
}

function listedOf<M>(labels: Record<string, string>, metadataFrom: (labels: Record<string, string>) => M): Listed<M> {
  const split = splitLabels(labels);
  return Object.freeze({ labels: Object.freeze(split.labels), annotations: Object.freeze(split.annotations), metadata: Object.freeze(metadataFrom(labels)) });
}

interface SimContainer {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  labels: Record<string, string>;
  /** Its labels as listings show them (see SimSandbox.listed). */
  listed?: Listed<Container['metadata']>;
  imageRef: string;
  podName: string;
  podNamespace: string;
  podUid: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  reason?: string;
  /** Followers waiting for this container to exit. */
  exitWaiters?: Array<() => void>;
}

const NOT_SUPPORTED = 'is not supported in the simulated runtime: its containers run no processes';
// What a simulated container "uses", so resource views show something plausible.
const SIMULATED_MEMORY_BYTES = 4 * 1024 * 1024;
const SIMULATED_NANO_CORES = 1_000_000;

function defaultImageExists(image: string): boolean | string {
  const host = image.split('/')[0] ?? '';
  return host.includes('.') && /\.invalid(:\d+)?$/.test(host) ? `manifest for ${normalizeImage(image)} not found: manifest unknown: manifest unknown` : true;
}

/** `busybox` → `busybox:latest`, as engines name what they pulled. */
export function normalizeImage(image: string): string {
  if (image.includes('@')) return image;
  return image.lastIndexOf(':') > image.lastIndexOf('/') ? image : `${image}:latest`;
}

export class SimulatedRuntime implements Runtime {
  readonly cluster: string;
  readonly node: string;
  readonly nodeIp: string;
  private readonly ips: IpAllocator;
  private readonly now: () => Date;
  private readonly imageExists: (image: string) => boolean | string;
  private readonly syntheticLogs: SyntheticLogs;
  private readonly eventHub = new EventHub();
  private readonly sandboxes = new Map<string, SimSandbox>();
  private readonly containers = new Map<string, SimContainer>();
  /** Sandbox ids by pod uid: the kubelet lists a pod's sandboxes and containers by its uid label on every sync. */
  private readonly sandboxesOfPod = new Map<string, Set<string>>();
  private readonly images = new Map<string, Image>();
  private readonly volumes = new Set<string>();
  private sequence = 0;
  private readonly setTimer: (callback: () => void, ms: number) => void;

  constructor(options: SimulatedRuntimeOptions) {
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms).unref());
    this.cluster = options.cluster;
    this.node = options.node;
    this.ips = options.ips ?? new IpAllocator('10.244.0.0/16');
    this.nodeIp = options.nodeIp ?? this.ips.allocate();
    this.now = options.now ?? (() => new Date());
    this.imageExists = options.imageExists ?? defaultImageExists;
    this.syntheticLogs = new SyntheticLogs(options.logIntervalMs ?? 10_000);
  }

  private get placement(): Placement {
    return { cluster: this.cluster, node: this.node };
  }

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'simulated', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }

  // -- sandboxes --

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = this.newId('sandbox');
    const hostNetwork = withDefaults(config.namespaces).network === 'node';
    const sandbox: SimSandbox = {
      id,
      config,
      labels: sandboxLabels(config, this.placement),
      ready: true,
      createdAt: this.now(),
      containers: new Set(),
    };
    if (!hostNetwork) sandbox.ip = this.ips.allocate();
    this.sandboxes.set(id, sandbox);
    const uid = sandbox.labels[LABEL_POD_UID] ?? '';
    this.sandboxesOfPod.set(uid, (this.sandboxesOfPod.get(uid) ?? new Set()).add(id));
    this.emit('created', id, sandbox.labels, true);
    this.emit('started', id, sandbox.labels, true);
    return id;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) return;
    // Forcibly, as CRI asks: what still runs is killed.
    for (const id of sandbox.containers) this.finish(this.containers.get(id)!, 137, 'Error');
    if (sandbox.ready) {
      sandbox.ready = false;
      if (sandbox.ip) this.ips.release(sandbox.ip);
      delete sandbox.ip;
      this.emit('died', sandboxId, sandbox.labels, true, 0);
    }
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) return;
    await this.stopPodSandbox(sandboxId);
    for (const id of [...sandbox.containers]) await this.removeContainer(id);
    this.sandboxes.delete(sandboxId);
    const uid = sandbox.labels[LABEL_POD_UID] ?? '';
    const ofPod = this.sandboxesOfPod.get(uid);
    ofPod?.delete(sandboxId);
    if (ofPod?.size === 0) this.sandboxesOfPod.delete(uid);
    this.emit('removed', sandboxId, sandbox.labels, true);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus> {
    const sandbox = this.sandbox(sandboxId);
    const namespaces = withDefaults(sandbox.config.namespaces);
    const status: PodSandboxStatus = {
      ...this.toPodSandbox(sandbox),
      namespaces,
      // Nothing listens on the host: the simulated pod has no ports to reach.
      ports: [],
    };
    if (sandbox.ready) {
      const ip = namespaces.network === 'node' ? this.nodeIp : sandbox.ip;
      if (ip) status.ip = ip;
    }
    return status;
  }

  async listPodSandboxes(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const result: PodSandbox[] = [];
    for (const sandbox of this.sandboxCandidates(filter.labels)) {
      if (filter.id && !sandbox.id.startsWith(filter.id)) continue;
      if (filter.state && (sandbox.ready ? 'ready' : 'notready') !== filter.state) continue;
      if (filter.labels && !matches(sandbox.labels, filter.labels)) continue;
      result.push(this.toPodSandbox(sandbox));
    }
    return result;
  }

  // -- containers --

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const sandbox = this.sandbox(sandboxId);
    const image = await this.imageStatus(config.image);
    if (!image) throw new ImageNotPresentError(config.image, `image "${config.image}" is not present: pull it first`);
    const id = this.newId('container');
    const container: SimContainer = {
      id,
      sandboxId,
      config,
      labels: containerLabels(sandboxId, config, sandboxConfig, this.placement),
      imageRef: image.id,
      podName: sandboxConfig.metadata.name,
      podNamespace: sandboxConfig.metadata.namespace,
      podUid: sandboxConfig.metadata.uid,
      createdAt: this.now(),
    };
    this.containers.set(id, container);
    sandbox.containers.add(id);
    this.emit('created', id, container.labels, false);
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const container = this.container(containerId);
    if (container.startedAt && !container.finishedAt) return;
    if (container.finishedAt) throw new RuntimeError(`container ${containerId} has exited; create a new one`);
    if (!this.sandboxes.get(container.sandboxId)?.ready) {
      throw new RuntimeError(`cannot start container ${containerId}: its sandbox ${container.sandboxId} is not ready`);
    }
    container.startedAt = this.now();
    this.emit('started', containerId, container.labels, false);
    const exit = plannedExit(container.config);
    if (exit) {
      const started = container.startedAt;
      this.setTimer(() => {
        // Only the run it was planned for: a stopped and removed container is not ended twice.
        if (this.containers.get(containerId) === container && container.startedAt === started) this.finish(container, exit.exitCode, exit.exitCode === 0 ? 'Completed' : 'Error');
      }, exit.afterMs);
    }
  }

  /** A simulated process handles SIGTERM at once and exits 0. */
  async stopContainer(containerId: string, _timeoutSeconds: number): Promise<void> {
    const container = this.containers.get(containerId);
    if (container) this.finish(container, 0, 'Completed');
  }

  async removeContainer(containerId: string): Promise<void> {
    const container = this.containers.get(containerId);
    if (!container) return;
    this.finish(container, 137, 'Error');
    this.containers.delete(containerId);
    this.sandboxes.get(container.sandboxId)?.containers.delete(containerId);
    this.emit('removed', containerId, container.labels, false);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const container = this.container(containerId);
    const status: ContainerStatus = { ...this.toContainer(container), pod: { name: container.podName, namespace: container.podNamespace, uid: container.podUid } };
    if (container.startedAt) status.startedAt = container.startedAt;
    if (container.finishedAt) {
      status.finishedAt = container.finishedAt;
      status.exitCode = container.exitCode ?? 0;
      status.reason = container.reason ?? 'Completed';
    }
    return status;
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const candidates = filter.sandboxId
      ? [...(this.sandboxes.get(filter.sandboxId)?.containers ?? [])].map((id) => this.containers.get(id)!)
      : filter.labels?.[LABEL_POD_UID] !== undefined
        ? [...this.sandboxCandidates(filter.labels)].flatMap((sandbox) => [...sandbox.containers].map((id) => this.containers.get(id)!))
        : this.containers.values();
    const result: Container[] = [];
    for (const container of candidates) {
      if (filter.id && !container.id.startsWith(filter.id)) continue;
      if (filter.labels && !matches(container.labels, filter.labels)) continue;
      const listed = this.toContainer(container);
      if (filter.state && listed.state !== filter.state) continue;
      result.push(listed);
    }
    return result;
  }

  /**
   * Makes a running container exit as if its process ended: how tests and
   * scenarios produce crashes (exit code 1), completions (0) and OOM kills.
   */
  exitContainer(containerId: string, exitCode: number, options: { oomKilled?: boolean } = {}): void {
    const container = this.container(containerId);
    if (!container.startedAt || container.finishedAt) throw new RuntimeError(`container ${containerId} is not running`);
    if (options.oomKilled) this.emit('oom', containerId, container.labels, false);
    this.finish(container, exitCode, options.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error');
  }

  // -- volumes --

  async createVolume(spec: VolumeSpec): Promise<void> {
    this.volumes.add(spec.name);
  }

  async removeVolume(name: string): Promise<void> {
    this.volumes.delete(name);
  }

  hasVolume(name: string): boolean {
    return this.volumes.has(name);
  }

  // -- images --

  async pullImage(image: string, options: PullOptions = {}): Promise<string> {
    if (options.signal?.aborted) throw new ImagePullError(image, `pulling image "${image}" was cancelled`, false);
    const exists = this.imageExists(image);
    if (exists !== true) {
      const message = typeof exists === 'string' ? exists : `manifest for ${normalizeImage(image)} not found: manifest unknown`;
      throw new ImagePullError(image, `failed to pull image "${image}": ${message}`, true);
    }
    const name = normalizeImage(image);
    const id = `sha256:${createHash('sha256').update(name).digest('hex')}`;
    const layer = id.slice(7, 19);
    const size = 1024 * 1024;
    for (const progress of [
      { status: 'Pulling fs layer', id: layer },
      { status: 'Downloading', id: layer, current: size / 2, total: size },
      { status: 'Downloading', id: layer, current: size, total: size },
      { status: 'Pull complete', id: layer },
      { status: `Status: Downloaded newer image for ${name}` },
    ]) {
      options.onProgress?.(progress);
    }
    const existing = this.images.get(name);
    this.images.set(name, existing ?? { id, repoTags: [name], repoDigests: [], sizeBytes: size });
    return id;
  }

  async imageStatus(image: string): Promise<Image | undefined> {
    return this.images.get(normalizeImage(image));
  }

  async listImages(): Promise<Image[]> {
    return [...this.images.values()];
  }

  async removeImage(image: string): Promise<void> {
    this.images.delete(normalizeImage(image));
  }

  // -- streaming, events, stats --

  logs(containerId: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const container = this.container(containerId);
    const subject = () => ({
      podNamespace: container.podNamespace,
      podName: container.podName,
      containerName: container.config.metadata.name,
      image: container.config.image,
      ...(container.startedAt ? { startedAt: container.startedAt } : {}),
      ...(container.finishedAt ? { finishedAt: container.finishedAt, exitCode: container.exitCode ?? 0 } : {}),
    });
    const logs = this.syntheticLogs;
    const now = this.now;
    async function* read(): AsyncGenerator<LogLine> {
      const existing = logs.lines(subject(), now(), options);
      yield* existing;
      if (!options.follow) return;
      let delivered = logs.count(subject(), now());
      while (!options.signal?.aborted) {
        const next = logs.nextLineAt(subject(), now());
        if (next) await waitUntil(container, next.getTime() - now().getTime(), options.signal);
        const count = logs.count(subject(), now());
        for (; delivered < count; delivered++) yield logs.line(subject(), delivered, count);
        if (container.finishedAt || !next) return;
      }
    }
    return read();
  }

  async exec(_containerId: string, _options: ExecOptions): Promise<ExecSession> {
    throw new NotSupportedError(`exec ${NOT_SUPPORTED}`);
  }

  async execSync(_containerId: string, _command: string[], _timeoutMs: number): Promise<ExecSyncResult> {
    throw new NotSupportedError(`exec ${NOT_SUPPORTED}`);
  }

  async attach(_containerId: string, _options?: AttachOptions): Promise<StreamSession> {
    throw new NotSupportedError(`attach ${NOT_SUPPORTED}`);
  }

  events(options?: EventOptions): ContainerEventStream {
    return this.eventHub.subscribe(options);
  }

  async containerStats(containerId: string): Promise<ContainerStats> {
    const container = this.container(containerId);
    const now = this.now();
    const running = container.startedAt && !container.finishedAt;
    const end = container.finishedAt ?? now;
    const seconds = container.startedAt ? Math.max(0, (end.getTime() - container.startedAt.getTime()) / 1000) : 0;
    return {
      containerId,
      timestamp: now,
      cpu: { usageCoreNanoSeconds: Math.round(seconds * SIMULATED_NANO_CORES), usageNanoCores: running ? SIMULATED_NANO_CORES : 0 },
      memory: {
        workingSetBytes: running ? SIMULATED_MEMORY_BYTES : 0,
        usageBytes: running ? SIMULATED_MEMORY_BYTES : 0,
        ...(container.config.resources?.memoryLimitBytes ? { limitBytes: container.config.resources.memoryLimitBytes } : {}),
      },
      pids: running ? 1 : 0,
    };
  }

  // -- helpers --

  private newId(kind: string): string {
    return createHash('sha256').update(`${this.cluster}/${this.node}/${kind}/${++this.sequence}`).digest('hex');
  }

  /** The sandboxes a label filter can match: only its pod's when it names a pod uid. */
  private sandboxCandidates(labels: Record<string, string> | undefined): Iterable<SimSandbox> {
    const uid = labels?.[LABEL_POD_UID];
    if (uid === undefined) return this.sandboxes.values();
    return [...(this.sandboxesOfPod.get(uid) ?? [])].map((id) => this.sandboxes.get(id)!);
  }

  private sandbox(id: string): SimSandbox {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw new NotFoundError(`sandbox ${id} not found on node ${this.node}`);
    return sandbox;
  }

  private container(id: string): SimContainer {
    const container = this.containers.get(id);
    if (!container) throw new NotFoundError(`container ${id} not found on node ${this.node}`);
    return container;
  }

  /** Ends a running container; one that never started stays `created`, as with an engine. */
  private finish(container: SimContainer, exitCode: number, reason: string): void {
    if (container.finishedAt || !container.startedAt) return;
    container.finishedAt = this.now();
    container.exitCode = exitCode;
    container.reason = reason;
    for (const wake of [...(container.exitWaiters ?? [])]) wake();
    this.emit('died', container.id, container.labels, false, exitCode);
  }

  private emit(type: ContainerEventType, containerId: string, labels: Record<string, string>, isSandbox: boolean, exitCode?: number): void {
    this.eventHub.emit({ type, containerId, isSandbox, labels: splitLabels(labels).labels, time: this.now(), ...(exitCode !== undefined ? { exitCode } : {}) });
  }

  private toPodSandbox(sandbox: SimSandbox): PodSandbox {
    const { labels, annotations, metadata } = (sandbox.listed ??= listedOf(sandbox.labels, sandboxMetadataFrom));
    return { id: sandbox.id, metadata, state: sandbox.ready ? 'ready' : 'notready', createdAt: sandbox.createdAt, labels, annotations };
  }

  private toContainer(container: SimContainer): Container {
    const { labels, annotations, metadata } = (container.listed ??= listedOf(container.labels, containerMetadataFrom));
    return {
      id: container.id,
      sandboxId: container.sandboxId,
      metadata,
      image: container.config.image,
      imageRef: container.imageRef,
      state: container.finishedAt ? 'exited' : container.startedAt ? 'running' : 'created',
      createdAt: container.createdAt,
      labels,
      annotations,
    };
  }
}

function matches(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  for (const key in wanted) if (labels[key] !== wanted[key]) return false;
  return true;
}

/** Sleeps `ms` (real time), or less if the container exits or the signal aborts. */
function waitUntil(container: SimContainer, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const waiters = (container.exitWaiters ??= []);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      const index = waiters.indexOf(done);
      if (index >= 0) waiters.splice(index, 1);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done);
    waiters.push(done);
  });
}
