// What stopping (or removing) a node does to the pods on it, said before the
// click: a pod some controller owns comes back elsewhere once evicted; a
// DaemonSet's pod belongs to the node and goes with it; a pod no controller
// owns is gone for good.

import type { PodView } from '../../main/insight/podView.ts';

export interface NodeStopImpact {
  replaced: string[];
  daemons: string[];
  lost: string[];
}

const podName = (pod: PodView) => `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;

export function nodeStopImpact(pods: PodView[]): NodeStopImpact {
  const impact: NodeStopImpact = { replaced: [], daemons: [], lost: [] };
  for (const pod of pods) {
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    if (!owner) impact.lost.push(podName(pod));
    else if (owner.kind === 'DaemonSet') impact.daemons.push(podName(pod));
    else impact.replaced.push(podName(pod));
  }
  return impact;
}

function listed(names: string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

/** The confirmation's words for `verb` ("Stop", "Remove"). */
export function nodeStopQuestion(verb: 'Stop' | 'Remove', node: string, pods: PodView[]): string {
  const head = verb === 'Stop' ? `Stop node ${node}? Its kubelet stops and the node goes NotReady; its pods are evicted once their tolerations run out (5 minutes by default).` : `Remove node ${node}? Its pods' containers and its Node object go.`;
  if (pods.length === 0) return `${head} No pods run on it.`;
  const { replaced, daemons, lost } = nodeStopImpact(pods);
  const parts = [head];
  if (replaced.length) parts.push(`Replaced on another node by their controllers: ${listed(replaced)}.`);
  if (daemons.length) parts.push(`DaemonSet pods that stay with the node: ${listed(daemons)}.`);
  if (lost.length) parts.push(`No controller owns ${listed(lost)}: ${lost.length === 1 ? 'it is' : 'they are'} lost${verb === 'Stop' ? ' once evicted' : ''}.`);
  return parts.join(' ');
}
