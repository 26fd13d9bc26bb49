// The scheduler: a client of the API server like any kube component. Pod and
// node informers feed the cache (where pods run) and the scheduling queue
// (pods waiting for a node); the loop takes one pod at a time, decides with
// schedulePod on a snapshot, assumes the pod onto the node so the next cycle
// counts it, and binds it through pods/binding while the loop moves on.
//
// On failure the pod gets PodScheduled=False (reason Unschedulable, or
// SchedulerError when something broke) and a FailedScheduling event, and goes
// back to the queue to wait for a cluster event or its backoff.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { isApiError, type KubeClient, type ResourceClient } from '../kube/client/types.ts';
import { SchedulerCache } from './cache.ts';
import { realClock, type Clock } from '../kube/clock.ts';
import { AssignedPodDelete, NodeAdd, nodeSchedulingPropertiesChange, StorageChange } from './clusterEvents.ts';
import { VolumeInformers } from './volumeInformers.ts';
import { profilePlugins, type ClusterEventWithHint, type Profile } from './framework.ts';
import { Informer, objectKey } from '../kube/client/informer.ts';
import { defaultProfile } from './plugins/defaultProfile.ts';
import { formatTime, updatePodCondition } from './podCondition.ts';
import { findPreemption, type DisruptionBudget, type Preemption } from './preemption.ts';
import { schedulePod, type Rng } from './schedulePod.ts';
import { SchedulingQueue, type QueuedPodInfo } from './schedulingQueue.ts';
import type { Node, Pod } from './types.ts';
import type { JourneyRecorder, PodSpans } from '../kube/trace/journeyRecorder.ts';
import { nodesDetail, nodeVerdicts } from './nodeVerdicts.ts';
import { deepCopy } from '../kube/deepCopy.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** validation.NoteLengthLimit: event messages are cut to this length. */
const NOTE_LENGTH_LIMIT = 1024;
/** retry.DefaultRetry's attempts for a status write that hits 409 Conflict. */
/** How long the scheduling loop runs cycles back to back before letting other work in. */
const SCHEDULING_SLICE_MS = 5;
const STATUS_UPDATE_ATTEMPTS = 5;

export type EventType = 'Normal' | 'Warning';

export interface SchedulerOptions {
  /** Pods whose spec.schedulerName is this are ours. */
  schedulerName?: string;
  clock?: Clock;
  /** Breaks ties between equally scored nodes. */
  rng?: Rng;
  profile?: Profile;
  /** Records a Kubernetes event about the pod (reportingController default-scheduler). */
  recordEvent: (pod: Pod, type: EventType, reason: string, message: string) => void;
  /** Failures that are retried (watch errors, status writes); defaults to console.error. */
  onError?: (err: unknown, context: string) => void;
  /** Where each pod's scheduling (every node's verdict, the choice, the binding) is recorded. */
  journeys?: JourneyRecorder;
}

const COMPONENT = 'kube-scheduler';

