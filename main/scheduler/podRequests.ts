// What a pod asks of a node, computed as k8s.io/component-helpers/resource
// PodRequests does: app containers run together (sum), init containers run one
// at a time (max), sidecars (init containers with restartPolicy Always) keep
// running once started (added to both), and the runtime class overhead is added
// on top.

import { addResource, addResourceList, emptyResource, maxResource, resourceFromList, type Resource } from './resources.ts';
import type { Container, Pod } from './types.ts';

/** schedutil.DefaultMilliCPURequest: what scoring assumes for a container that requests no cpu. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** schedutil.DefaultMemoryRequest: what scoring assumes for a container that requests no memory (200 MB). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function containerRequests(container: Container, nonZero: boolean): Resource {
  const requests = container.resources?.requests;
  const resource = resourceFromList(requests);
  // Only a missing request gets the default: an explicit `cpu: 0` stays zero, as in Kubernetes.
  if (nonZero && requests?.cpu === undefined) resource.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
  if (nonZero && requests?.memory === undefined) resource.memory = DEFAULT_MEMORY_REQUEST;
  return resource;
}

function computePodRequests(pod: Pod, nonZero: boolean): Resource {
  const total = emptyResource();
  for (const container of pod.spec.containers ?? []) addResource(total, containerRequests(container, nonZero));

  // While init container i runs, the sidecars started before it run too.
  const sidecars = emptyResource();
  const initPeak = emptyResource();
  for (const container of pod.spec.initContainers ?? []) {
    const requests = containerRequests(container, nonZero);
    if (container.restartPolicy === 'Always') {
      addResource(total, requests);
      addResource(sidecars, requests);
      maxResource(initPeak, sidecars);
    } else {
      const running = emptyResource();
      addResource(running, requests);
      addResource(running, sidecars);
      maxResource(initPeak, running);
    }
  }
  maxResource(total, initPeak);
  addResourceList(total, pod.spec.overhead);
  return total;
}

const requestsCache = new WeakMap<Pod, Readonly<Resource>>();
const nonZeroRequestsCache = new WeakMap<Pod, Readonly<Resource>>();

/**
 * The pod's requests; with `nonZero`, containers that request no cpu or memory
 * count as DEFAULT_MILLI_CPU_REQUEST / DEFAULT_MEMORY_REQUEST, which is what
 * scoring uses so that best-effort pods do not all pile onto one node.
 * Memoized per pod object, so the result is frozen.
 */
export function podRequests(pod: Pod, options: { nonZero?: boolean } = {}): Readonly<Resource> {
  const nonZero = options.nonZero ?? false;
  const cache = nonZero ? nonZeroRequestsCache : requestsCache;
  let result = cache.get(pod);
  if (!result) {
    const computed = computePodRequests(pod, nonZero);
    Object.freeze(computed.scalar);
    result = Object.freeze(computed);
    cache.set(pod, result);
  }
  return result;
}
