// The one contract between PodLab's main process and its renderer: every call
// (request → response) and every pushed event. The main side implements it
// (main/ui/), Electron's preload exposes it over IPC (preload/index.ts), and
// browser mode carries the same messages over one WebSocket
// (renderer/wsTransport.ts). Only types and plain constants live here, so the
// preload bundle stays tiny and the renderer can import it.

import type { KubeList, KubeObject, Status, TableColumnDefinition } from '../main/kube/meta.ts';

export type { KubeList, KubeObject, Status, TableColumnDefinition };

// ---------------------------------------------------------------------------
// Errors: they cross as data ({error}) and are thrown again renderer-side.

export interface BridgeErrorInfo {
  message: string;
  /** The Kubernetes Status the API server answered with, when there is one (its causes name the fields). */
  status?: Status;
}

export type Envelope<T> = { result: T } | { error: BridgeErrorInfo };

// ---------------------------------------------------------------------------
// Shared shapes

/** A resource type as its URL names it: {'', 'v1', 'pods'}, {'apps', 'v1', 'deployments'}. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
}

export interface ObjectRef {
  resource: ResourceType;
  /** Absent or '' for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

export interface Selection {
  resource: ResourceType;
  /** Absent: every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export type WatchChange = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };

/**
 * A batch of what happened to one watched selection. `sync` replaces
 * everything the renderer held (first list, and again after the server
 * ended the watch with 410 Gone); `changes` apply in order after it.
 */
export interface WatchEvent {
  watchId: string;
  sync?: KubeObject[];
  changes?: WatchChange[];
  /** The watch could not go on and will retry: what happened. */
  error?: BridgeErrorInfo;
}

