// What a log stream says when there is nothing (more) to read, true to the
// pod's state: a pod no node runs yet has no log at all; an init container
// that finished, or a container its restartPolicy will not start again, is
// done for good (no "waiting for its next start").

import type { KubeObject } from '../kube/meta.ts';
import { containerStatus } from './podContainers.ts';

interface PodShape {
  spec?: { nodeName?: string; restartPolicy?: string; initContainers?: Array<{ name: string; restartPolicy?: string }> };
  status?: { phase?: string };
}

/**
 * Whether the API has a log of the container to give, as the kubelet decides
 * (validateContainerLogStatus): it runs or ran, now or in its last instance.
 */
export function hasLog(pod: KubeObject, container: string): boolean {
  const status = containerStatus(pod, container);
  return !!(status?.state?.running || status?.state?.terminated || status?.lastState?.terminated);
}

/** A pod whose containers never run again. */
export function isFinished(pod: KubeObject): boolean {
  const phase = (pod as KubeObject & PodShape).status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Before reading: why there is no log yet, when there cannot be one. */
export function noLogYet(pod: KubeObject, container: string): string | undefined {
  const shape = pod as KubeObject & PodShape;
  if (!shape.spec?.nodeName) return `pod ${pod.metadata.name} is not scheduled on a node yet: there is no log until one runs it (see Debug for why it waits)`;
  if (hasLog(pod, container)) return undefined;
  const reason = containerStatus(pod, container)?.state?.waiting?.reason;
  return `container "${container}" is waiting to start${reason ? ` (${reason})` : ''}: the log opens once it runs`;
}

/** After a followed instance ended: undefined when another instance will start, else why the log ends here. */
export function finalStop(pod: KubeObject, container: string): string | undefined {
  const shape = pod as KubeObject & PodShape;
  const terminated = containerStatus(pod, container)?.state?.terminated;
  const phase = shape.status?.phase;
  if (isFinished(pod)) return `pod ${pod.metadata.name} has ${phase === 'Succeeded' ? 'completed' : 'failed'}: its containers do not run again`;
  const init = shape.spec?.initContainers?.find((c) => c.name === container);
  // A sidecar (an init container with restartPolicy Always) restarts like a regular container.
  if (init && init.restartPolicy !== 'Always' && terminated?.exitCode === 0) return `init container "${container}" finished (exit code 0): it does not run again; the app containers have their own logs`;
  const policy = shape.spec?.restartPolicy ?? 'Always';
  if (!init && terminated && (policy === 'Never' || (policy === 'OnFailure' && terminated.exitCode === 0))) {
    return `container "${container}" exited with code ${terminated.exitCode} and restartPolicy ${policy} does not start it again`;
  }
  return undefined;
}