function truncateMessage(message: string): string {
  if (message.length <= NOTE_LENGTH_LIMIT) return message;
  const suffix = ' ...';
  return message.slice(0, NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Succeeded and Failed pods hold no resources: kube-scheduler's informer filters them out. */
function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function isAssigned(pod: Pod): boolean {
  return Boolean(pod.spec.nodeName);
}

export class Scheduler {
  private readonly schedulerName: string;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly profile: Profile;
  private readonly recordEvent: SchedulerOptions['recordEvent'];
  private readonly onError: NonNullable<SchedulerOptions['onError']>;
  private readonly pods: ResourceClient<Pod>;
  private readonly cache = new SchedulerCache();
  private readonly queue: SchedulingQueue;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  /** Budgets preemption tries not to break (kube-scheduler's PDB lister). */
  private readonly budgetInformer: Informer<DisruptionBudget>;
  /** Bindings and status writes still running; stop() waits for them. */
  private readonly pending = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private readonly volumeInformers: VolumeInformers;
  private readonly journeys: JourneyRecorder | undefined;

  constructor(client: KubeClient, options: SchedulerOptions) {
    this.journeys = options.journeys;
    this.schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.clock = options.clock ?? realClock;
    this.rng = options.rng ?? Math.random;
    this.recordEvent = options.recordEvent;
    this.onError = options.onError ?? ((err, context) => console.error(`scheduler: ${context}:`, err));
    this.pods = client.resource<Pod>({ group: '', version: 'v1', plural: 'pods' });
    this.volumeInformers = new VolumeInformers(client, { clock: this.clock, onError: this.onError }, () => this.queue?.moveAllToActiveOrBackoffQueue(StorageChange, undefined, undefined));
    this.profile = options.profile ?? defaultProfile(this.volumeInformers);

    const pluginEvents = new Map<string, ClusterEventWithHint[]>();
    for (const plugin of profilePlugins(this.profile)) pluginEvents.set(plugin.name, plugin.eventsToRegister?.() ?? []);
    this.queue = new SchedulingQueue({ clock: this.clock, pluginEvents });

    const informerOptions = { clock: this.clock, onError: this.onError };
    this.podInformer = new Informer(
      this.pods,
      {
        onAdd: (pod) => this.onPodAdd(pod),
        onUpdate: (oldPod, newPod) => this.onPodUpdate(oldPod, newPod),
        onDelete: (pod) => this.onPodDelete(pod),
      },
      informerOptions,
      'pods',
    );
    this.nodeInformer = new Informer(
      client.resource<Node>({ group: '', version: 'v1', plural: 'nodes' }),
      {
        onAdd: (node) => {
          this.cache.addOrUpdateNode(node);
          this.queue.moveAllToActiveOrBackoffQueue(NodeAdd, undefined, node);
        },
        onUpdate: (oldNode, newNode) => {
          this.cache.addOrUpdateNode(newNode);
          for (const event of nodeSchedulingPropertiesChange(oldNode, newNode)) this.queue.moveAllToActiveOrBackoffQueue(event, oldNode, newNode);
        },
        // Pods bound to a deleted node are the node lifecycle controller's business, not a reason to retry others.
        onDelete: (node) => this.cache.removeNode(node),
      },
      informerOptions,
      'nodes',
    );
    this.budgetInformer = new Informer(client.resource<DisruptionBudget>({ group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' }), { onAdd: () => {}, onUpdate: () => {}, onDelete: () => {} }, informerOptions, 'poddisruptionbudgets');
  }

  /** Syncs the informers, then starts scheduling. Resolves once the loop runs. */
  async start(): Promise<void> {
    if (this.loop) throw new Error('scheduler already started');
    this.loop = Promise.resolve();
    this.queue.run();
    await Promise.all([this.podInformer.start(), this.nodeInformer.start(), this.budgetInformer.start(), this.volumeInformers.start()]);
    this.loop = this.run();
  }

  /** Stops watching and scheduling; resolves when in-flight bindings and status writes have finished. */
  async stop(): Promise<void> {
    this.queue.close();
    await Promise.all([this.podInformer.stop(), this.nodeInformer.stop(), this.budgetInformer.stop(), this.volumeInformers.stop()]);
    await this.loop;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private responsibleFor(pod: Pod): boolean {
    // The API server defaults an empty schedulerName to default-scheduler; accept pods written before defaulting.
    return (pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.schedulerName;
  }

  /** Pending pods nominated to a node by preemption: the room they freed is theirs (kube-scheduler's nominator). */
  private readonly nominated = new Map<string, Pod>();

  private trackNomination(pod: Pod, gone = false): void {
    const uid = pod.metadata.uid ?? '';
    const nominatedNode = (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
    if (!gone && nominatedNode && !isAssigned(pod) && !isTerminal(pod)) this.nominated.set(uid, pod);
    else this.nominated.delete(uid);
  }

  private nominatedOn = (nodeName: string): Pod[] => {
    const pods: Pod[] = [];
    for (const pod of this.nominated.values()) if ((pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName === nodeName) pods.push(pod);
    return pods;
  };

  private onPodAdd(pod: Pod): void {
    this.trackNomination(pod);
    if (isTerminal(pod)) return;
    if (isAssigned(pod)) this.cache.addOrUpdatePod(pod);
    else if (this.responsibleFor(pod)) this.queue.add(pod);
  }

  private onPodUpdate(oldPod: Pod, newPod: Pod): void {
    this.trackNomination(newPod);
    if (isTerminal(newPod)) {
      if (!isTerminal(oldPod)) this.onPodDelete(oldPod);
      return;
    }
    if (isAssigned(newPod)) {
      // Bound (by us or anyone): it leaves the queue and counts on its node from now on.
      if (!isAssigned(oldPod)) this.queue.delete(oldPod);
      this.cache.addOrUpdatePod(newPod);
    } else if (this.responsibleFor(newPod)) {
      this.queue.update(oldPod, newPod);
    }
  }

  private onPodDelete(pod: Pod): void {
    this.trackNomination(pod, true);
    if (isAssigned(pod)) {
      this.cache.removePod(pod);
      this.queue.moveAllToActiveOrBackoffQueue(AssignedPodDelete, pod, undefined);
    } else {
      this.queue.delete(pod);
    }
  }

  private async run(): Promise<void> {
    let sliceStart = performance.now();
    for (;;) {
      const info = await this.queue.pop();
      if (!info) return;
      try {
        this.scheduleOne(info);
      } catch (err) {
        // Something outside the plugins broke (a malformed quantity on a node, say): retry after backoff, keep the loop alive.
        this.onError(err, `scheduling pod ${objectKey(info.pod)}`);
        this.handleFailure(info, 'SchedulerError', errorMessage(err), new Set());
      }
      // Let watch events and binding responses in between scheduling cycles, every few
      // milliseconds of them rather than after each: a turn of the event loop per pod
      // left the scheduler binding a pod per turn while thousands waited.
      if (performance.now() - sliceStart >= SCHEDULING_SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  }

  private scheduleOne(info: QueuedPodInfo): void {
    const pod = info.pod;
    const uid = pod.metadata.uid ?? '';
    if (pod.metadata.deletionTimestamp) {
      this.event(pod, 'Warning', 'FailedScheduling', `skip schedule deleting pod: ${pod.metadata.namespace}/${pod.metadata.name}`);
      this.queue.done(uid);
      return;
    }
    // An update that arrived during its binding can bring an assumed pod back to the queue;
    // and a pod popped in the same slice as its binding's confirmation may be bound already.
    const latest = this.podInformer.get(objectKey(pod));
    if (this.cache.isAssumed(uid) || (latest?.metadata.uid === uid && isAssigned(latest))) {
      this.queue.done(uid);
      return;
    }

    const snapshot = this.cache.snapshot();
    const spans = this.spansFor(pod);
    // Repeatable: a pod retried while nothing changes fails the same way, counted on one span.
    const cycle = spans?.startRepeatable('schedule', 'schedule', { nodes: snapshot.size, attempt: info.attempts, queuedMs: Math.max(0, Math.round(this.clock.now() - info.timestamp)) });
    const result = schedulePod(pod, snapshot, this.profile, this.rng, this.nominated.size ? this.nominatedOn : undefined);
    if (cycle) {
      if (result.status === 'Scheduled') cycle.end({ attributes: { node: result.nodeName, feasibleNodes: result.feasibleNodes }, detail: nodesDetail(result.verdicts) });
      else cycle.end({ status: 'error', message: result.message, ...(result.status === 'Unschedulable' && result.fitError ? { detail: { kind: 'nodes', nodes: nodeVerdicts(snapshot, result.fitError.diagnosis) } } : {}) });
    }
    if (result.status === 'Unschedulable') {
      // PostFilter: make room by preempting lower-priority pods, or say why that would not help.
      let message = result.message;
      if (result.fitError) {
        const preemption = findPreemption(pod, snapshot, this.profile, result.fitError, this.budgetInformer.values());
        if ('victims' in preemption) this.track(this.preempt(pod, preemption), `preempting for pod ${objectKey(pod)}`);
        else message = `${message} ${preemption.message}`;
      }
      this.handleFailure(info, 'Unschedulable', message, result.unschedulablePlugins);
      return;
    }
    if (result.status === 'Error') {
      this.handleFailure(info, 'SchedulerError', result.message, new Set());
      return;
    }
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: result.nodeName } };
    this.cache.assumePod(assumed);
    this.track(this.bind(info, assumed, result.nodeName, spans), `binding pod ${objectKey(pod)}`);
  }

  private spansFor(pod: Pod): PodSpans | undefined {
    const { namespace = '', name = '', uid = '' } = pod.metadata;
    return this.journeys?.forPod({ namespace, name, uid }, COMPONENT);
  }

  private async bind(info: QueuedPodInfo, assumed: Pod, nodeName: string, spans?: PodSpans): Promise<void> {
    const { namespace, name, uid } = assumed.metadata;
    const binding = spans?.start('schedule', 'bind', { node: nodeName });
    try {
      const node = this.nodeInformer.get(nodeName);
      for (const plugin of this.profile.preBind ?? []) {
        if (!node) continue;
        try {
          await plugin.preBind(assumed, node);
        } catch (err) {
          throw new Error(`running PreBind plugin "${plugin.name}": ${errorMessage(err)}`);
        }
      }
      await this.pods.createSubresource(namespace, name!, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        // The uid makes the API server refuse to bind a different pod that reused the name.
        metadata: { name, namespace, uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
      binding?.end();
    } catch (err) {
      binding?.fail(err);
      this.cache.forgetPod(uid ?? '');
      // The assumed pod held room on the node that other pods may now use.
      this.queue.moveAllToActiveOrBackoffQueue(AssignedPodDelete, assumed, undefined);
      this.handleFailure(info, 'SchedulerError', errorMessage(err), new Set());
      return;
    }
    this.queue.done(uid ?? '');
    this.event(assumed, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  /**
   * The preemptor is nominated to the node (status.nominatedNodeName) and each victim told why and
   * deleted gracefully; the preemptor is scheduled again once the victims are gone.
   */
  private async preempt(pod: Pod, preemption: Preemption): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    for (let attempt = 1; attempt <= STATUS_UPDATE_ATTEMPTS; attempt++) {
      try {
        const current = await this.pods.get(namespace, name!);
        if (current.metadata.uid !== uid) return;
        await this.pods.updateStatus(namespace, { ...current, status: { ...current.status, nominatedNodeName: preemption.nodeName } });
        break;
      } catch (err) {
        if (isApiError(err) && err.code === 404) return;
        if (!(isApiError(err) && err.code === 409) || attempt === STATUS_UPDATE_ATTEMPTS) throw err;
      }
    }
    for (const victim of preemption.victims) {
      const current = await this.pods.get(victim.metadata.namespace, victim.metadata.name!).catch(() => undefined);
      if (!current || current.metadata.uid !== victim.metadata.uid) continue;
      const conditions = (current.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
      conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod', lastTransitionTime: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') });
      await this.pods.updateStatus(victim.metadata.namespace, { ...current, status: { ...current.status, conditions } }).catch(() => undefined);
      await this.pods.delete(victim.metadata.namespace, victim.metadata.name!).catch(() => undefined);
      this.event(victim, 'Normal', 'Preempted', `Preempted by pod ${uid} on node ${preemption.nodeName}`);
    }
  }

  /** handleSchedulingFailure: requeue (with the latest version of the pod), report, and set PodScheduled=False. */
  private handleFailure(info: QueuedPodInfo, reason: 'Unschedulable' | 'SchedulerError', message: string, unschedulablePlugins: ReadonlySet<string>): void {
    const pod = info.pod;
    const latest = this.podInformer.get(objectKey(pod));
    const stillPending = latest !== undefined && latest.metadata.uid === pod.metadata.uid && !isAssigned(latest) && !isTerminal(latest);
    if (stillPending) {
      info.pod = latest;
      info.unschedulablePlugins = new Set(unschedulablePlugins);
      this.queue.addUnschedulableIfNotPresent(info);
    } else {
      this.queue.done(pod.metadata.uid ?? '');
    }
    this.event(pod, 'Warning', 'FailedScheduling', truncateMessage(message));
    if (stillPending) this.track(this.setPodScheduledFalse(pod, reason, message), `setting PodScheduled=False on pod ${objectKey(pod)}`);
  }

  private async setPodScheduledFalse(pod: Pod, reason: string, message: string): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    for (let attempt = 1; attempt <= STATUS_UPDATE_ATTEMPTS; attempt++) {
      let current: Pod;
      try {
        current = await this.pods.get(namespace, name!);
      } catch (err) {
        if (isApiError(err) && err.code === 404) return;
        throw err;
      }
      if (current.metadata.uid !== uid || isAssigned(current)) return;
      const status = deepCopy(current.status ?? {});
      const changed = updatePodCondition(status, {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: formatTime(this.clock.now()),
        reason,
        message,
      });
      if (!changed) return;
      try {
        await this.pods.updateStatus(namespace, { ...current, status });
        return;
      } catch (err) {
        if (!(isApiError(err) && err.code === 409) || attempt === STATUS_UPDATE_ATTEMPTS) throw err;
      }
    }
  }

  /** Events are best effort, as in Kubernetes: a recorder that throws must not stop scheduling. */
  private event(pod: Pod, type: EventType, reason: string, message: string): void {
    try {
      this.recordEvent(pod, type, reason, message);
    } catch (err) {
      this.onError(err, `recording event ${reason} for pod ${objectKey(pod)}`);
    }
  }

  private track(work: Promise<void>, context: string): void {
    const tracked = work.catch((err) => this.onError(err, context)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
