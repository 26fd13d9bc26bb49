// What a pod worker does at each step, as kubelet.go's SyncPod,
// SyncTerminatingPod and SyncTerminatedPod: set up volumes (FailedMount and
// a retry back-off when one cannot be), compute and carry out the sync
// actions, remember why containers failed to start, and hand the resulting
// status to the status manager; when the pod ends, kill it, report its final
// phase, make the final delete, and clean up once it is gone from the API.

import { LABEL_POD_UID, type RegistryAuth, type Runtime } from '../runtime/runtime.ts';
import { Backoff } from './backoff.ts';
import { hashContainer } from './containerConfig.ts';
import type { ContainerKiller } from './containerKiller.ts';
import type { ContainerStarter } from './containerStarter.ts';
import type { WaitingReason } from './containerStatuses.ts';
import type { KubeletEvents } from './events.ts';
import type { ImageManager } from './imageManager.ts';
import { computePodActions } from './podActions.ts';
import type { PodObjects } from './podObjects.ts';
import { generatePodStatus } from './podStatus.ts';
import { executePodActions, type PodSyncDeps } from './podSync.ts';
import type { PodSyncer, SyncResult } from './podWorkers.ts';
import type { PodProbes } from './probeResults.ts';
import { authForImage } from './pullSecrets.ts';
import { readRuntimePodStatus, type RuntimePodStatus } from './runtimePodStatus.ts';
import type { DnsSettings } from './sandboxConfig.ts';
import { serviceEnvVars, servicesForPod } from './serviceEnv.ts';
import type { StatusManager } from './statusManager.ts';
import type { ServiceAccountTokenManager } from './tokenManager.ts';
import { allContainers, type Pod, type PodStatus } from './types.ts';
import { VolumeSetupError, type PodVolumes, type VolumeManager } from './volumeManager.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';

// The volume manager's retry back-off (nestedpendingoperations: 500 ms doubling to 2m2s).
const VOLUME_BACKOFF = { initialMs: 500, maxMs: 122_000 };

export interface NodeFacts {
  hostIP(): string | undefined;
  /** Node allocatable as quantities. */
  allocatable(): Record<string, string>;
  runtimeName(): string;
}

export interface PodSyncerDeps {
  runtime: Runtime;
  events: KubeletEvents;
  status: StatusManager;
  volumes: VolumeManager;
  images: ImageManager;
  starter: ContainerStarter;
  killer: ContainerKiller;
  probes: PodProbes;
  objects: PodObjects;
  /** Tokens for projected serviceAccountToken volumes. */
  tokens?: ServiceAccountTokenManager;
  /** The node's own registry logins (Docker config.json payloads), tried after the pod's imagePullSecrets. */
  nodeCredentials: () => Buffer[];
  dns: DnsSettings;
  node: NodeFacts;
  now: () => number;
  /** After a failure with no back-off of its own (the kubelet's backOffPeriod). */
  errorRetryMs: number;
  journeys?: JourneyRecorder;
}

export class KubeletPodSyncer implements PodSyncer {
  /** Why each container of each pod last failed to start (kubelet's reasonCache). */
  private readonly reasons = new Map<string, Map<string, WaitingReason>>();
  private readonly volumeBackoff: Backoff;

  constructor(private readonly deps: PodSyncerDeps) {
    this.volumeBackoff = new Backoff(VOLUME_BACKOFF, deps.now);
  }

  private reasonsFor(uid: string): Map<string, WaitingReason> {
    let reasons = this.reasons.get(uid);
    if (!reasons) this.reasons.set(uid, (reasons = new Map()));
    return reasons;
  }

  private podStatus(pod: Pod, runtime: RuntimePodStatus, podIsTerminal: boolean): PodStatus {
    const uid = pod.metadata.uid ?? '';
    const old = this.deps.status.get(uid) ?? pod.status ?? {};
    return generatePodStatus(
      {
        pod,
        runtime,
        reasons: this.reasonsFor(uid),
        probes: this.deps.probes,
        runtimeName: this.deps.node.runtimeName(),
        hostIP: this.deps.node.hostIP(),
        podIsTerminal,
      },
      old,
    );
  }

