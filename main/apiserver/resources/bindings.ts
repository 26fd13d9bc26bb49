// Bindings (v1): the older way to assign a pod to a node, POST
// /api/v1/namespaces/NS/bindings with a Binding named after the pod, which
// kube-apiserver still serves beside pods/binding (custom schedulers written
// against it use it). Create only; the pod's binding rules apply
// (subresources.ts bindPod), and the answer is a Status.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';

export const bindings: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Binding',
  plural: 'bindings',
  singular: 'binding',
  namespaced: true,
  subresources: [],
  verbs: ['create'],
  strategy: {},
};
