// Carrying out the sync decision, as kuberuntime_manager.go's SyncPod: kill
// what must go (the whole pod when its sandbox changed), create the sandbox,
// start new ephemeral containers, the next init containers, then the app
// containers. Start failures are collected per container for the reason
// cache; old container instances are pruned so each container keeps its
// current and its previous one.

import { LABEL_POD_UID, type Runtime } from '../runtime/runtime.ts';
import type { ContainerKiller } from './containerKiller.ts';
import type { ContainerStarter, StartContext } from './containerStarter.ts';
import type { WaitingReason } from './containerStatuses.ts';
import type { KubeletEvents } from './events.ts';
import type { PodActions } from './podActions.ts';
import { findContainerStatus, type RuntimePodStatus } from './runtimePodStatus.ts';
import { sandboxConfig, type DnsSettings } from './sandboxConfig.ts';
import { ContainerStartError } from './startErrors.ts';
import { isRestartableInitContainer, type Container, type Pod } from './types.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import { kubeletSpans, shortId } from './journeySpans.ts';

export interface SyncOutcome {
  /** Containers that failed to start, by name. */
  failures: Map<string, WaitingReason>;
  /** Containers started successfully (their reason cache entry is cleared). */
  started: Set<string>;
  /** Whether anything was done to the runtime (the status must be read again). */
  changed: boolean;
}

export interface PodSyncDeps {
  runtime: Runtime;
  events: KubeletEvents;
  killer: ContainerKiller;
  starter: ContainerStarter;
  dns: DnsSettings;
  /** The handler of the pod's RuntimeClass, if it names one. */
  runtimeHandler?: (runtimeClassName: string) => Promise<string>;
  /** Where the sandbox and the pod IP go in the pod's journey. */
  journeys?: JourneyRecorder;
}

export type StartInputs = Omit<StartContext, 'pod' | 'status' | 'sandboxId' | 'sandboxConfig' | 'hook'>;