  private downward(pod: Pod, runtime: RuntimePodStatus) {
    const hostIP = this.deps.node.hostIP();
    const sandbox = runtime.sandboxes[0];
    return {
      pod,
      podIPs: sandbox?.ready && sandbox.ip ? [sandbox.ip] : [],
      hostIPs: hostIP ? [hostIP] : [],
      allocatable: this.deps.node.allocatable(),
      objects: this.deps.objects,
      ...(this.deps.tokens ? { tokens: this.deps.tokens } : {}),
    };
  }

  async syncPod(pod: Pod): Promise<SyncResult> {
    const { deps } = this;
    const uid = pod.metadata.uid ?? '';
    let runtime = await readRuntimePodStatus(deps.runtime, uid);
    // A pod the API already shows as finished (or rejected) never starts again.
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return { terminal: true };

    const deadline = this.activeDeadline(pod);
    if (deadline !== undefined && deps.now() >= deadline) {
      // The active deadline handler: the pod fails and is killed.
      const message = 'Pod was active on the node longer than the specified deadline';
      deps.events.pod(pod, 'Normal', 'DeadlineExceeded', message);
      await deps.status.set(pod, { ...this.podStatus(pod, runtime, false), phase: 'Failed', reason: 'DeadlineExceeded', message });
      return { terminal: true };
    }

    let volumes: PodVolumes;
    try {
      volumes = await deps.volumes.setUp(pod, this.downward(pod, runtime));
      this.volumeBackoff.reset(uid);
    } catch (error) {
      if (!(error instanceof VolumeSetupError)) throw error;
      deps.events.pod(pod, 'Warning', 'FailedMount', error.message);
      this.volumeBackoff.next(uid, deps.now());
      await deps.status.set(pod, this.podStatus(pod, runtime, false));
      return { terminal: false, nextSyncAt: deps.now() + this.volumeBackoff.get(uid) };
    }

    const actions = computePodActions(pod, runtime, deps.probes, hashContainer);
    const syncDeps: PodSyncDeps = {
      runtime: deps.runtime,
      events: deps.events,
      killer: deps.killer,
      starter: deps.starter,
      dns: deps.dns,
      ...(deps.objects.runtimeHandler ? { runtimeHandler: deps.objects.runtimeHandler } : {}),
      ...(deps.journeys ? { journeys: deps.journeys } : {}),
    };
    const enableServiceLinks = pod.spec.enableServiceLinks !== false;
    const services = servicesForPod(await deps.objects.services(pod.metadata.namespace ?? 'default'), pod.metadata.namespace ?? 'default', enableServiceLinks);
    let outcome;
    let pullAuth: Promise<RegistryAuth | undefined> | undefined;
    try {
      outcome = await executePodActions(syncDeps, pod, runtime, actions, {
        volumes,
        env: { ...this.downward(pod, runtime), serviceEnv: serviceEnvVars(services) },
        // Looked up at the first pull of this sync, and shared by the pod's other pulls.
        auth: () => (pullAuth ??= this.pullAuth(pod)),
      });
    } catch (error) {
      // As syncPod, which writes the pod's status before the runtime acts: a sandbox that cannot be made (an engine
      // without the RuntimeClass's handler) leaves the containers waiting in ContainerCreating, not the pod bare Pending.
      await deps.status.set(pod, this.podStatus(pod, runtime, false));
      throw error;
    }
    const reasons = this.reasonsFor(uid);
    for (const name of outcome.started) reasons.delete(name);
    for (const [name, reason] of outcome.failures) reasons.set(name, reason);

    if (outcome.changed) runtime = await readRuntimePodStatus(deps.runtime, uid);
    deps.probes.addPod(pod, runtime.containers);
    const status = this.podStatus(pod, runtime, false);
    await deps.status.set(pod, status);
    const next = this.nextSync(pod, runtime, outcome.failures);
    const wake = next === undefined ? deadline : deadline === undefined ? next : Math.min(next, deadline);
    return { terminal: status.phase === 'Succeeded' || status.phase === 'Failed', ...(wake !== undefined ? { nextSyncAt: wake } : {}) };
  }

  /** When the pod's activeDeadlineSeconds runs out, counted from its startTime. */
  private activeDeadline(pod: Pod): number | undefined {
    const seconds = pod.spec.activeDeadlineSeconds;
    const start = this.deps.status.get(pod.metadata.uid ?? '')?.startTime ?? pod.status?.startTime;
    if (seconds === undefined || !start) return undefined;
    return Date.parse(start) + seconds * 1000;
  }