/** One kind the API serves, as discovery describes it, in its group's preferred version that serves it. */
export interface ApiKind {
  resource: ResourceType;
  kind: string;
  namespaced: boolean;
  /** What the server lets clients do with it: `list` to browse it, `update` to edit it, `delete` to delete it. */
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/** An API group ('' for the core group) and the kinds it serves, in discovery's order. */
export interface ApiGroupKinds {
  group: string;
  /** The group's preferred version. */
  preferredVersion: string;
  kinds: ApiKind[];
}

/** The identity of a table row's object (the rest of its metadata stays on the server). */
export interface RowObject {
  name: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

/** A list printed by the server (a meta.k8s.io/v1 Table): columns as the server defines them, cells as it formats them. */
export interface ResourceTable {
  /** `priority` 0 columns are what `kubectl get` shows; the others only with `-o wide`. */
  columns: TableColumnDefinition[];
  rows: Array<{ cells: unknown[]; object: RowObject }>;
  resourceVersion?: string;
}

/** One line of a line diff: kept (' '), removed ('-') or added ('+'). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** An edited object's YAML, to send as an update (PUT) of the object `ref` names. */
export interface EditRequest extends ObjectRef {
  yaml: string;
}

/** What the server would store (dry run), and how its YAML differs from the object's now (managedFields left out). */
export interface DryRunEdit {
  object: KubeObject;
  before: string;
  after: string;
  diff: DiffLine[];
  /** The server would store something different from what it has. */
  changed: boolean;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteRequest extends ObjectRef {
  /** How the garbage collector treats what the object owns (default Background, as kubectl). */
  propagationPolicy?: PropagationPolicy;
  /** Delete only this object (a precondition): not another one created under the same name since. */
  uid?: string;
}

/** An object that goes (or, with Orphan, stays) when another is deleted. */
export interface AffectedObject {
  resource: ResourceType;
  kind: string;
  namespace?: string;
  name: string;
  /** 1: owned by the deleted object; 2: owned by one of those; ... */
  depth: number;
}

/** What a delete takes with it. */
export interface DeleteImpact {
  /** The objects deleted with it (or orphaned, with Orphan), nearest first; the first 200 of them. */
  objects: AffectedObject[];
  /** How many of each kind, all of them counted, most first. */
  counts: Array<{ kind: string; count: number }>;
  total: number;
  /** True when `objects` lists fewer than `total`. */
  truncated: boolean;
  /** With Orphan: the objects listed stay, losing their owner reference. */
  orphaned: boolean;
  /** What else to know: finalizers holding it, volumes and their data, claims kept. */
  notes: string[];
}

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'failed';

export interface ApplyOutcome {
  /** 0-based index of the YAML document. */
  document: number;
  kind: string;
  name: string;
  namespace?: string;
  action: ApplyAction;
  error?: BridgeErrorInfo;
}

export interface ApplyRequest {
  yaml: string;
  /** For objects that name no namespace (kubectl's -n). Default: "default". */
  namespace?: string;
}

export interface RolloutRevision {
  revision: number;
  /** Where the revision is kept: a Deployment's ReplicaSet, or a DaemonSet's or StatefulSet's ControllerRevision. */
  source: string;
  /** Images of the revision's pod template, for telling revisions apart. */
  images: string[];
  changeCause?: string;
  createdAt?: string;
  current: boolean;
  /** What differs from the revision before it ("web image a → b", "web env", "restarted at ..."); absent for the first. */
  changes?: string[];
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container?: string;
  follow?: boolean;
  previous?: boolean;
  timestamps?: boolean;
  tailLines?: number;
}

/** Text is pushed as it arrives; `notice` lines are PodLab's own (container restarted, stream ended), shown apart from the log. */
export interface LogEvent {
  streamId: string;
  data?: string;
  notice?: string;
  end?: { error?: BridgeErrorInfo };
}

export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  tty: boolean;
  columns?: number;
  rows?: number;
}

export interface ExecEvent {
  sessionId: string;
  data?: string;
  exit?: { code?: number; error?: BridgeErrorInfo };
}

/** A local port on 127.0.0.1 forwarded to a pod's port through the API (pods/portforward). */
export interface PortForwardRequest {
  namespace: string;
  pod: string;
  /** The pod's port. */
  port: number;
  /** The local port; absent: a free one. */
  localPort?: number;
}

export interface PortForwardInfo {
  forwardId: string;
  namespace: string;
  pod: string;
  port: number;
  localPort: number;
  /** http://127.0.0.1:LOCALPORT */
  url: string;
  /** Connections open now, and accepted since the start. */
  connections: number;
  totalConnections: number;
  /** The last connection's failure (a refused upgrade, the node's error for the port), if any. */
  error?: BridgeErrorInfo;
}

/** A forward's new state; `ended`: it stopped (asked to, or its cluster went away) and listens no more. */
export interface PortForwardEvent {
  forward: PortForwardInfo;
  ended?: boolean;
}

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

/** One run of a probe, as the kubelet recorded it. */
export interface ProbeRun {
  /** When the probe started, in ms since the epoch. */
  time: number;
  /** The container instance probed: runs before a restart name the old one. */
  containerId: string;
  /** `error`: the probe could not run at all (as the kubelet's "unknown"). */
  outcome: 'success' | 'failure' | 'error';
  latencyMs: number;
  /** The failure or error, or what a successful probe returned. */
  message: string;
}

export interface ContainerProbeRuns {
  container: string;
  kind: ProbeKind;
  /** Oldest first; the kubelet keeps the last 50. */
  runs: ProbeRun[];
}

export interface PodProbeHistory {
  /** Whether a kubelet of this PodLab keeps the pod's probe runs: not before the pod is on a node, nor for a node that is stopped. */
  available: boolean;
  /** Why the runs are not available. */
  message?: string;
  /** The cluster's kubelets are not PodLab's: its probe history is what their Unhealthy and Killing events report (failures only, counted, to the second). */
  fromEvents?: boolean;
  /** Every probe the pod's spec declares, with the runs kept so far. */
  probes: ContainerProbeRuns[];
}

/** A probe run as it completes, pushed while the renderer follows the pod's probes. */
export interface ProbeEvent {
  followId: string;
  container: string;
  kind: ProbeKind;
  run: ProbeRun;
}

export interface SampleInfo {
  id: string;
  title: string;
  summary: string;
  /** Applied on purpose to show a failure. */
  broken: boolean;
  /** What to look at once it is applied. */
  watch: string;
  /** Label selector of the pods to open, in the sample's namespace. */
  pods: string;
  namespace: string;
  /** Why it shows what it shows only on a PodLab cluster (its Docker nodes, service proxy, ingress or add-on); such samples are hidden on a kubeconfig context. */
  podlabOnly?: string;
}

export type DockerState = 'running' | 'unreachable' | 'not-used' | 'unknown';

export type RuntimeKind = 'docker' | 'simulated';

export interface ClusterSummary {
  name: string;
  /** A PodLab process (this one or another) runs it now. */
  running: boolean;
  current: boolean;
  /** As the cluster's settings recorded it at its last start (absent: never started). */
  runtime?: RuntimeKind;
  /** Its data directory ('' for a kubeconfig context). */
  dataDir: string;
  /** This process runs it, though a kubeconfig context is shown now: switching back is instant. */
  runsHere?: boolean;
  /** Present for a context of the user's kubeconfig (a cluster PodLab does not run): where it points, never its credentials. */
  context?: KubeconfigContextSummary;
}

/** A kubeconfig context as the clusters list shows it. */
export interface KubeconfigContextSummary {
  server: string;
  /** The context's namespace (default when it names none). */
  namespace: string;
  /** The kubeconfig's current-context (what kubectl uses): PodLab never changes it. */
  kubectlCurrent: boolean;
  /** Why it cannot be opened (a user or cluster entry PodLab cannot use), if it cannot. */
  problem?: string;
}

export interface NewCluster {
  /** Lower-case letters, digits and '-', at most 40 characters. */
  name: string;
  runtime?: RuntimeKind;
  /** Nodes it starts with (1-10, default 1). */
  nodes?: number;
}

/** What a node added from the UI offers the scheduler; absent fields: the machine's (as `podlab node add`). */
export interface NodeCapacity {
  /** A CPU quantity: "2", "1500m". */
  cpu?: string;
  /** A memory quantity: "4Gi", "512Mi". */
  memory?: string;
  pods?: number;
}

/**
 * A node as the host runs it: a Docker node container (or a simulated node),
 * stopped ones included, which the API's Node objects cannot tell apart from
 * a broken node.
 */
export interface NodeMachine {
  name: string;
  state: 'running' | 'stopped';
  controlPlane: boolean;
  /** The Docker container (absent for simulated nodes). */
  container?: string;
}

/** A registry the kubelets may log in to when a pod names no imagePullSecret for it. Passwords never cross the bridge. */
export interface RegistryCredential {
  /** Host[:port] as image names spell it ("ghcr.io", "registry.example.com:5000"); "docker.io" for Docker Hub. */
  server: string;
  username: string;
}

export interface ClusterProgress {
  step: string;
  done: number;
  total: number;
}

export interface ClusterStatus {
  mode: 'desktop' | 'browser';
  name: string;
  phase: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
  progress?: ClusterProgress;
  /** When phase is failed, or something needs the user: what happened and what to do. */
  message?: string;
  apiServerUrl?: string;
  kubeconfigPath?: string;
  runtime: RuntimeKind;
  docker: { state: DockerState; endpoint: string; version?: string; message?: string };
  /** Where PodLab keeps its clusters ($PODLAB_HOME, by default ~/.podlab). */
  home: string;
  /** The running cluster's data directory. */
  dataDir?: string;
  /** False until the node side provides logs and exec. */
  podStreams: boolean;
  /** The app (desktop, or `podlab ui` in a browser) can switch, create and delete clusters; `podlab serve` runs one cluster only. */
  canSwitch: boolean;
  /** Present while the UI shows a kubeconfig context rather than a PodLab cluster (`name` is the context's). */
  context?: ShownContext;
}

/** The kubeconfig context shown: a cluster PodLab reads through its API alone. */
export interface ShownContext {
  server: string;
  namespace: string;
  /** Why PodLab-only parts (nodes' actions, journeys, Docker notes) are hidden. */
  podlabOnly: string;
}

export interface DiagnosisEvidence {
  label: string;
  text: string;
}

export interface NextCheck {
  what: string;
  command: string;
}

/** A change to make, as text to paste (a YAML fragment at its place in the manifest). */
export interface ProposedChange {
  what: string;
  text: string;
}

export interface Finding {
  /** Stable id of the rule (pending-resources, image-pull, crash-loop, ...). */
  rule: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  cause: string;
  evidence: DiagnosisEvidence[];
  /** Changes that fix it, checked where PodLab can check them (Pod Security's own checks pass them). */
  changes?: ProposedChange[];
  next: NextCheck[];
  /** Concrete changes that clear the finding; offered only when the API server's dry run accepts them. */
  fixes?: Fix[];
}

/** One change a fix makes. */
export type FixChange =
  /** A new object: the missing ConfigMap, a Role and its RoleBinding. */
  | { action: 'create'; object: KubeObject }
  /**
   * A strategic merge patch of the failing pod's spec. It lands on the pod template of whatever
   * controls the pod (the Deployment over its ReplicaSet, a StatefulSet, a DaemonSet, a CronJob),
   * or replaces a pod no controller owns, since a pod's spec cannot change in place.
   */
  | { action: 'podSpec'; patch: Record<string, unknown> }
  /** A strategic merge patch of the controller that owns the pod's template (spec.replicas of a Deployment); refused for a pod no controller owns. */
  | { action: 'ownerPatch'; patch: Record<string, unknown> }
  /** A JSON Patch (RFC 6902, with `test` operations guarding what it expects) of another object: an Ingress backend, a ConfigMap's missing key. */
  | { action: 'patch'; target: FixTarget; patch: JsonPatchOperation[] }
  /**
   * An object deleted (propagationPolicy Background) and created again as given, as `kubectl replace --force` does,
   * for what cannot change in place: a Job to run again, a claim's storageClassName. A fix's deletes all happen before its creates.
   */
  | { action: 'replace'; object: KubeObject };

/** The object a `patch` change lands on. */
export interface FixTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

export interface Fix {
  /** "Point the readiness probe of web at port 80". */
  title: string;
  /** Why this clears the finding, and anything the user must still fill in. */
  explanation: string;
  changes: FixChange[];
}

/** A change as it is sent: the object it lands on, and its YAML before and after (from the server's dry run). */
export interface FixStep {
  verb: 'create' | 'patch' | 'replace';
  kind: string;
  namespace?: string;
  name: string;
  /** Empty for a create. */
  before: string;
  after: string;
}

export interface FixPreview {
  steps: FixStep[];
  /** The dry run's refusal, in the API server's words; nothing can be applied then. */
  refused?: string;
}

export interface FixRequest {
  namespace: string;
  /** The pod the finding is about ('' for a finding on a controller, named in `owner`). */
  pod: string;
  /** For a finding on a controller with no pod to start from (its pods are refused): the object whose template changes. */
  owner?: { kind: string; name: string };
  fix: Fix;
}

export interface FixApplied {
  steps: FixStep[];
  /** RFC 3339: pods created from then on carry the fix. */
  appliedAt: string;
  /** The uid of the controller whose template changed, or of the one created again (a Job run again): its new pods are the ones to check. */
  ownerUid?: string;
}

export interface FixCheckRequest {
  namespace: string;
  pod: string;
  /** The finding's rule: the fix worked when no pod of the workload shows it and the pod is Ready. */
  rule: string;
  appliedAt: string;
  title: string;
  /** From FixApplied: where to find the new pods once the old one is gone. */
  ownerUid?: string;
}

export interface FixCheck {
  /** waiting: no pod carries the fix yet, or it is still starting; fixed: it is Ready (a Job's pod: Succeeded); failing: the finding came back. */
  state: 'waiting' | 'fixed' | 'failing';
  /** The pod looked at: the same one, or the controller's new one. */
  pod?: string;
  message: string;
}

/** Where a problem lives: a pod, or the workload whose pods share the advice. */
export interface ProblemSubject {
  kind: string;
  namespace: string;
  name: string;
  /** The pod to open for it (a workload's newest pod); absent for an object no pod stands for (a Service without pods, a claim). */
  pod?: string;
}

export interface Problem {
  subject: ProblemSubject;
  finding: Finding;
}

export interface Diagnosis {
  namespace: string;
  pod: string;
  /** One line on the pod as kubectl prints it: `CrashLoopBackOff, 0/1 ready, restarts 3 (20s ago)`. */
  summary: string;
  findings: Finding[];
  /** The seed's best practices this pod or its workload does not follow, each with why (and a fix where one is clear). */
  advice?: Finding[];
}

/** A workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) whose controller's creates may be refused. */
export interface WorkloadDiagnosis {
  namespace: string;
  kind: string;
  name: string;
  /** One line on the workload as kubectl prints it, and whether its creates are refused. */
  summary: string;
  findings: Finding[];
}

/** A write admission refused: it never became an object, so only this says what happened. */
export interface RefusedRequest {
  /** Who asked; absent when only a FailedCreate event tells (the controller named in `owner` asked). */
  user?: string;
  operation: string;
  kind: string;
  namespace?: string;
  /** The object's name, or the generateName it was to be made from. */
  name: string;
  generateName?: string;
  /** The controller that tried to create it (a ReplicaSet for a Deployment's pods). */
  owner?: { kind: string; name: string };
  dryRun: boolean;
  /** The admission stage that refused: PodSecurity, ValidatingAdmissionWebhook, MutatingAdmissionWebhook, ValidatingAdmissionPolicy, or another plugin. */
  stage: string;
  /** The refusal, exactly as the client got it. */
  message: string;
  count: number;
  firstAt?: string;
  lastAt?: string;
  /** What tells: the API server's memory (PodLab's own) or a FailedCreate event (any cluster). */
  source: 'api-server' | 'event';
  /** Set when the object exists now: a later write was admitted. */
  resolved?: string;
  findings: Finding[];
}

export interface RefusedRequests {
  /** Whether the API server remembers refused requests (PodLab's does); otherwise only controllers' FailedCreate events tell. */
  remembered: boolean;
  refusals: RefusedRequest[];
}

// ---------------------------------------------------------------------------
// A pod's journey: spans recorded by PodLab's own components (never by a
// cluster that is not PodLab's), grouped by the seed's seven steps.

/** The seed's pod creation flow: request, auth & webhooks, persist, schedule, execution on the node, status, service. */
export type JourneyStep = 'request' | 'admission' | 'persist' | 'schedule' | 'node' | 'status' | 'service';

/** Structured detail a span can carry beyond its attributes. */
export type TraceSpanDetail =
  /** A mutating step's change to the object: JSON Patch operations and the YAML before and after. */
  | { kind: 'patch'; operations: unknown[]; before: string; after: string }
  /** The scheduler's view of every node: why a node was filtered out, or its final score. */
  | { kind: 'nodes'; nodes: { name: string; passed: boolean; reason?: string; score?: number }[] };

export interface TraceSpan {
  /** 16 hex digits, unique within the trace (OpenTelemetry span id). */
  spanId: string;
  parentSpanId?: string;
  step: JourneyStep;
  /** Who recorded it, named as its Kubernetes counterpart: kube-apiserver, kube-scheduler, kubelet, endpoint-controller, kube-proxy. */
  component: string;
  /** What happened: `authenticate`, `mutating webhook inject.sidecar.podlab.dev`, `pull busybox:1.36`, `probe readiness app`. */
  name: string;
  /** Epoch milliseconds, fractional (sub-millisecond precision where the clock gives it). */
  startMs: number;
  endMs: number;
  /** error: the step failed (a refusal, a failed pull, a failed probe); the message says why. */
  status: 'ok' | 'error';
  message?: string;
  /** The facts a reader wants next to the bar: user, rule, revision, node, ip, bytes, exitCode... */
  attributes: Record<string, string | number | boolean>;
  detail?: TraceSpanDetail;
}

export interface PodTrace {
  /** 32 hex digits (OpenTelemetry trace id). */
  traceId: string;
  namespace: string;
  name: string;
  /** Empty until the pod is stored (admission runs before the uid exists). */
  uid: string;
  spans: TraceSpan[];
  /** Spans not kept because the pod reached the per-pod bound (a crash-looping pod's restarts). */
  droppedSpans: number;
  /** Set (to what it says about its precision) when no PodLab trace exists and the journey was rebuilt from the pod's timestamps, conditions and events. */
  rebuilt?: string;
}

export interface Settings {
  theme: 'dark' | 'light';
  /** Lines loaded before following a log. */
  logTailLines: number;
  logTimestamps: boolean;
  defaultNamespace: string;
  /** The Docker engine clusters started by the app use ("" = DOCKER_HOST, else the local socket); applies at the next cluster start. */
  dockerEndpoint: string;
  /** The pod sandbox image for clusters started by the app ("" = PodLab's default); applies at the next cluster start. */
  pauseImage: string;
}

// ---------------------------------------------------------------------------
// Calls: name → request and response.

interface Call<Req, Res> {
  request: Req;
  response: Res;
}

export interface BridgeCalls {
  'cluster.status': Call<void, ClusterStatus>;
  'cluster.list': Call<void, ClusterSummary[]>;
  /** Desktop: stop this cluster and start (or create) another; the renderer follows through `cluster` events. */
  'cluster.switch': Call<{ name: string; runtime?: RuntimeKind }, void>;
  /** The app: a new cluster, started at once (the current one stops). `podlab serve` refuses, saying how. */
  'cluster.create': Call<NewCluster, void>;
  /** Shows a context of the user's kubeconfig (read through its API with that context's credentials); the kubeconfig file is never written. cluster.switch goes back to a PodLab cluster. */
  'cluster.useContext': Call<{ context: string }, void>;
  /** Removes a cluster's containers, volumes, network and data directory (`kind delete cluster`). Refused for a cluster another process runs, and for `podlab serve`'s own. */
  'cluster.delete': Call<{ name: string }, void>;

