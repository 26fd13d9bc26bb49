// The container runtime contract the kubelet drives, modeled on CRI
// (k8s.io/cri-api runtime/v1: RuntimeService + ImageService) in TypeScript
// idioms: promises instead of RPCs, async iterables for streams, AbortSignal
// for cancellation, typed errors instead of gRPC codes.
//
// Differences from CRI, on purpose:
// - One Runtime serves one node of one cluster: it labels everything it creates
//   with both and lists only what carries them, so several PodLab nodes (and
//   clusters) share one Docker engine without seeing each other's pods.
// - Logs are served by the runtime (CRI leaves them in files the kubelet
//   reads): the engine stores them, and Docker Desktop's files are not
//   reachable from the host.
// - Port mappings publish on 127.0.0.1 ephemeral ports by default, and the
//   sandbox status says which: the host reaches pods only that way.
// - Volumes: the pod's emptyDirs are engine volumes the runtime creates, so
//   they carry the same labels as the containers using them.
//
// Everything here is shared by the Docker and the simulated runtimes.

import type { Readable, Writable } from 'node:stream';

// ---------------------------------------------------------------------------
// Labels every container carries, so a restarted PodLab can re-adopt what
// runs. The io.kubernetes.* keys are the ones the kubelet's Docker
// integration (dockershim, now cri-dockerd) used.

export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
/** `podsandbox` or `container`, as dockershim set it. */
export const LABEL_CONTAINER_TYPE = 'io.kubernetes.docker.type';
export const LABEL_SANDBOX_ID = 'io.kubernetes.sandbox.id';
export const LABEL_CLUSTER = 'podlab.cluster';
export const LABEL_NODE = 'podlab.node';
/** Sandbox attempt for a sandbox, restart attempt for a container. */
export const LABEL_ATTEMPT = 'podlab.attempt';
/** Annotations are stored as labels with this prefix (Docker has only labels), as dockershim did. */
export const ANNOTATION_LABEL_PREFIX = 'annotation.';

/** The container name CRI runtimes give the sandbox (the pause container). */
export const SANDBOX_CONTAINER_NAME = 'POD';
/** Where the container writes its termination message (the kubelet mounts a file there): the runtime reads it back once the container exits. */
export const ANNOTATION_TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
/** Kubernetes' cap on one container's termination message. */
export const MAX_TERMINATION_MESSAGE_BYTES = 4096;

export const CONTAINER_TYPE_SANDBOX = 'podsandbox';
export const CONTAINER_TYPE_CONTAINER = 'container';

// ---------------------------------------------------------------------------
// Pod sandboxes

/** Identifies a sandbox; (name, namespace, uid, attempt) is unique per node. */
export interface PodSandboxMetadata {
  name: string;
  namespace: string;
  uid: string;
  /** Sandbox attempt, 0 for the first; the kubelet increments it when it recreates the sandbox. */
  attempt: number;
}

/** CRI's NamespaceMode, restricted to what pods can ask for. */
export type NetworkNamespaceMode = 'pod' | 'node';
export type PidNamespaceMode = 'container' | 'pod' | 'node';
export type IpcNamespaceMode = 'pod' | 'node';

export interface NamespaceOptions {
  /** `node`: hostNetwork; the sandbox joins the node's network namespace and its IP is the node's. Default `pod`. */
  network?: NetworkNamespaceMode;
  /** `pod`: shareProcessNamespace; `node`: hostPID. Default `container` (Kubernetes' default, not CRI's). */
  pid?: PidNamespaceMode;
  /** `node`: hostIPC. Default `pod`. */
  ipc?: IpcNamespaceMode;
}

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PortMapping {
  containerPort: number;
  protocol?: Protocol;
  /** Fixed host port; absent or 0: an ephemeral port the engine picks (see PodSandboxStatus.ports). */
  hostPort?: number;
  /** Default 127.0.0.1: the host reaches pods only through loopback-published ports. */
  hostIp?: string;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  /** Default: the pod name (cut to 63 characters). Ignored for network `node`, where the node's hostname applies. */
  hostname?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  namespaces?: NamespaceOptions;
  /** Nameservers, search domains and options for the pod's resolv.conf. Not applied for network `node`. */
  dns?: DnsConfig;
  /** Ports to publish. Not applied for network `node` (the node's own ports are the pod's). */
  portMappings?: PortMapping[];
  /**
   * The runtime configuration the pod runs with (CRI's RunPodSandboxRequest.runtime_handler, from its
   * RuntimeClass); its containers run with it too. Default: the runtime's own.
   */
  runtimeHandler?: string;
}