  /** The earliest moment a failed start can be retried, or shown as backing off. */
  private nextSync(pod: Pod, runtime: RuntimePodStatus, failures: Map<string, WaitingReason>): number | undefined {
    const { deps } = this;
    const now = deps.now();
    const containers = allContainers(pod);
    let next: number | undefined;
    for (const [name, failure] of failures) {
      const container = containers.find((c) => c.name === name)!;
      let at: number | undefined;
      if (failure.reason === 'CrashLoopBackOff') {
        at = deps.starter.backoffExpiry(pod, container, runtime);
      } else if (failure.reason === 'ImagePullBackOff') {
        at = deps.images.backoffExpiry(pod, container);
      } else if (failure.reason === 'ErrImagePull') {
        // Come back within the back-off, so the pod shows ImagePullBackOff before the next pull.
        const expiry = deps.images.backoffExpiry(pod, container);
        at = expiry === undefined ? undefined : now + Math.max(1, Math.floor((expiry - now) / 2));
      }
      at ??= now + deps.errorRetryMs;
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  private async pullAuth(pod: Pod) {
    const secrets = pod.spec.imagePullSecrets ?? [];
    const payloads: Buffer[] = [];
    for (const ref of secrets) {
      try {
        const values = await this.deps.objects.secret(pod.metadata.namespace ?? 'default', ref.name ?? '');
        const payload = values.get('.dockerconfigjson') ?? values.get('.dockercfg');
        if (payload) payloads.push(payload);
      } catch {
        // A missing pull secret is not an error: the pull goes without it, as in Kubernetes.
      }
    }
    // As the kubelet's keyring: the pod's secrets win, the node's logins come after.
    payloads.push(...this.deps.nodeCredentials());
    const images = allContainers(pod).map((c) => c.image);
    return images.map((image) => authForImage(image, payloads)).find((auth) => auth);
  }

  async syncTerminatingPod(pod: Pod, removed: boolean): Promise<void> {
    const { deps } = this;
    const uid = pod.metadata.uid ?? '';
    deps.probes.stopLivenessAndStartup(uid);
    let runtime = await readRuntimePodStatus(deps.runtime, uid);
    const sandbox = runtime.sandboxes[0];
    const published = sandbox ? ((await deps.runtime.podSandboxStatus(sandbox.id).catch(() => undefined))?.ports ?? []) : [];
    const hook: { podIP?: string; published: typeof published } = { published };
    if (sandbox?.ip) hook.podIP = sandbox.ip;
    await deps.killer.killPod(pod, runtime, hook);
    if (removed) return;
    runtime = await readRuntimePodStatus(deps.runtime, uid);
    await deps.status.set(pod, this.podStatus(pod, runtime, false));
  }

  async syncTerminatedPod(pod: Pod, removed: boolean): Promise<boolean> {
    const { deps } = this;
    const uid = pod.metadata.uid ?? '';
    if (removed) {
      await this.cleanUp(pod);
      return true;
    }
    const runtime = await readRuntimePodStatus(deps.runtime, uid);
    await deps.status.set(pod, this.podStatus(pod, runtime, true));
    if (pod.metadata.deletionTimestamp) await deps.status.deletePod(pod);
    return false;
  }

  /** Everything the pod left on this node: containers, sandboxes, volumes, and what the kubelet remembered. */
  private async cleanUp(pod: Pod): Promise<void> {
    const { deps } = this;
    const uid = pod.metadata.uid ?? '';
    const selector = { labels: { [LABEL_POD_UID]: uid } };
    for (const container of await deps.runtime.listContainers(selector)) await deps.runtime.removeContainer(container.id);
    for (const sandbox of await deps.runtime.listPodSandboxes(selector)) await deps.runtime.removePodSandbox(sandbox.id);
    await deps.volumes.tearDown(uid, (pod.spec.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
    deps.probes.removePod(uid);
    this.reasons.delete(uid);
    this.volumeBackoff.reset(uid);
    deps.images.forgetPod(uid);
    deps.tokens?.forgetPod(uid);
    deps.status.forget(uid);
  }
}