  /** The current cluster's nodes as the host runs them. */
  'nodes.list': Call<void, NodeMachine[]>;
  /** `podlab node add`: a new node container (or simulated node) that registers and turns Ready. */
  'nodes.add': Call<{ name: string } & NodeCapacity, void>;
  /** The node's kubelet and containers stop: it goes NotReady and its pods are evicted after their tolerations. */
  'nodes.stop': Call<{ name: string }, void>;
  'nodes.start': Call<{ name: string }, void>;
  /** The node, its pods' containers and its Node object go. */
  'nodes.remove': Call<{ name: string }, void>;

  'registries.list': Call<void, RegistryCredential[]>;
  /** Adds or replaces the login for `server`; answers the list. */
  'registries.set': Call<RegistryCredential & { password: string }, RegistryCredential[]>;
  'registries.remove': Call<{ server: string }, RegistryCredential[]>;

  'objects.list': Call<Selection, KubeList>;
  'objects.get': Call<ObjectRef, KubeObject>;
  /** The object as YAML for reading and editing (managedFields left out, as `kubectl get -o yaml` shows by default). */
  'objects.yaml': Call<ObjectRef, string>;
  /** Deletes as kubectl delete does, with its propagation policy. */
  'objects.delete': Call<DeleteRequest, void>;
  'objects.apply': Call<ApplyRequest, ApplyOutcome[]>;

