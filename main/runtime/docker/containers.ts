// App containers on Docker: joined to their sandbox's namespaces
// (`--network container:<pause>`, `--ipc container:<pause>`, and
// `--pid container:<pause>` when the pod shares its process namespace), with
// the pod's resources and security settings turned into Docker's. The kubelet
// restarts containers itself, so Docker never does.

import type Docker from 'dockerode';
import type { Container, ContainerConfig, ContainerState, ContainerStatus, Mount, PodSandboxConfig } from '../runtime.ts';
import { ANNOTATION_TERMINATION_MESSAGE_PATH, LABEL_SANDBOX_ID } from '../runtime.ts';
import { readTerminationMessage } from './terminationMessage.ts';
import { CONTAINER_LOG_CONFIG } from './defaults.ts';
import { containerLabels, containerMetadataFrom, sandboxMetadataFrom, splitLabels, withDefaults, type Placement } from '../labels.ts';
import { appContainerName } from './naming.ts';
import { nodeContainerName } from './nodeContainers.ts';

// The kubelet's conversion of a CPU request to cpu.shares, and its floor.
const SHARES_PER_CPU = 1024;
const MIN_SHARES = 2;

/**
 * `imageUser`: the image's USER, needed only when the pod sets runAsGroup
 * without runAsUser (Docker takes user and group as one setting).
 */
export function containerCreateOptions(
  sandboxId: string,
  config: ContainerConfig,
  sandbox: PodSandboxConfig,
  placement: Placement,
  imageUser?: string,
): Docker.ContainerCreateOptions {
  const namespaces = withDefaults(sandbox.namespaces);
  const pod = `container:${sandboxId}`;
  const node = `container:${nodeContainerName(placement.cluster, placement.node)}`;
  const resources = config.resources ?? {};
  const security = config.securityContext ?? {};

  const hostConfig: Docker.HostConfig = {
    // Joining the node directly: Docker cannot join a namespace that was itself joined.
    NetworkMode: namespaces.network === 'node' ? node : pod,
    IpcMode: namespaces.ipc === 'node' ? node : pod,
    RestartPolicy: { Name: 'no' },
    LogConfig: CONTAINER_LOG_CONFIG,
    Mounts: (config.mounts ?? []).map(toDockerMount),
  };
  if (sandbox.runtimeHandler) hostConfig.Runtime = sandbox.runtimeHandler;
  if (namespaces.pid === 'pod') hostConfig.PidMode = pod;
  if (namespaces.pid === 'node') hostConfig.PidMode = node;
  // A target only matters where each container has its own PID namespace (the default).
  if (namespaces.pid === 'container' && config.pidNamespaceOf) hostConfig.PidMode = `container:${config.pidNamespaceOf}`;
  if (resources.cpuLimitMillis) hostConfig.NanoCpus = resources.cpuLimitMillis * 1_000_000;
  if (resources.cpuRequestMillis !== undefined) {
    hostConfig.CpuShares = Math.max(MIN_SHARES, Math.floor((resources.cpuRequestMillis * SHARES_PER_CPU) / 1000));
  }
  if (resources.memoryLimitBytes) {
    hostConfig.Memory = resources.memoryLimitBytes;
    // No swap on top of the limit, as the kubelet sets it.
    hostConfig.MemorySwap = resources.memoryLimitBytes;
  }
  if (resources.pidsLimit) hostConfig.PidsLimit = resources.pidsLimit;
  if (security.privileged) hostConfig.Privileged = true;
  if (security.readOnlyRootFilesystem) hostConfig.ReadonlyRootfs = true;
  if (security.capabilities?.add?.length) hostConfig.CapAdd = security.capabilities.add;
  if (security.capabilities?.drop?.length) hostConfig.CapDrop = security.capabilities.drop;
  if (security.allowPrivilegeEscalation === false) hostConfig.SecurityOpt = ['no-new-privileges'];

  const options: Docker.ContainerCreateOptions = {
    name: appContainerName(config.metadata, sandbox.metadata),
    Image: config.image,
    Labels: containerLabels(sandboxId, config, sandbox, placement),
    Env: (config.env ?? []).map((e) => `${e.name}=${e.value}`),
    Tty: config.tty ?? false,
    OpenStdin: config.stdin ?? false,
    StdinOnce: config.stdinOnce ?? false,
    HostConfig: hostConfig,
  };
  // An empty command or args means "the image's", as in Kubernetes; a command
  // alone drops the image's CMD, which Docker does when Entrypoint is set.
  if (config.command?.length) options.Entrypoint = config.command;
  if (config.args?.length) options.Cmd = config.args;
  if (config.workingDir) options.WorkingDir = config.workingDir;
  const user = dockerUser(security.runAsUser, security.runAsGroup, imageUser);
  if (user) options.User = user;
  return options;
}

