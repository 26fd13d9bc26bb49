// A pod on a node that is NotReady or unreachable. kubectl still prints the
// pod "Running 1/1": only its Ready condition turns False (the node lifecycle
// controller's MarkPodsNotReady), because nobody can tell whether its
// containers still run. The node's NoExecute taint evicts the pod once its
// toleration (300 s, added by DefaultTolerationSeconds) runs out; a
// controller then replaces it elsewhere, a pod no controller owns is gone.
// A pod deleted meanwhile stays Terminating: only its kubelet can confirm.

import type { NextCheck } from '../../preload/api.ts';
import { kubectlFor } from './kubectlCommands.ts';
import type { NodeView, PodView } from './podView.ts';
import { eventEvidence, eventsWith, podRef, type Rule } from './rule.ts';

const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

/** When the NoExecute taint evicts this pod: the taint's timeAdded plus the pod's toleration, or never when it tolerates it forever. */
function evictionTime(pod: PodView, node: NodeView): Date | 'never' | undefined {
  const taint = node.spec?.taints?.find((t) => (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE) && t.effect === 'NoExecute');
  if (!taint) return undefined;
  const toleration = pod.spec?.tolerations?.find((t) => (t.key === taint.key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
  if (!toleration) return taint.timeAdded ? new Date(Date.parse(taint.timeAdded)) : undefined;
  if (toleration.tolerationSeconds === undefined) return 'never';
  const added = Date.parse(taint.timeAdded ?? '');
  return Number.isNaN(added) ? undefined : new Date(added + Math.max(0, toleration.tolerationSeconds) * 1000);
}

function controllerOf(pod: PodView): string | undefined {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  return owner ? `${owner.kind} ${owner.name}` : undefined;
}

export const nodeNotReady: Rule = (input, now) => {
  const { pod, nodes, events } = input;
  const nodeName = pod.spec?.nodeName;
  if (!nodeName || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return [];
  const node = nodes.find((n) => n.metadata.name === nodeName);
  const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
  if (!node || !ready || ready.status === 'True') return [];

  const ref = podRef(pod);
  const unreachable = ready.status === 'Unknown';
  const state = unreachable ? 'unreachable' : 'NotReady';
  const evidence = [
    { label: `Node ${nodeName} Ready`, text: `${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}${ready.lastTransitionTime ? ` since ${ready.lastTransitionTime}` : ''}` },
  ];
  const notReadyEvent = eventsWith(events, ['NodeNotReady'])[0];
  if (notReadyEvent) evidence.push(eventEvidence(notReadyEvent));
  const owner = controllerOf(pod);
  // The kubelet still posts status, but cannot reach Docker: the node container is fine, the engine is not.
  const runtimeDown = !unreachable && /container runtime is down/.test(ready.message ?? '');
  const next: NextCheck[] = [
    { what: `See the node's conditions and taints`, command: kubectlFor.describeNode(nodeName) },
    { what: 'See every pod on that node', command: kubectlFor.podsOnNode(nodeName) },
    runtimeDown
      ? { what: 'Check that the Docker engine answers (start Docker again if it stopped): the kubelet adopts the containers that survived', command: 'docker info' }
      : { what: 'On PodLab, start the stopped node again (its pods come back with it)', command: `podlab node start ${nodeName}` },
  ];

  if (pod.metadata.deletionTimestamp) {
    next.push({ what: 'Only if the node is gone for good: remove the pod without its kubelet\'s confirmation', command: kubectlFor.forceDelete(ref) });
    return [
      {
        rule: 'node-not-ready',
        severity: 'error',
        title: `Terminating on ${state} node ${nodeName}`,
        cause: `The pod was deleted, but its node ${nodeName} is ${state}: only the node's kubelet can confirm the containers stopped, so the pod stays Terminating until the node comes back. Force-deleting it is safe only if the node will never run those containers again.`,
        evidence,
        next,
      },
    ];
  }

  const eviction = evictionTime(pod, node);
  let outcome: string;
  if (eviction === 'never') outcome = 'The pod tolerates the node\'s NoExecute taint without limit, so it is never evicted: it stays bound to this node until the node returns.';
  else if (eviction) {
    const when = eviction.getTime() <= now.getTime() ? 'is due now' : `comes at ${eviction.toISOString()}`;
    outcome = `Its eviction (the node's NoExecute taint against the pod's toleration) ${when}; ${owner ? `then ${owner} creates a replacement on a Ready node.` : 'no controller owns it, so it is lost then: run it from a Deployment to get a replacement.'}`;
    evidence.push({ label: 'Eviction', text: eviction.toISOString() });
  } else outcome = owner ? `Once the node lifecycle controller evicts it, ${owner} replaces it on a Ready node.` : 'No controller owns it, so nothing will replace it elsewhere.';

  return [
    {
      rule: 'node-not-ready',
      severity: 'error',
      title: `On ${state} node ${nodeName}`,
      cause: `The node ${nodeName} is ${state}${unreachable ? ' (its kubelet stopped posting status)' : runtimeDown ? ': its kubelet cannot reach its container runtime (the Docker engine does not answer)' : ''}, so the pod is no longer Ready and gets no Service traffic, even though kubectl may still print it Running: nobody can tell whether its containers still run. ${outcome}`,
      evidence,
      next,
    },
  ];
};