  /** Every kind the API serves, grouped by API group, from discovery (read again for kinds added or removed, such as CRDs). */
  'resources.kinds': Call<void, ApiGroupKinds[]>;
  /** A list as the server prints it (a server-side Table, as `kubectl get`). */
  'resources.table': Call<Selection, ResourceTable>;
  /** The objects whose ownerReferences name this one (its owned objects, one level down). */
  'resources.owned': Call<ObjectRef, AffectedObject[]>;
  /** The edited YAML sent as an update with dryRun=All: the server's result and a line diff; or its Status error with field causes. */
  'resources.dryRunEdit': Call<EditRequest, DryRunEdit>;
  /** The edited YAML sent as an update (PUT); answers the stored object. A stale resourceVersion is a 409 Conflict. */
  'resources.update': Call<EditRequest, KubeObject>;
  /** A bare pod's edit that changes what a pod cannot change in place: the pod deleted and created again with it (dryRun: only checked). */
  'resources.replacePod': Call<EditRequest & { dryRun?: boolean }, DryRunEdit>;
  /** What deleting the object would take with it, under the propagation policy given (default Background). */
  'resources.deleteImpact': Call<ObjectRef & { propagationPolicy?: PropagationPolicy }, DeleteImpact>;

  'watch.start': Call<Selection, { watchId: string }>;
  'watch.stop': Call<{ watchId: string }, void>;

