// The pods bound to this node, as the kubelet's API config source watches
// them: list and watch with `spec.nodeName=<node>`, through the shared
// informer (which relists on 410 and retries with back-off).

import type { ResourceClient } from '../kube/client/types.ts';
import { withFieldSelector } from '../kube/client/fieldSelected.ts';
import { Informer, type InformerHandlers } from '../kube/client/informer.ts';
import type { Clock } from '../kube/clock.ts';
import type { Pod } from './types.ts';

export function nodePodInformer(
  pods: ResourceClient<Pod>,
  nodeName: string,
  handlers: InformerHandlers<Pod>,
  clock: Clock,
  onError: (error: unknown, context: string) => void,
): Informer<Pod> {
  return new Informer(withFieldSelector(pods, `spec.nodeName=${nodeName}`), handlers, { clock, onError }, `pods on node ${nodeName}`);
}