export type PodSandboxState = 'ready' | 'notready';

export interface PublishedPort {
  containerPort: number;
  protocol: Protocol;
  hostIp: string;
  hostPort: number;
}

/** One sandbox as listed. */
export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: Date;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PodSandboxStatus extends PodSandbox {
  /** Pod IP: the sandbox's address on the cluster network (the node's for network `node`). Absent while not ready. */
  ip?: string;
  namespaces: Required<NamespaceOptions>;
  /** Where each declared port is published on the host. */
  ports: PublishedPort[];
}

export interface PodSandboxFilter {
  id?: string;
  state?: PodSandboxState;
  /** Every pair must match (CRI's label_selector). */
  labels?: Record<string, string>;
}

// ---------------------------------------------------------------------------
// Containers

export interface ContainerMetadata {
  name: string;
  /** Restart attempt, 0 for the first; (name, attempt) is unique within a sandbox. */
  attempt: number;
}

export type MountSource =
  /** A directory or file of the machine running the engine. */
  | { type: 'hostPath'; path: string }
  /** An engine volume created with Runtime.createVolume (emptyDir, local-path claims); `subPath`: only that path inside it, made when missing. */
  | { type: 'volume'; name: string; subPath?: string }
  /** A memory-backed filesystem (emptyDir with medium Memory). */
  | { type: 'tmpfs'; sizeBytes?: number };

export interface Mount {
  containerPath: string;
  source: MountSource;
  readOnly?: boolean;
}

export interface KeyValue {
  name: string;
  value: string;
}

export interface ContainerResources {
  /** CPU limit in millicores (enforced as a CFS quota). */
  cpuLimitMillis?: number;
  /** CPU request in millicores (relative weight, like the kubelet's cpu.shares). */
  cpuRequestMillis?: number;
  memoryLimitBytes?: number;
  /** Maximum number of processes (the kubelet's pod pids limit). */
  pidsLimit?: number;
}

