// Starting one container as SyncPod's start() and startContainer() do:
// honor the crash-loop back-off, pull the image, build the config (a missing
// ConfigMap or a root image under runAsNonRoot stops here with
// CreateContainerConfigError), create, start, and run the postStart hook,
// recording each step's event with the kubelet's wording.

import type { PodSandboxConfig, Runtime } from '../runtime/runtime.ts';
import type { Backoff } from './backoff.ts';
import { containerConfig, hashContainer } from './containerConfig.ts';
import type { ContainerKiller } from './containerKiller.ts';
import type { NodeLimits } from './containerResources.ts';
import { containerEnv, type EnvContext } from './envVars.ts';
import type { KubeletEvents } from './events.ts';
import { goDuration } from '../kube/goFormat.ts';
import { withDefaultTag, type ImageManager } from './imageManager.ts';
import { HookError, runHook, type HookTarget } from './lifecycleHooks.ts';
import type { RuntimePodStatus } from './runtimePodStatus.ts';
import { runAsNonRootViolation } from './securityContext.ts';
import { ContainerStartError } from './startErrors.ts';
import { formatPod, type Container, type Pod } from './types.ts';
import type { PodVolumes, VolumeManager } from './volumeManager.ts';
import { ANNOTATION_TERMINATION_MESSAGE_PATH } from '../runtime/runtime.ts';
import type { PullAuth } from './pullSecrets.ts';
import { ANNOTATION_TERMINATION_MESSAGE_POLICY } from './terminationMessage.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import { kubeletSpans, shortId } from './journeySpans.ts';

export interface StarterDeps {
  runtime: Runtime;
  events: KubeletEvents;
  images: ImageManager;
  volumes: VolumeManager;
  killer: ContainerKiller;
  crashBackoff: Backoff;
  node: NodeLimits;
  now: () => number;
  /** Where each container's create and start go in the pod's journey. */
  journeys?: JourneyRecorder;
}

export interface StartContext {
  pod: Pod;
  status: RuntimePodStatus;
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  volumes: PodVolumes;
  env: Omit<EnvContext, 'pod'>;
  auth?: PullAuth;
  hook: Omit<HookTarget, 'pod' | 'container' | 'containerId'>;
}