  'workloads.scale': Call<ObjectRef & { replicas: number }, void>;
  /** `kubectl rollout restart`: a new pod-template annotation. */
  'workloads.restart': Call<ObjectRef, void>;
  'workloads.history': Call<ObjectRef, RolloutRevision[]>;
  /** `kubectl rollout undo [--to-revision]`; answers the revision rolled back to. */
  'workloads.rollback': Call<ObjectRef & { toRevision?: number }, { revision: number }>;
  /** `kubectl create job --from=cronjob/NAME`: a Job from the CronJob's template now; answers its name. */
  'workloads.trigger': Call<ObjectRef, { job: string }>;
  /** spec.suspend of a CronJob or Job (`kubectl patch ... -p '{"spec":{"suspend":true}}'`). */
  'workloads.suspend': Call<ObjectRef & { suspend: boolean }, void>;

  'logs.start': Call<LogRequest, { streamId: string }>;
  'logs.stop': Call<{ streamId: string }, void>;

  'exec.start': Call<ExecRequest, { sessionId: string }>;
  'exec.input': Call<{ sessionId: string; data: string }, void>;
  'exec.resize': Call<{ sessionId: string; columns: number; rows: number }, void>;
  'exec.stop': Call<{ sessionId: string }, void>;

  /** Listens on 127.0.0.1 (the port asked, or a free one); each connection goes to the pod's port over pods/portforward. */
  'portForward.start': Call<PortForwardRequest, PortForwardInfo>;
  /** This window's forwards, one pod's or all. */
  'portForward.list': Call<{ namespace?: string; pod?: string }, PortForwardInfo[]>;
  /** Closes the listener and the forward's connections. */
  'portForward.stop': Call<{ forwardId: string }, void>;

