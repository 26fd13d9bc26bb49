// The node lifecycle controller with its taint-based eviction, as
// kube-controller-manager's node-lifecycle and taint-eviction controllers.
// Every monitor period, for each node:
// - heartbeat: the kubelet's Lease renewals and Ready condition heartbeats;
//   silent for longer than the grace period (Kubernetes 40 s, PodLab's
//   desktop profile 20 s) and every condition turns Unknown with
//   "Kubelet stopped posting node status.", a NodeNotReady event, and the
//   node's pods marked not Ready;
// - taints: Ready=False gives node.kubernetes.io/not-ready, Ready=Unknown
//   node.kubernetes.io/unreachable, both as NoSchedule and NoExecute, removed
//   when the node is Ready again;
// - eviction: a pod on a node with NoExecute taints it does not tolerate is
//   deleted at once, one that tolerates them for tolerationSeconds (300 s
//   from the DefaultTolerationSeconds admission) once they have passed,
//   counted from when the taint was added; the pod first gets the
//   DisruptionTarget condition and a TaintManagerEviction event. The
//   ReplicaSet controller replaces deleted pods; the pods of an unreachable
//   node stay Terminating until its kubelet returns to finish them, as in
//   Kubernetes.

import { EventRecorder } from '../kube/client/eventRecorder.ts';
import { isApiError, type KubeClient, type ResourceClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { kubeTimestamp } from '../kube/time.ts';
import { realClock, type Clock, type Timer } from '../kube/clock.ts';
import { Informer } from '../kube/client/informer.ts';
import { toleratesTaint } from '../scheduler/taints.ts';
import { podRef } from '../kubelet/events.ts';
import { nodeRef } from '../kubelet/nodeObject.ts';
import type { Taint, Toleration } from '../scheduler/types.ts';
import type { Pod } from './shared/types.ts';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const CONDITIONS_SET_UNKNOWN = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface NodeLifecycleOptions {
  client: KubeClient;
  /** How long a node may stay silent before it is Unknown (nodeMonitorGracePeriod). */
  gracePeriodMs: number;
  /** How often nodes are checked (nodeMonitorPeriod). */
  monitorPeriodMs: number;
  /** How long a new node may take to post its first status (nodeStartupGracePeriod, 60 s). */
  startupGracePeriodMs?: number;
  clock?: Clock;
  onError?: (error: unknown, context: string) => void;
}

interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface Health {
  probeTimestamp: number;
  heartbeat?: string;
  renewTime?: string;
  registered: boolean;
}

type PodLike = Pod;

const conditionsOf = (node: KubeObject): NodeCondition[] => ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []);
const taintsOf = (node: KubeObject): Taint[] => ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []);
const keyOf = (obj: KubeObject) => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

/** The NoExecute (and NoSchedule) taint a node's Ready condition calls for, if any. */
export function readinessTaintKey(node: KubeObject): string | undefined {
  const ready = conditionsOf(node).find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'True') return undefined;
  return ready.status === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
}

/**
 * When a pod on a node with these NoExecute taints must go (ms on the clock):
 * now for an untolerated taint, after the shortest tolerationSeconds otherwise,
 * never (undefined) when every taint is tolerated forever.
 */
export function evictionTime(tolerations: Toleration[], taints: Taint[], now: number): number | undefined {
  let at: number | undefined;
  for (const taint of taints.filter((t) => t.effect === 'NoExecute')) {
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return now;
    const seconds = matching.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
    if (seconds.length < matching.length) continue;
    const since = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const due = since + Math.max(0, Math.min(...seconds)) * 1000;
    at = at === undefined ? due : Math.min(at, due);
  }
  return at;
}

