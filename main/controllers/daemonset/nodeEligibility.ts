// Which nodes a DaemonSet's pod belongs on (NodeShouldRunDaemonPod): the
// pod's nodeSelector and required node affinity match the node, and every
// NoSchedule or NoExecute taint is tolerated, counting the tolerations the
// DaemonSet controller adds to its pods. A daemon pod also goes on a
// cordoned or not-ready node: those tolerations cover them.

import type { Node } from '../../scheduler/types.ts';
import { RequiredNodeAffinity } from '../../scheduler/nodeSelector.ts';
import { findMatchingUntoleratedTaint, isNoScheduleOrNoExecute } from '../../scheduler/taints.ts';
import type { Pod, PodSpec } from '../shared/types.ts';

type Toleration = NonNullable<PodSpec['tolerations']>[number];

/** util.AddOrUpdateDaemonPodTolerations: what every daemon pod tolerates. */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  const added: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) added.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const existing = spec.tolerations ?? [];
  const same = (a: Toleration, b: Toleration) => a.key === b.key && a.effect === b.effect && a.operator === b.operator;
  return [...existing, ...added.filter((t) => !existing.some((e) => same(e, t)))];
}

/** Whether the DaemonSet's pod (built from its template) should run on `node`. */
export function shouldRunOn(podTemplate: Pod, node: Node): boolean {
  if (!new RequiredNodeAffinity(podTemplate).match(node)) return false;
  const taints = (node.spec as { taints?: Parameters<typeof findMatchingUntoleratedTaint>[0] } | undefined)?.taints;
  return !findMatchingUntoleratedTaint(taints, daemonPodTolerations(podTemplate.spec), isNoScheduleOrNoExecute);
}

/** util.ReplaceDaemonSetPodNodeNameNodeAffinity: the pod may only go to `nodeName` (the scheduler still checks it fits). */
export function pinToNode(spec: PodSpec, nodeName: string): void {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  spec.affinity = { ...spec.affinity, nodeAffinity: { ...spec.affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } };
}