  'samples.list': Call<void, SampleInfo[]>;
  'samples.yaml': Call<{ id: string }, string>;
  'samples.apply': Call<{ id: string }, ApplyOutcome[]>;

  'insight.diagnose': Call<{ namespace: string; name: string }, Diagnosis>;
  /** Every finding and piece of advice across the cluster (or one namespace), most severe first. */
  'insight.problems': Call<{ namespace?: string }, Problem[]>;
  /** The pod's journey as PodLab's components recorded it; null on a cluster that is not PodLab's, or once the pod has left the trace memory. */
  'insight.trace': Call<{ namespace: string; name: string }, PodTrace | null>;
  /** The same journey as OpenTelemetry OTLP/JSON text, to save as a file. */
  'insight.traceExport': Call<{ namespace: string; name: string }, string>;
  /** A fix's changes as the server's dry run (dryRun=All) would make them, or its refusal. */
  'fixes.preview': Call<FixRequest, FixPreview>;
  /** Applies the fix as the user, and records it on the pod's events (reason FixApplied). */
  'fixes.apply': Call<FixRequest, FixApplied>;
  /** Whether the fix worked: the pod (or its replacement) Ready without the finding. A success is recorded on its events (FixVerified). */
  'fixes.check': Call<FixCheckRequest, FixCheck>;
  /** Why a workload has fewer pods than it asks for when its controller's creates are refused (FailedCreate), with the fix. */
  'insight.diagnoseWorkload': Call<ObjectRef, WorkloadDiagnosis>;
  /** The writes admission refused lately (a namespace's, or all), newest first, each with its findings. */
  'insight.refusals': Call<{ namespace?: string }, RefusedRequests>;