export interface Capabilities {
  /** Capability names as Kubernetes writes them, without `CAP_` (`NET_ADMIN`, or `ALL`). */
  add?: string[];
  drop?: string[];
}

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: Capabilities;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: string;
  /** Replaces the image's entrypoint (Kubernetes `command`); the image's CMD is then dropped, as in Kubernetes. */
  command?: string[];
  /** Replaces the image's CMD (Kubernetes `args`). */
  args?: string[];
  env?: KeyValue[];
  workingDir?: string;
  mounts?: Mount[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resources?: ContainerResources;
  securityContext?: SecurityContext;
  tty?: boolean;
  stdin?: boolean;
  /** Close stdin after the first attach ends. */
  stdinOnce?: boolean;
  /** An ephemeral container's target: the runtime ID of the container whose PID namespace it joins (CRI's NamespaceMode TARGET). */
  pidNamespaceOf?: string;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

/** One container as listed. */
export interface Container {
  id: string;
  sandboxId: string;
  metadata: ContainerMetadata;
  /** The image as the config named it. */
  image: string;
  /** The image's ID (sha256:...). */
  imageRef: string;
  state: ContainerState;
  createdAt: Date;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerStatus extends Container {
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  /** For exited containers: `OOMKilled`, `Error`, `Completed` or `ContainerCannotRun`, as the kubelet reports them. */
  reason?: string;
  message?: string;
  /** The pod this container belongs to, from its labels. */
  pod: Omit<PodSandboxMetadata, 'attempt'>;
}

export interface ContainerFilter {
  id?: string;
  state?: ContainerState;
  sandboxId?: string;
  labels?: Record<string, string>;
}

// ---------------------------------------------------------------------------
// Images

export interface RegistryAuth {
  username?: string;
  password?: string;
  /** Registry host, as in a docker config's `auths` key. */
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

/** One progress message of a pull, as the engine reports it per layer. */
export interface PullProgress {
  status: string;
  /** Layer ID, when the message is about one layer. */
  id?: string;
  current?: number;
  total?: number;
}

export interface PullOptions {
  auth?: RegistryAuth;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
}

export interface Image {
  /** sha256:... */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  sizeBytes: number;
  /** The image's USER (kubelet checks runAsNonRoot against it). */
  user?: string;
}

// ---------------------------------------------------------------------------
// Logs, exec, attach

export type OutputStream = 'stdout' | 'stderr';

export interface LogOptions {
  follow?: boolean;
  /** Only the last N lines. */
  tailLines?: number;
  /** Only lines written at or after this time. */
  since?: Date;
  signal?: AbortSignal;
}

/**
 * One line of a container's output. Every line carries its timestamp; callers
 * decide whether to show it (`kubectl logs --timestamps` prints it first).
 */
export interface LogLine {
  stream: OutputStream;
  /** RFC 3339 with nanoseconds, as the engine recorded it (Date would lose the nanoseconds). */
  timestamp: string;
  /** The line without its newline. */
  line: string;
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** A live connection to a process in a container. */
export interface StreamSession {
  /** Present when stdin was requested; end() it to send EOF. */
  stdin?: Writable;
  stdout: Readable;
  /** Empty for tty sessions: a terminal has one output. */
  stderr: Readable;
  resize(size: TerminalSize): Promise<void>;
  /** Ends the connection (the process itself keeps running). */
  close(): void;
}

export interface ExecOptions {
  command: string[];
  tty?: boolean;
  stdin?: boolean;
  env?: KeyValue[];
  user?: string;
  workingDir?: string;
}

export interface ExecSession extends StreamSession {
  /** Resolves when the process ends. */
  exitCode: Promise<number>;
}

export interface ExecSyncResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface AttachOptions {
  stdin?: boolean;
  /** Must match the container's tty setting. */
  tty?: boolean;
  /**
   * The container's stdinOnce. With it, the end of the client's stdin closes the container's; without it the
   * container's stdin stays open (for the next attach) and its output goes on reaching this one, as under CRI.
   */
  stdinOnce?: boolean;
}

// ---------------------------------------------------------------------------
// Events and stats

/** CRI's ContainerEventType, plus the engine's OOM notice. */
export type ContainerEventType = 'created' | 'started' | 'died' | 'oom' | 'removed';

export interface ContainerEvent {
  type: ContainerEventType;
  containerId: string;
  /** True for the sandbox (pause) container. */
  isSandbox: boolean;
  /** The container's labels as the runtime stored them (pod name, namespace, uid, container name, ...). */
  labels: Record<string, string>;
  time: Date;
  /** For `died`. */
  exitCode?: number;
}

export interface EventOptions {
  signal?: AbortSignal;
}

/**
 * Events from the moment `events()` was called. To miss nothing, subscribe,
 * await `ready`, then list what exists (the kubelet's relist), then consume.
 */
export interface ContainerEventStream extends AsyncIterable<ContainerEvent> {
  /** Resolves once the subscription is in place; rejects if it could not be made. */
  readonly ready: Promise<void>;
}

export interface ContainerStats {
  containerId: string;
  timestamp: Date;
  cpu: {
    /** Cumulative CPU time used. */
    usageCoreNanoSeconds: number;
    /** Average use since the previous sample, in billionths of a core. */
    usageNanoCores: number;
  };
  memory: {
    /** What the kubelet evicts on: usage minus inactive file cache. */
    workingSetBytes: number;
    usageBytes: number;
    limitBytes?: number;
  };
  pids?: number;
}

// ---------------------------------------------------------------------------
// The runtime

export interface RuntimeVersion {
  /** `docker` or `simulated`. */
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface VolumeSpec {
  name: string;
  /** Added to the runtime's own labels (cluster, node). */
  labels?: Record<string, string>;
  /** `memory`: backed by RAM (an emptyDir with medium Memory), shared by every container that mounts it. */
  medium?: 'disk' | 'memory';
  /** For memory volumes: the size limit (emptyDir.sizeLimit). */
  sizeBytes?: number;
}

export interface Runtime {
  readonly cluster: string;
  readonly node: string;

  version(): Promise<RuntimeVersion>;

  // Pod sandboxes (CRI RunPodSandbox ... ListPodSandbox)
  /** Creates and starts the sandbox; on success it is ready and has its IP. Returns its ID. */
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Forcibly stops the sandbox and any container still running in it. Idempotent. */
  stopPodSandbox(sandboxId: string): Promise<void>;
  /** Removes the sandbox and every container in it. Idempotent. */
  removePodSandbox(sandboxId: string): Promise<void>;
  /** Throws NotFoundError when absent. */
  podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus>;
  listPodSandboxes(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  // Containers
  /** Creates a container in the sandbox. The image must be present (ImageNotPresentError otherwise). Returns its ID. */
  createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), SIGKILL after `timeoutSeconds`. Idempotent. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  /** Removes the container, killing it if it runs. Idempotent. */
  removeContainer(containerId: string): Promise<void>;
  /** Throws NotFoundError when absent. */
  containerStatus(containerId: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;

  // Volumes
  createVolume(spec: VolumeSpec): Promise<void>;
  /** Idempotent. */
  removeVolume(name: string): Promise<void>;

  // Images (CRI ImageService)
  /** Throws ImagePullError with the engine's message on failure. Returns the image ID. */
  pullImage(image: string, options?: PullOptions): Promise<string>;
  /** Undefined when the image is not present. */
  imageStatus(image: string): Promise<Image | undefined>;
  listImages(): Promise<Image[]>;
  /** Idempotent. */
  removeImage(image: string): Promise<void>;

  // Streaming
  /** Lines of the container's output, in order; works for exited containers too (previous instances). */
  logs(containerId: string, options?: LogOptions): AsyncIterable<LogLine>;
  exec(containerId: string, options: ExecOptions): Promise<ExecSession>;
  /** Runs a command to completion (probes); throws TimeoutError after `timeoutMs`. */
  execSync(containerId: string, command: string[], timeoutMs: number): Promise<ExecSyncResult>;
  attach(containerId: string, options?: AttachOptions): Promise<StreamSession>;

  /** Events of this node's containers (sandboxes included), from now on, until the signal aborts. Iterate it once. */
  events(options?: EventOptions): ContainerEventStream;
  containerStats(containerId: string): Promise<ContainerStats>;
}

// ---------------------------------------------------------------------------
// Errors. The kubelet branches on the class, and shows the message: for
// engine errors it is the engine's own message.

export class RuntimeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The engine does not answer (not running, socket missing, permission denied). */
export class EngineUnavailableError extends RuntimeError {}

/** The container, sandbox, volume or image named does not exist. */
export class NotFoundError extends RuntimeError {}

/** A name is already taken (a container of the same pod, attempt and name exists). */
export class ConflictError extends RuntimeError {}

/** A pull failed; the kubelet reports it as ErrImagePull, then ImagePullBackOff. */
export class ImagePullError extends RuntimeError {
  constructor(
    readonly image: string,
    message: string,
    /** The registry answered that the image (or tag) does not exist, as opposed to a network or auth failure. */
    readonly notFound: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** createContainer with an image that was not pulled. */
export class ImageNotPresentError extends RuntimeError {
  constructor(readonly image: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The runtime cannot do this at all (exec in the simulated runtime). */
export class NotSupportedError extends RuntimeError {}

export class TimeoutError extends RuntimeError {}
