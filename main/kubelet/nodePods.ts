// The pods bound to this node, as the kubelet's API config source watches
// them: list and watch with `spec.nodeName=<node>`, through the shared
// informer (which relists on 410 and retries with back-off).

import type { ResourceClient } from '../kube/client/types.ts';
import { Informer, type InformerHandlers } from '../kube/client/informer.ts';
import type { Clock } from '../kube/clock.ts';
import type { Pod } from './types.ts';

/** The same resource, every list and watch narrowed by a field selector. */
function withFieldSelector(resource: ResourceClient<Pod>, fieldSelector: string): ResourceClient<Pod> {
  return {
    get: (namespace, name) => resource.get(namespace, name),
    list: (namespace, options) => resource.list(namespace, { ...options, fieldSelector }),
    watch: (namespace, options, onEvent) => resource.watch(namespace, { ...options, fieldSelector }, onEvent),
    create: (namespace, obj) => resource.create(namespace, obj),
    update: (namespace, obj) => resource.update(namespace, obj),
    updateStatus: (namespace, obj) => resource.updateStatus(namespace, obj),
    patch: (namespace, name, type, patch, subresource) => resource.patch(namespace, name, type, patch, subresource),
    delete: (namespace, name, options) => resource.delete(namespace, name, options),
    createSubresource: (namespace, name, subresource, body) => resource.createSubresource(namespace, name, subresource, body),
  };
}

export function nodePodInformer(
  pods: ResourceClient<Pod>,
  nodeName: string,
  handlers: InformerHandlers<Pod>,
  clock: Clock,
  onError: (error: unknown, context: string) => void,
): Informer<Pod> {
  return new Informer(withFieldSelector(pods, `spec.nodeName=${nodeName}`), handlers, { clock, onError }, `pods on node ${nodeName}`);
}