  /** The recent runs of the pod's probes, read from the kubelet's memory (never written to the store). */
  'probes.history': Call<{ namespace: string; name: string }, PodProbeHistory>;
  /** The history now, then each new run as a `probes` event until `probes.unfollow`. Follow again when the pod moves to another node. */
  'probes.follow': Call<{ namespace: string; name: string }, { followId: string; history: PodProbeHistory }>;
  'probes.unfollow': Call<{ followId: string }, void>;

  'settings.get': Call<void, Settings>;
  'settings.update': Call<Partial<Settings>, Settings>;

  /** Opens a Service's local URL in the system browser (only http(s) on 127.0.0.1/localhost). */
  'app.openExternal': Call<{ url: string }, void>;
}

export type CallName = keyof BridgeCalls;
export type CallRequest<K extends CallName> = BridgeCalls[K]['request'];
export type CallResponse<K extends CallName> = BridgeCalls[K]['response'];

export const callNames = [
  'cluster.status',
  'cluster.list',
  'cluster.switch',
  'cluster.create',
  'cluster.useContext',
  'cluster.delete',
  'nodes.list',
  'nodes.add',
  'nodes.stop',
  'nodes.start',
  'nodes.remove',
  'registries.list',
  'registries.set',
  'registries.remove',
  'objects.list',
  'objects.get',
  'objects.yaml',
  'objects.delete',
  'objects.apply',
  'resources.kinds',
  'resources.table',
  'resources.owned',
  'resources.dryRunEdit',
  'resources.update',
  'resources.replacePod',
  'resources.deleteImpact',
  'watch.start',
  'watch.stop',
  'workloads.scale',
  'workloads.restart',
  'workloads.history',
  'workloads.rollback',
  'workloads.trigger',
  'workloads.suspend',
  'logs.start',
  'logs.stop',
  'exec.start',
  'exec.input',
  'exec.resize',
  'exec.stop',
  'portForward.start',
  'portForward.list',
  'portForward.stop',
  'samples.list',
  'samples.yaml',
  'samples.apply',
  'insight.diagnose',
  'insight.problems',
  'insight.trace',
  'insight.traceExport',
  'fixes.preview',
  'fixes.apply',
  'fixes.check',
  'insight.diagnoseWorkload',
  'insight.refusals',
  'probes.history',
  'probes.follow',
  'probes.unfollow',
  'settings.get',
  'settings.update',
  'app.openExternal',
] as const satisfies readonly CallName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && (callNames as readonly string[]).includes(name);
}

// ---------------------------------------------------------------------------
// Pushed events: name → payload.

export interface BridgeEvents {
  watch: WatchEvent;
  logs: LogEvent;
  exec: ExecEvent;
  portForward: PortForwardEvent;
  probes: ProbeEvent;
  /** Status changes and progress (cluster start, stop, switch). */
  cluster: ClusterStatus;
}

export type EventName = keyof BridgeEvents;

export const eventNames = ['watch', 'logs', 'exec', 'portForward', 'probes', 'cluster'] as const satisfies readonly EventName[];

// ---------------------------------------------------------------------------
// What the renderer sees as `window.podlab` (Electron) or builds over a WebSocket (browser mode).

export interface PodlabTransport {
  invoke<K extends CallName>(name: K, request: CallRequest<K>): Promise<Envelope<CallResponse<K>>>;
  /** Returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void;
}

// ---------------------------------------------------------------------------
// Wire messages of browser mode's WebSocket (JSON text frames).

export type ClientMessage = { id: number; call: CallName; request: unknown };
export type ServerMessage =
  | ({ id: number } & Envelope<unknown>)
  | { event: EventName; payload: unknown };

/** IPC channel names (Electron). */
export const ipcChannels = { call: 'podlab:call', event: 'podlab:event' } as const;

/** WebSocket subprotocols: the first is chosen by the server; the second carries the token, so it never appears in a URL. */
export const wsProtocol = 'podlab.v1';
export const wsTokenProtocolPrefix = 'podlab.token.';
export const wsPath = '/bridge';
