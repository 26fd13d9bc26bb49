// Stopping containers as kuberuntime's killContainer and killPod do: a
// `Killing` event, the preStop hook within the grace period, then SIGTERM
// and SIGKILL when the rest of the grace period is up (never less than 2 s,
// so a container always gets a chance to exit cleanly). A pod is killed app
// containers first, then its sidecars, then its sandbox.

import type { Runtime } from '../runtime/runtime.ts';
import type { KubeletEvents } from './events.ts';
import type { KillReason } from './podActions.ts';
import type { RuntimePodStatus } from './runtimePodStatus.ts';
import { runHook, type HookTarget } from './lifecycleHooks.ts';
import { allContainers, isRestartableInitContainer, type Container, type Pod } from './types.ts';

const MINIMUM_GRACE_SECONDS = 2;

export interface KillTarget {
  id: string;
  container: Container;
  /** Empty: `Stopping container <name>`. */
  message?: string;
  reason?: KillReason;
}

/** setTerminationGracePeriod: the deletion's grace period, else the pod's. */
export function terminationGracePeriod(pod: Pod): number {
  if (pod.metadata.deletionGracePeriodSeconds !== undefined) return pod.metadata.deletionGracePeriodSeconds;
  return pod.spec.terminationGracePeriodSeconds ?? MINIMUM_GRACE_SECONDS;
}

export class ContainerKiller {
  constructor(
    private readonly runtime: Runtime,
    private readonly events: KubeletEvents,
    private readonly now: () => number,
  ) {}

  async killContainer(pod: Pod, target: KillTarget, hook: Omit<HookTarget, 'pod' | 'container' | 'containerId'>, graceOverride?: number): Promise<void> {
    const { container } = target;
    let grace = graceOverride ?? terminationGracePeriod(pod);
    this.events.container(pod, container, 'Normal', 'Killing', target.message || `Stopping container ${container.name}`, target.id);
    const preStop = container.lifecycle?.preStop;
    if (preStop && grace > 0) {
      const started = this.now();
      try {
        await runHook(this.runtime, preStop, { ...hook, pod, container, containerId: target.id }, grace * 1000);
      } catch {
        // The hook's own message may hold secrets: the event does not repeat it.
        this.events.container(pod, container, 'Warning', 'FailedPreStopHook', 'PreStopHook failed', target.id);
      }
      grace -= Math.floor((this.now() - started) / 1000);
    }
    await this.runtime.stopContainer(target.id, Math.max(grace, MINIMUM_GRACE_SECONDS));
  }

  /** Stops every running container of the pod, then its sandboxes. */
  async killPod(pod: Pod, status: RuntimePodStatus, hook: Omit<HookTarget, 'pod' | 'container' | 'containerId'>, graceOverride?: number): Promise<void> {
    const running = status.containers.filter((c) => c.state === 'running' || c.state === 'unknown');
    const specOf = (name: string) => allContainers(pod).find((c) => c.name === name);
    const targets = running.flatMap((c) => {
      const container = specOf(c.name);
      return container ? [{ id: c.id, container }] : [];
    });
    const sidecars = targets.filter((t) => isRestartableInitContainer(t.container));
    const others = targets.filter((t) => !isRestartableInitContainer(t.container));
    await Promise.all(others.map((t) => this.killContainer(pod, t, hook, graceOverride)));
    // Sidecars outlive the containers they serve, stopped last and in reverse order.
    for (const target of sidecars.reverse()) await this.killContainer(pod, target, hook, graceOverride);
    // Containers whose spec is gone (an edited pod) are stopped without ceremony.
    for (const c of running) if (!specOf(c.name)) await this.runtime.stopContainer(c.id, MINIMUM_GRACE_SECONDS);
    for (const sandbox of status.sandboxes) await this.runtime.stopPodSandbox(sandbox.id);
  }
}