function dockerUser(uid: number | undefined, gid: number | undefined, imageUser: string | undefined): string | undefined {
  if (uid === undefined && gid === undefined) return undefined;
  const user = uid ?? (imageUser?.split(':')[0] || '0');
  return gid === undefined ? String(user) : `${user}:${gid}`;
}

function toDockerMount(mount: Mount): Docker.MountSettings {
  const target = { Target: mount.containerPath, ReadOnly: mount.readOnly ?? false };
  switch (mount.source.type) {
    case 'hostPath':
      return { ...target, Type: 'bind', Source: mount.source.path };
    case 'volume':
      // Only reached with a subPath on engines that mount volume subpaths themselves (see volumeSubPath.ts).
      return { ...target, Type: 'volume', Source: mount.source.name, ...(mount.source.subPath ? { VolumeOptions: { Subpath: mount.source.subPath } as Docker.MountSettings['VolumeOptions'] } : {}) };
    case 'tmpfs':
      // 1777 like /tmp: an emptyDir is writable by whatever user the container runs as.
      return { ...target, Type: 'tmpfs', Source: '', TmpfsOptions: { SizeBytes: mount.source.sizeBytes ?? 0, Mode: 0o1777 } };
  }
}

export function toContainerState(dockerState: string): ContainerState {
  switch (dockerState) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'unknown';
  }
}

export function toContainer(info: Docker.ContainerInfo): Container {
  const { labels, annotations } = splitLabels(info.Labels);
  return {
    id: info.Id,
    sandboxId: info.Labels[LABEL_SANDBOX_ID] ?? '',
    metadata: containerMetadataFrom(info.Labels),
    image: info.Image,
    imageRef: info.ImageID,
    state: toContainerState(info.State),
    createdAt: new Date(info.Created * 1000),
    labels,
    annotations,
  };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Docker's inspect as CRI's ContainerStatus, with the reasons cri-dockerd derives. */
export function toContainerStatus(info: Docker.ContainerInspectInfo): ContainerStatus {
  const allLabels = info.Config.Labels ?? {};
  const { labels, annotations } = splitLabels(allLabels);
  const { name, namespace, uid } = sandboxMetadataFrom(allLabels);
  const createdAt = new Date(info.Created);
  const started = info.State.StartedAt && info.State.StartedAt !== ZERO_TIME ? new Date(info.State.StartedAt) : undefined;
  const finished = info.State.FinishedAt && info.State.FinishedAt !== ZERO_TIME ? new Date(info.State.FinishedAt) : undefined;

  const status: ContainerStatus = {
    id: info.Id,
    sandboxId: allLabels[LABEL_SANDBOX_ID] ?? '',
    metadata: containerMetadataFrom(allLabels),
    image: info.Config.Image,
    imageRef: info.Image,
    state: 'unknown',
    createdAt,
    labels,
    annotations,
    pod: { name, namespace, uid },
  };
  if (info.State.Running) {
    status.state = 'running';
    if (started) status.startedAt = started;
    return status;
  }
  if (finished) {
    status.state = 'exited';
    if (started) status.startedAt = started;
    status.finishedAt = finished;
    status.exitCode = info.State.ExitCode;
    // An application that handles the OOM kill may still exit 0: OOM wins.
    status.reason = info.State.OOMKilled ? 'OOMKilled' : info.State.ExitCode === 0 ? 'Completed' : 'Error';
  } else if (info.State.ExitCode !== 0) {
    // Never ran: the process could not be started (missing binary, bad user...).
    status.state = 'exited';
    status.startedAt = createdAt;
    status.finishedAt = createdAt;
    status.exitCode = info.State.ExitCode;
    status.reason = 'ContainerCannotRun';
  } else {
    status.state = info.State.Status === 'created' ? 'created' : toContainerState(info.State.Status);
  }
  const message = status.state === 'exited' ? readTerminationMessage(info, annotations[ANNOTATION_TERMINATION_MESSAGE_PATH]) : undefined;
  if (message) status.message = message;
  else if (info.State.Error) status.message = info.State.Error;
  return status;
}