export async function executePodActions(deps: PodSyncDeps, pod: Pod, status: RuntimePodStatus, actions: PodActions, inputs: StartInputs): Promise<SyncOutcome> {
  const outcome: SyncOutcome = { failures: new Map(), started: new Set(), changed: false };
  const newestSandbox = status.sandboxes[0];
  let podIP = newestSandbox?.ready ? newestSandbox.ip : undefined;
  const hookBase = async (sandboxId: string) => ({ podIP, published: sandboxId ? (await deps.runtime.podSandboxStatus(sandboxId).catch(() => undefined))?.ports ?? [] : [] });

  if (actions.createSandbox && actions.sandboxId) {
    deps.events.pod(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
  }
  if (actions.killPod) {
    await deps.killer.killPod(pod, status, await hookBase(actions.sandboxId));
    outcome.changed = true;
    if (actions.createSandbox) await purgeInitContainers(deps.runtime, pod, status);
  } else {
    for (const target of actions.containersToKill) {
      await deps.killer.killContainer(pod, target, await hookBase(actions.sandboxId));
      outcome.changed = true;
    }
  }
  if (actions.killPod && !actions.createSandbox) return outcome;

  await pruneInstances(deps.runtime, pod, status);

  let sandboxId = actions.sandboxId;
  const config = sandboxConfig(pod, actions.createSandbox ? actions.attempt : (newestSandbox?.attempt ?? 0), deps.dns);
  // The RuntimeClass's handler, for the sandbox and (the Docker engine taking it per container) its containers. A class
  // deleted under a running pod holds its new containers back until it returns, where CRI would use the sandbox's.
  const runtimeHandler = async () => {
    if (pod.spec.runtimeClassName && deps.runtimeHandler) config.runtimeHandler = await deps.runtimeHandler(pod.spec.runtimeClassName);
  };
  if (actions.createSandbox) {
    const spans = kubeletSpans(deps.journeys, pod);
    const hostNetwork = pod.spec.hostNetwork === true;
    const creating = spans?.start('node', 'create sandbox', { attempt: config.metadata.attempt, hostNetwork });
    try {
      await runtimeHandler();
      sandboxId = await deps.runtime.runPodSandbox(config);
    } catch (error) {
      creating?.fail(error);
      deps.events.pod(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(error as Error).message}`);
      throw error;
    }
    creating?.end({ attributes: { sandbox: shortId(sandboxId), ...(config.runtimeHandler ? { runtimeHandler: config.runtimeHandler } : {}) } });
    outcome.changed = true;
    // The address the network step gave the sandbox (the engine's IPAM on the cluster network): the pod IP.
    const network = spans?.start('node', 'pod network', { hostNetwork });
    const sandbox = await deps.runtime.podSandboxStatus(sandboxId);
    podIP = sandbox.ip;
    network?.end({ status: podIP ? 'ok' : 'error', ...(podIP ? {} : { message: 'the sandbox has no IP address' }), attributes: { ip: podIP, publishedPorts: sandbox.ports.length || undefined } });
  }
  if (!actions.createSandbox) await runtimeHandler();
  const hook = await hookBase(sandboxId);
  const ctx: StartContext = {
    ...inputs,
    pod,
    status,
    sandboxId,
    sandboxConfig: config,
    hook,
    env: { ...inputs.env, podIPs: podIP ? [podIP] : [] },
  };

  const tryStart = async (container: Container, pidNamespaceOf?: string): Promise<boolean> => {
    outcome.changed = true;
    try {
      await deps.starter.start(container, ctx, pidNamespaceOf);
      outcome.started.add(container.name);
      return true;
    } catch (error) {
      if (!(error instanceof ContainerStartError)) throw error;
      outcome.failures.set(container.name, { reason: error.reason, message: error.message });
      return false;
    }
  };

  // Before the init containers, so one can debug an init container that does not finish.
  const ephemeralContainers = pod.spec.ephemeralContainers ?? [];
  for (const index of actions.ephemeralContainersToStart) {
    const container = ephemeralContainers[index]!;
    const target = container.targetContainerName ? findContainerStatus(status, container.targetContainerName) : undefined;
    await tryStart(container, target?.id);
  }
  const initContainers = pod.spec.initContainers ?? [];
  for (const index of actions.initContainersToStart) {
    const container = initContainers[index]!;
    // A regular init container that does not start holds initialization up; a sidecar does not.
    if (!(await tryStart(container)) && !isRestartableInitContainer(container)) return outcome;
  }
  for (const index of actions.containersToStart) await tryStart(pod.spec.containers[index]!);
  return outcome;
}

/** A new sandbox starts initialization over: earlier init container instances go. */
async function purgeInitContainers(runtime: Runtime, pod: Pod, status: RuntimePodStatus): Promise<void> {
  const names = new Set((pod.spec.initContainers ?? []).map((c) => c.name));
  for (const c of status.containers) if (names.has(c.name)) await runtime.removeContainer(c.id);
}

/**
 * Container GC for one pod: each container keeps its newest instance and the
 * newest exited one before it (its lastState and `logs --previous`); older
 * exited instances, older instances that never started (made just before
 * PodLab was killed: no log, no exit, nothing to show) and emptied stale
 * sandboxes are removed.
 */
async function pruneInstances(runtime: Runtime, pod: Pod, status: RuntimePodStatus): Promise<void> {
  const kept = new Map<string, number>();
  for (const c of status.containers) {
    const count = kept.get(c.name) ?? 0;
    if ((count >= 2 && c.state === 'exited') || (count >= 1 && c.state === 'created')) {
      await runtime.removeContainer(c.id);
      continue;
    }
    kept.set(c.name, count + 1);
  }
  const inUse = new Set((await runtime.listContainers({ labels: { [LABEL_POD_UID]: pod.metadata.uid ?? '' } })).map((c) => c.sandboxId));
  for (const sandbox of status.sandboxes.slice(1)) {
    if (!sandbox.ready && !inUse.has(sandbox.id)) await runtime.removePodSandbox(sandbox.id);
  }
}
