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

/** Before reading: why there is no log yet, when there cannot be one. */
export function noLogYet(pod: KubeObject): string | undefined {
  const shape = pod as KubeObject & PodShape;
  if (!shape.spec?.nodeName) return `pod ${pod.metadata.name} is not scheduled on a node yet: there is no log until one runs it (see Debug for why it waits)`;
  return undefined;
}

/** After a followed instance ended: undefined when another instance will start, else why the log ends here. */
export function finalStop(pod: KubeObject, container: string): string | undefined {
  const shape = pod as KubeObject & PodShape;
  const terminated = containerStatus(pod, container)?.state?.terminated;
  const phase = shape.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return `pod ${pod.metadata.name} has ${phase === 'Succeeded' ? 'completed' : 'failed'}: its containers do not run again`;
  const init = shape.spec?.initContainers?.find((c) => c.name === container);
  // A sidecar (an init container with restartPolicy Always) restarts like a regular container.
  if (init && init.restartPolicy !== 'Always' && terminated?.exitCode === 0) return `init container "${container}" finished (exit code 0): it does not run again; the app containers have their own logs`;
  const policy = shape.spec?.restartPolicy ?? 'Always';
  if (!init && terminated && (policy === 'Never' || (policy === 'OnFailure' && terminated.exitCode === 0))) {
    return `container "${container}" exited with code ${terminated.exitCode} and restartPolicy ${policy} does not start it again`;
  }
  return undefined;
}