export class NodeLifecycleController {
  private readonly clock: Clock;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly nodes = new Map<string, KubeObject>();
  private readonly leases = new Map<string, KubeObject>();
  private readonly pods = new Map<string, PodLike>();
  private readonly health = new Map<string, Health>();
  /** Pods with an eviction scheduled, by key: to report a cancellation. */
  private readonly scheduled = new Set<string>();
  private readonly nodeEvents: EventRecorder;
  private readonly evictionEvents: EventRecorder;
  private readonly nodeClient: ResourceClient;
  private readonly podClient: ResourceClient<PodLike>;
  private readonly informers: Array<Informer<KubeObject>>;
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: NodeLifecycleOptions) {
    this.clock = options.clock ?? realClock;
    this.onError = options.onError ?? ((error, context) => process.stderr.write(`node-lifecycle: ${context}: ${(error as Error).message}\n`));
    const now = () => new Date(this.clock.now());
    this.nodeEvents = new EventRecorder(options.client, { component: 'node-controller' }, now);
    this.evictionEvents = new EventRecorder(options.client, { component: 'taint-eviction-controller' }, now);
    this.nodeClient = options.client.resource({ group: '', version: 'v1', plural: 'nodes' });
    this.podClient = options.client.resource<PodLike>({ group: '', version: 'v1', plural: 'pods' });
    const into = (map: Map<string, KubeObject>, key: (o: KubeObject) => string) => ({
      onAdd: (o: KubeObject) => void map.set(key(o), o),
      onUpdate: (_: KubeObject, o: KubeObject) => void map.set(key(o), o),
      onDelete: (o: KubeObject) => void map.delete(key(o)),
    });
    const informer = (ref: { group: string; version: string; plural: string }, map: Map<string, KubeObject>, key: (o: KubeObject) => string) =>
      new Informer(options.client.resource(ref), into(map, key), { clock: this.clock, onError: this.onError }, `node lifecycle: ${ref.plural}`);
    this.informers = [
      informer({ group: '', version: 'v1', plural: 'nodes' }, this.nodes, (o) => o.metadata.name ?? ''),
      informer({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases' }, this.leases, keyOf),
      informer({ group: '', version: 'v1', plural: 'pods' }, this.pods as Map<string, KubeObject>, keyOf),
    ];
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
    await Promise.all(this.informers.map((i) => i.stop()));
    await Promise.all([this.nodeEvents.flush(), this.evictionEvents.flush()]);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.running = this.monitor().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.options.monitorPeriodMs);
  }

  /** One pass over every node (exposed for tests that drive the clock). */
  async monitor(): Promise<void> {
    for (const name of this.health.keys()) if (!this.nodes.has(name)) this.health.delete(name);
    for (const node of [...this.nodes.values()]) {
      try {
        await this.monitorNode(node);
      } catch (error) {
        if (!isApiError(error, 'Conflict') && !isApiError(error, 'NotFound')) this.onError(error, `node ${node.metadata.name}`);
      }
    }
    await this.evictPods();
  }

  private async monitorNode(observed: KubeObject): Promise<void> {
    const name = observed.metadata.name ?? '';
    const now = this.clock.now();
    const ready = conditionsOf(observed).find((c) => c.type === 'Ready');
    const renewTime = ((this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`)?.spec as { renewTime?: string } | undefined)?.renewTime) ?? undefined;
    let health = this.health.get(name);
    if (!health) {
      health = { probeTimestamp: now, registered: false };
      if (ready?.lastHeartbeatTime) health.heartbeat = ready.lastHeartbeatTime;
      if (renewTime) health.renewTime = renewTime;
      this.health.set(name, health);
    }
    if (!health.registered) {
      health.registered = true;
      this.nodeEvents.event(nodeRef(observed.metadata.name ?? ''), 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
    }
    if (ready?.lastHeartbeatTime && ready.lastHeartbeatTime !== health.heartbeat) {
      health.heartbeat = ready.lastHeartbeatTime;
      health.probeTimestamp = now;
    }
    if (renewTime && renewTime !== health.renewTime) {
      health.renewTime = renewTime;
      health.probeTimestamp = now;
    }

    let node = observed;
    const grace = ready ? this.options.gracePeriodMs : (this.options.startupGracePeriodMs ?? 60_000);
    if (now > health.probeTimestamp + grace && ready?.status !== 'Unknown') {
      node = await this.markUnknown(observed, now);
      if (!ready || ready.status === 'True') {
        this.nodeEvents.event(nodeRef(observed.metadata.name ?? ''), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        await this.markPodsNotReady(name);
      }
    }
    await this.reconcileTaints(node, now);
  }

  private async markUnknown(node: KubeObject, now: number): Promise<KubeObject> {
    const stamp = kubeTimestamp(new Date(now));
    const existing = conditionsOf(node);
    const conditions = existing.filter((c) => !CONDITIONS_SET_UNKNOWN.includes(c.type));
    for (const type of CONDITIONS_SET_UNKNOWN) {
      const old = existing.find((c) => c.type === type);
      conditions.push(
        old
          ? { ...old, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: stamp }
          : { type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp ?? stamp, lastTransitionTime: stamp },
      );
    }
    const order = (c: NodeCondition) => (c.type === 'Ready' ? 1 : 0);
    conditions.sort((a, b) => order(a) - order(b));
    const updated = await this.nodeClient.updateStatus(undefined, { ...node, status: { ...(node.status as object), conditions } });
    this.nodes.set(node.metadata.name ?? '', updated);
    return updated;
  }

  private async markPodsNotReady(nodeName: string): Promise<void> {
    for (const pod of this.pods.values()) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      const conditions = (pod.status?.conditions ?? []).map((c) =>
        c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: kubeTimestamp(new Date(this.clock.now())) } : c,
      );
      try {
        await this.podClient.updateStatus(pod.metadata.namespace, { ...pod, status: { ...pod.status, conditions } });
        this.nodeEvents.event(podRef(pod), 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (error) {
        if (!isApiError(error, 'NotFound') && !isApiError(error, 'Conflict')) this.onError(error, `pod ${keyOf(pod)}: mark not ready`);
      }
    }
  }

  /** Keeps exactly the readiness taints the Ready condition calls for, as NoSchedule and NoExecute. */
  private async reconcileTaints(node: KubeObject, now: number): Promise<void> {
    const wanted = readinessTaintKey(node);
    const taints = taintsOf(node);
    const readinessKeys = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);
    const kept = taints.filter((t) => !readinessKeys.has(t.key) || t.key === wanted);
    const next = [...kept];
    if (wanted) {
      for (const effect of ['NoSchedule', 'NoExecute']) {
        if (!next.some((t) => t.key === wanted && t.effect === effect)) {
          next.push(effect === 'NoExecute' ? { key: wanted, effect, timeAdded: kubeTimestamp(new Date(now)) } : { key: wanted, effect });
        }
      }
    }
    if (next.length === taints.length && next.every((t, i) => t === taints[i])) return;
    const fresh = await this.nodeClient.get(undefined, node.metadata.name ?? '');
    const updated = await this.nodeClient.update(undefined, { ...fresh, spec: { ...(fresh.spec as object), taints: next } });
    this.nodes.set(node.metadata.name ?? '', updated);
  }

  private async evictPods(): Promise<void> {
    const now = this.clock.now();
    const due = new Set<string>();
    for (const pod of this.pods.values()) {
      const key = keyOf(pod);
      const node = pod.spec?.nodeName ? this.nodes.get(pod.spec.nodeName) : undefined;
      const at = node && !pod.metadata.deletionTimestamp ? evictionTime(pod.spec?.tolerations ?? [], taintsOf(node), now) : undefined;
      if (at === undefined) {
        if (this.scheduled.delete(key) && !pod.metadata.deletionTimestamp) {
          this.evictionEvents.event(podRef(pod), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key.replace(/^\//, '')}`);
        }
        continue;
      }
      this.scheduled.add(key);
      if (at <= now) due.add(key);
    }
    for (const key of this.scheduled) if (!this.pods.has(key)) this.scheduled.delete(key);
    for (const key of due) {
      const pod = this.pods.get(key)!;
      this.scheduled.delete(key);
      try {
        await this.evict(pod);
      } catch (error) {
        if (!isApiError(error, 'NotFound')) this.onError(error, `pod ${key}: eviction`);
      }
    }
  }

  private async evict(pod: PodLike): Promise<void> {
    this.evictionEvents.event(podRef(pod), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
    const fresh = await this.podClient.get(pod.metadata.namespace, pod.metadata.name ?? '');
    const conditions = fresh.status?.conditions ?? [];
    if (!conditions.some((c) => c.type === 'DisruptionTarget' && c.status === 'True')) {
      const disruption = {
        type: 'DisruptionTarget',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: kubeTimestamp(new Date(this.clock.now())),
        reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint',
      };
      await this.podClient.updateStatus(pod.metadata.namespace, { ...fresh, status: { ...fresh.status, conditions: [...conditions.filter((c) => c.type !== 'DisruptionTarget'), disruption] } });
    }
    await this.podClient.delete(pod.metadata.namespace, pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid } });
  }
}