/** GetStableKey: the container's identity for its crash-loop back-off; a changed spec starts over. */
export function crashBackoffKey(pod: Pod, container: Container): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_${container.name}_${hashContainer(container)}`;
}

export class ContainerStarter {
  constructor(private readonly deps: StarterDeps) {}

  /**
   * Throws ContainerStartError when the container did not start, with the reason the status will show.
   * `pidNamespaceOf`: for an ephemeral container with a target, the runtime ID of the target.
   */
  async start(container: Container, ctx: StartContext, pidNamespaceOf?: string): Promise<void> {
    const { deps } = this;
    const { pod } = ctx;
    const spans = kubeletSpans(deps.journeys, pod);
    const init = (pod.spec.initContainers ?? []).includes(container) || undefined;
    try {
      this.checkBackOff(container, ctx);
    } catch (error) {
      // Each back-off is a sync that did not start the container; repeats of the same wait count on one span.
      spans?.startRepeatable('node', `back-off ${container.name}`, { container: container.name }).fail(error);
      throw error;
    }

    try {
      await deps.images.ensureImageExists(pod, container, ctx.auth);
    } catch (error) {
      if (error instanceof ContainerStartError) deps.events.container(pod, container, 'Warning', 'Failed', `Error: ${error.reason}`);
      throw error;
    }

    const newest = ctx.status.containers.find((c) => c.name === container.name);
    const restartCount = newest ? newest.attempt + 1 : 0;
    const creating = spans?.start('node', `create container ${container.name}`, { container: container.name, image: container.image, restartCount, init });
    let config;
    try {
      const env = await containerEnv(container, { ...ctx.env, pod });
      const violation = runAsNonRootViolation(pod, container, (await deps.runtime.imageStatus(withDefaultTag(container.image)))?.user);
      if (violation) throw new Error(violation);
      const terminationMount = await deps.volumes.terminationMessageMount(pod.metadata.uid ?? '', container, restartCount);
      const mounts = [...deps.volumes.mounts(container, ctx.volumes), ...(terminationMount ? [terminationMount] : [])];
      config = containerConfig(pod, container, restartCount, env, mounts, deps.node);
      if (pidNamespaceOf) config.pidNamespaceOf = pidNamespaceOf;
      if (terminationMount) {
        config.annotations = { ...config.annotations, [ANNOTATION_TERMINATION_MESSAGE_PATH]: terminationMount.containerPath, [ANNOTATION_TERMINATION_MESSAGE_POLICY]: container.terminationMessagePolicy ?? 'File' };
      }
    } catch (error) {
      const message = (error as Error).message;
      creating?.end({ status: 'error', message, attributes: { reason: 'CreateContainerConfigError' } });
      deps.events.container(pod, container, 'Warning', 'Failed', `Error: ${message}`);
      throw new ContainerStartError('CreateContainerConfigError', message);
    }

    let id: string;
    try {
      id = await deps.runtime.createContainer(ctx.sandboxId, config, ctx.sandboxConfig);
    } catch (error) {
      const message = (error as Error).message;
      creating?.end({ status: 'error', message, attributes: { reason: 'CreateContainerError' } });
      deps.events.container(pod, container, 'Warning', 'Failed', `Error: ${message}`);
      throw new ContainerStartError('CreateContainerError', message);
    }
    creating?.end({ attributes: { containerId: shortId(id) } });
    deps.events.container(pod, container, 'Normal', 'Created', `Created container ${container.name}`, id);
    const starting = spans?.start('node', `start container ${container.name}`, { container: container.name, containerId: shortId(id), init });
    try {
      await deps.runtime.startContainer(id);
    } catch (error) {
      const message = (error as Error).message;
      starting?.end({ status: 'error', message, attributes: { reason: 'RunContainerError' } });
      deps.events.container(pod, container, 'Warning', 'Failed', `Error: ${message}`, id);
      throw new ContainerStartError('RunContainerError', message);
    }
    starting?.end();
    deps.events.container(pod, container, 'Normal', 'Started', `Started container ${container.name}`, id);

    const postStart = container.lifecycle?.postStart;
    if (postStart) {
      const hook = spans?.start('node', `postStart hook ${container.name}`, { container: container.name });
      try {
        await runHook(deps.runtime, postStart, { ...ctx.hook, pod, container, containerId: id }, 2 * 60_000);
        hook?.end();
      } catch (error) {
        hook?.end({ status: 'error', message: 'PostStartHook failed' });
        // The hook's own message may hold secrets: the event does not repeat it.
        deps.events.container(pod, container, 'Warning', 'FailedPostStartHook', 'PostStartHook failed', id);
        await deps.killer.killContainer(pod, { id, container, message: 'FailedPostStartHook' }, ctx.hook).catch(() => undefined);
        throw new ContainerStartError('PostStartHookError', error instanceof HookError ? error.message : String(error));
      }
    }
  }

  /** doBackOff: a container that exited recently waits out its back-off before starting again. */
  private checkBackOff(container: Container, ctx: StartContext): void {
    const exited = ctx.status.containers.find((c) => c.name === container.name && c.state === 'exited');
    if (!exited) return;
    const key = crashBackoffKey(ctx.pod, container);
    const finishedAt = exited.finishedAt ?? exited.createdAt;
    const { crashBackoff, events } = this.deps;
    if (crashBackoff.isInBackOffSince(key, finishedAt)) {
      events.container(ctx.pod, container, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${formatPod(ctx.pod)}`);
      throw new ContainerStartError(
        'CrashLoopBackOff',
        `back-off ${goDuration(crashBackoff.get(key))} restarting failed container=${container.name} pod=${formatPod(ctx.pod)}`,
      );
    }
    crashBackoff.next(key, finishedAt);
  }

  /** When the container's crash-loop back-off ends, if it is in one. */
  backoffExpiry(pod: Pod, container: Container, status: RuntimePodStatus): number | undefined {
    const exited = status.containers.find((c) => c.name === container.name && c.state === 'exited');
    if (!exited) return undefined;
    return this.deps.crashBackoff.expiresAt(crashBackoffKey(pod, container), exited.finishedAt ?? exited.createdAt);
  }
}
