// The Runtime on a Docker engine, for one node of one cluster: pods are pause
// containers with app containers joined to their namespaces, on the cluster's
// bridge network. Everything it creates carries the node's labels and every
// list is scoped to them, so several nodes share one engine.

import type Docker from 'dockerode';
import { clusterNetworkName } from '../../network/clusterNetwork.ts';
import {
  CONTAINER_TYPE_CONTAINER,
  CONTAINER_TYPE_SANDBOX,
  ImageNotPresentError,
  LABEL_CLUSTER,
  LABEL_CONTAINER_TYPE,
  LABEL_SANDBOX_ID,
  NotFoundError,
  type AttachOptions,
  type Container,
  type ContainerConfig,
  type ContainerEventStream,
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
import { containerCreateOptions, toContainer, toContainerStatus } from './containers.ts';
import { resolveVolumeSubPaths } from './volumeSubPath.ts';
import { openVolumeToAll } from './volumeMode.ts';
import { DEFAULT_PAUSE_IMAGE } from './defaults.ts';
import { dockerClient, dockerMessage, engineCall, engineCallIdempotent, httpStatus, toRuntimeError } from './engine.ts';
import { engineVersion } from './engineVersion.ts';
import { containerEvents } from './events.ts';
import { attachContainer, execSync, startExec } from './exec.ts';
import { ensureImagePresent, imageStatus, listImages, pullImage, removeImage } from './images.ts';
import { labelFilters } from './labels.ts';
import { placementLabels, sandboxMetadataFrom, splitLabels, type Placement } from '../labels.ts';
import { containerLogs } from './logs.ts';
import { inspectNodeContainer } from './nodeContainers.ts';
import { sandboxCreateOptions, sandboxIp, toPodSandboxStatus, type SandboxContext } from './sandboxes.ts';
import { containerStats } from './stats.ts';

export interface DockerRuntimeOptions {
  cluster: string;
  node: string;
  /** Default: a client for DOCKER_HOST or the local socket. */
  docker?: Docker;
  /** Default: the cluster network, `podlab-<cluster>`. */
  network?: string;
  /** Default: registry.k8s.io/pause:3.10. */
  pauseImage?: string;
}

// The sandbox's pause exits on SIGTERM at once; this only bounds a stuck one.
const SANDBOX_STOP_SECONDS = 10;

export class DockerRuntime implements Runtime {
  readonly cluster: string;
  readonly node: string;
  readonly docker: Docker;
  private readonly context: SandboxContext;

  constructor(options: DockerRuntimeOptions) {
    this.cluster = options.cluster;
    this.node = options.node;
    this.docker = options.docker ?? dockerClient();
    this.context = {
      cluster: options.cluster,
      node: options.node,
      network: options.network ?? clusterNetworkName(options.cluster),
      pauseImage: options.pauseImage ?? DEFAULT_PAUSE_IMAGE,
    };
  }

  private get placement(): Placement {
    return { cluster: this.cluster, node: this.node };
  }

  async version(): Promise<RuntimeVersion> {
    const version = await engineVersion(this.docker);
    return { runtimeName: 'docker', runtimeVersion: version.Version, runtimeApiVersion: version.ApiVersion };
  }

  // -- sandboxes --

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    await ensureImagePresent(this.docker, this.context.pauseImage);
    const options = sandboxCreateOptions(config, this.context);
    const created = await engineCall(`create sandbox ${options.name}`, () => this.docker.createContainer(options));
    try {
      await engineCall(`start sandbox ${options.name}`, () => created.start());
    } catch (error) {
      // A sandbox that never started is of no use to anyone; leave no trace.
      await engineCallIdempotent('remove failed sandbox', () => created.remove({ force: true }), [404]).catch(() => {});
      throw error;
    }
    return created.id;
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    // CRI: containers still running in the sandbox are forcibly terminated.
    for (const container of await this.listContainers({ sandboxId, state: 'running' })) {
      await this.stopContainer(container.id, 0);
    }
    await engineCallIdempotent(`stop sandbox ${sandboxId}`, () => this.docker.getContainer(sandboxId).stop({ t: SANDBOX_STOP_SECONDS }));
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    for (const container of await this.listContainers({ sandboxId })) await this.removeContainer(container.id);
    await engineCallIdempotent(`remove sandbox ${sandboxId}`, () => this.docker.getContainer(sandboxId).remove({ force: true, v: true }), [404, 409]);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus> {
    const info = await this.inspectOwn(sandboxId, CONTAINER_TYPE_SANDBOX);
    const hostNetwork = String(info.HostConfig.NetworkMode ?? '').startsWith('container:');
    const ip = hostNetwork ? (await inspectNodeContainer(this.docker, this.cluster, this.node))?.ip : sandboxIp(info, this.context.network);
    return toPodSandboxStatus(info, ip);
  }

  async listPodSandboxes(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const containers = await this.list(CONTAINER_TYPE_SANDBOX, filter.labels, filter.id);
    const sandboxes = containers.map((info): PodSandbox => {
      const { labels, annotations } = splitLabels(info.Labels);
      return {
        id: info.Id,
        metadata: sandboxMetadataFrom(info.Labels),
        state: info.State === 'running' ? 'ready' : 'notready',
        createdAt: new Date(info.Created * 1000),
        labels,
        annotations,
      };
    });
    return filter.state ? sandboxes.filter((s) => s.state === filter.state) : sandboxes;
  }

  // -- containers --

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const security = config.securityContext;
    const imageUser = security?.runAsGroup !== undefined && security.runAsUser === undefined ? (await this.imageStatus(config.image))?.user : undefined;
    const mounts = config.mounts ? await resolveVolumeSubPaths(this.docker, config.mounts, async () => (await this.version()).runtimeApiVersion) : undefined;
    const options = containerCreateOptions(sandboxId, { ...config, ...(mounts ? { mounts } : {}) }, sandboxConfig, this.placement, imageUser);
    try {
      return (await this.docker.createContainer(options)).id;
    } catch (error) {
      if (httpStatus(error) === 404 && /no such image/i.test(dockerMessage(error))) {
        throw new ImageNotPresentError(config.image, `image "${config.image}" is not present: pull it first (${dockerMessage(error)})`, { cause: error });
      }
      throw toRuntimeError(error, `create container ${options.name}`);
    }
  }

  async startContainer(containerId: string): Promise<void> {
    await engineCallIdempotent(`start container ${containerId}`, () => this.docker.getContainer(containerId).start(), [304]);
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await engineCallIdempotent(`stop container ${containerId}`, () => this.docker.getContainer(containerId).stop({ t: Math.max(0, Math.ceil(timeoutSeconds)) }));
  }

  async removeContainer(containerId: string): Promise<void> {
    // 409: a removal is already in progress.
    await engineCallIdempotent(`remove container ${containerId}`, () => this.docker.getContainer(containerId).remove({ force: true, v: true }), [404, 409]);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return toContainerStatus(await this.inspectOwn(containerId, CONTAINER_TYPE_CONTAINER));
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const labels = { ...filter.labels, ...(filter.sandboxId ? { [LABEL_SANDBOX_ID]: filter.sandboxId } : {}) };
    const containers = (await this.list(CONTAINER_TYPE_CONTAINER, labels, filter.id)).map(toContainer);
    return filter.state ? containers.filter((c) => c.state === filter.state) : containers;
  }

  // -- volumes --

  async createVolume(spec: VolumeSpec): Promise<void> {
    // A memory volume is the local driver's tmpfs: one filesystem for all the pod's containers, unlike a per-container tmpfs mount.
    const driverOpts = spec.medium === 'memory' ? { type: 'tmpfs', device: 'tmpfs', o: spec.sizeBytes ? `size=${spec.sizeBytes},mode=1777` : 'mode=1777' } : undefined;
    // Only a new volume is opened up: one that exists may hold a mode its pod's containers chose.
    const exists = await engineCall(`inspect volume ${spec.name}`, () =>
      this.docker.getVolume(spec.name).inspect().then(
        () => true,
        (error: unknown) => (httpStatus(error) === 404 ? false : Promise.reject(error)),
      ),
    );
    await engineCall(`create volume ${spec.name}`, () =>
      this.docker.createVolume({ Name: spec.name, Labels: { ...spec.labels, ...placementLabels(this.placement) }, ...(driverOpts ? { Driver: 'local', DriverOpts: driverOpts } : {}) }),
    );
    // The helper carries the cluster label only: deleting the cluster removes a leftover, and the node's kubelet never sees it.
    if (!exists && !driverOpts) await openVolumeToAll(this.docker, spec.name, this.context.pauseImage, { [LABEL_CLUSTER]: this.cluster });
  }

  async removeVolume(name: string): Promise<void> {
    await engineCallIdempotent(`remove volume ${name}`, () => this.docker.getVolume(name).remove(), [404]);
  }

  // -- images --

  pullImage(image: string, options?: PullOptions): Promise<string> {
    return pullImage(this.docker, image, options);
  }

  imageStatus(image: string): Promise<Image | undefined> {
    return imageStatus(this.docker, image);
  }

  listImages(): Promise<Image[]> {
    return listImages(this.docker);
  }

  removeImage(image: string): Promise<void> {
    return removeImage(this.docker, image);
  }

  // -- streaming, events, stats --

  logs(containerId: string, options?: LogOptions): AsyncIterable<LogLine> {
    return containerLogs(this.docker, containerId, options);
  }

  exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    return startExec(this.docker, containerId, options);
  }

  execSync(containerId: string, command: string[], timeoutMs: number): Promise<ExecSyncResult> {
    return execSync(this.docker, containerId, command, timeoutMs);
  }

  attach(containerId: string, options?: AttachOptions): Promise<StreamSession> {
    return attachContainer(this.docker, containerId, options);
  }

  events(options?: EventOptions): ContainerEventStream {
    return containerEvents(this.docker, this.placement, options);
  }

  containerStats(containerId: string): Promise<ContainerStats> {
    return containerStats(this.docker, containerId);
  }

  // -- helpers --

  private list(type: string, labels: Record<string, string> = {}, id?: string): Promise<Docker.ContainerInfo[]> {
    const filters: Record<string, string[]> = { label: labelFilters({ ...labels, [LABEL_CONTAINER_TYPE]: type, ...placementLabels(this.placement) }) };
    if (id) filters.id = [id];
    return engineCall('list containers', () => this.docker.listContainers({ all: true, filters: JSON.stringify(filters) }));
  }

  /** Inspects a container of this node and of the given type; NotFoundError otherwise. */
  private async inspectOwn(id: string, type: string): Promise<Docker.ContainerInspectInfo> {
    const what = type === CONTAINER_TYPE_SANDBOX ? 'sandbox' : 'container';
    const info = await engineCall(`inspect ${what} ${id}`, () => this.docker.getContainer(id).inspect());
    const labels = info.Config.Labels ?? {};
    const own = placementLabels(this.placement);
    if (labels[LABEL_CONTAINER_TYPE] !== type || Object.entries(own).some(([key, value]) => labels[key] !== value)) {
      throw new NotFoundError(`${what} ${id} does not belong to node ${this.node} of cluster ${this.cluster}`);
    }
    return info;
  }
}
