// A resource whose every list and watch is narrowed by a field selector, so
// an informer over it holds only the matching objects (the kubelet's pods
// of its node, the ConfigMaps of one name).

import type { KubeObject } from '../meta.ts';
import type { ResourceClient } from './types.ts';

export function withFieldSelector<T extends KubeObject>(resource: ResourceClient<T>, fieldSelector: string): ResourceClient<T> {
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
