// A pod with no node: the scheduler's FailedScheduling event (or the
// PodScheduled=False condition, which carries the same message) says why,
// node by node: `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had
// untolerated taint {node-role.kubernetes.io/control-plane: }.` Each reason
// becomes a cause with the numbers behind it.

import type { Finding, Fix, NextCheck } from '../../preload/api.ts';
import { containerSpecFix, podSpecFix } from './fixBuilders.ts';
import { podRequests } from '../scheduler/podRequests.ts';
import { resourceFromList, type Resource } from '../scheduler/resources.ts';
import type { Pod } from '../scheduler/types.ts';
import { kubectlFor } from './kubectlCommands.ts';
import type { NodeView, PodView } from './podView.ts';
import { eventEvidence, eventsWith, podRef, type Rule } from './rule.ts';

const histogram = /^0\/(\d+) nodes are available: (.*?)\.?(?: preemption: .*)?$/s;

export function schedulingReasons(message: string): Array<{ count: number; reason: string }> {
  const match = histogram.exec(message.trim());
  if (!match) return [];
  return match[2].split(/, (?=\d+ )/).map((part) => {
    const space = part.indexOf(' ');
    return { count: Number(part.slice(0, space)), reason: part.slice(space + 1).replace(/\.$/, '') };
  });
}

export function formatCpu(milliCPU: number): string {
  return milliCPU % 1000 === 0 ? `${milliCPU / 1000} CPU${milliCPU === 1000 ? '' : 's'}` : `${milliCPU}m CPU`;
}

export function formatBytes(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)}${units[unit]}`;
}

function resourceAmount(resource: Resource, name: string): number {
  if (name === 'cpu') return resource.milliCPU;
  if (name === 'memory') return resource.memory;
  if (name === 'ephemeral-storage') return resource.ephemeralStorage;
  if (name === 'pods') return resource.allowedPodNumber;
  return resource.scalar[name] ?? 0;
}

function formatAmount(name: string, amount: number): string {
  if (name === 'cpu') return formatCpu(amount);
  if (name === 'memory' || name === 'ephemeral-storage') return formatBytes(amount);
  return String(amount);
}

/** The request that fits: a quarter of the largest node's allocatable (room for the pods already there), rounded down to 100m or 16Mi. */
function fittingRequest(resource: string, largest: number): string | undefined {
  if (resource === 'cpu') {
    const milli = Math.floor(largest / 4 / 100) * 100;
    return milli > 0 ? `${milli}m` : undefined;
  }
  if (resource === 'memory') {
    const mebibytes = Math.floor(largest / 4 / 2 ** 20 / 16) * 16;
    return mebibytes > 0 ? `${mebibytes}Mi` : undefined;
  }
  return undefined;
}

/** Lower each container's request of `resource` so the pod's total is `request` at most (shared in proportion). */
function lowerRequestFix(pod: PodView, resource: string, request: string, largestNode: string): Fix | undefined {
  const containers = (pod.spec?.containers ?? []).filter((c) => c.resources?.requests?.[resource]);
  if (containers.length !== 1) return undefined;
  const container = containers[0]!;
  const limit = container.resources?.limits?.[resource];
  return containerSpecFix(
    `Request ${request} of ${resource} for ${container.name} instead of ${container.resources!.requests![resource]}`,
    `A request is what the scheduler reserves on a node; ${largestNode} can allocate more than this. Request what the container needs at rest (kubectl top shows it once it runs)${limit ? '; the limit stays' : ''}.`,
    container.name,
    { resources: { requests: { [resource]: request } } },
  );
}

function insufficient(pod: PodView, nodes: NodeView[], resource: string, fixes: Fix[] = []): { cause: string; evidence: string } {
  const requested = resourceAmount(podRequests(pod as Pod), resource);
  const allocatable = nodes.map((n) => ({ name: n.metadata.name ?? '', amount: resourceAmount(resourceFromList(n.status?.allocatable), resource) }));
  const largest = allocatable.reduce((best, n) => (n.amount > best.amount ? n : best), { name: '', amount: 0 });
  const evidence = `the pod requests ${formatAmount(resource, requested)} of ${resource}; ${largest.name ? `the largest node (${largest.name}) can allocate ${formatAmount(resource, largest.amount)}` : 'no node reports any'}`;
  const fitting = requested > largest.amount && largest.name ? fittingRequest(resource, largest.amount) : undefined;
  const lower = fitting ? lowerRequestFix(pod, resource, fitting, largest.name) : undefined;
  if (lower) fixes.push(lower);
  const cause =
    requested > largest.amount
      ? `No node has enough ${resource}: the pod asks for ${formatAmount(resource, requested)}, more than any node can offer (at most ${formatAmount(resource, largest.amount)}). It will stay Pending until the request is lowered or a bigger node joins.`
      : `The nodes' free ${resource} is taken by other pods: the pod asks for ${formatAmount(resource, requested)} and no node has that much left.`;
  return { cause, evidence };
}

function causeFor(reason: string, input: Parameters<Rule>[0], next: NextCheck[], fixes: Fix[]): { cause: string; evidence?: string } {
  const { pod, nodes } = input;
  const ref = podRef(pod);
  const insufficientMatch = /^Insufficient (\S+)$/.exec(reason);
  if (insufficientMatch) {
    next.push({ what: 'See the requests of each container', command: `kubectl get pod ${ref.name} -n ${ref.namespace} -o jsonpath='{.spec.containers[*].resources.requests}'` });
    next.push({ what: "Compare with the nodes' allocatable resources", command: kubectlFor.describeNodes() });
    return insufficient(pod, nodes, insufficientMatch[1]!, fixes);
  }
  const taintMatch = /had untolerated taint \{([^:}]*): ?([^}]*)\}/.exec(reason);
  if (taintMatch) {
    const [, key, value] = taintMatch;
    const tainted = nodes.filter((n) => n.spec?.taints?.some((t) => t.key === key));
    const effect = tainted[0]?.spec?.taints?.find((t) => t.key === key)?.effect ?? 'NoSchedule';
    next.push({ what: 'See which nodes carry which taints', command: kubectlFor.nodeTaints() });
    if (tainted[0]) next.push({ what: `Or remove the taint from ${tainted[0].metadata.name}`, command: kubectlFor.removeTaint(tainted[0].metadata.name ?? '', key, effect) });
    // tolerations is a list without a merge key: the patch carries the pod's own ones too.
    const toleration = value ? { key, operator: 'Equal', value, effect } : { key, operator: 'Exists', effect };
    fixes.push(
      podSpecFix(
        `Tolerate the taint ${key}${value ? `=${value}` : ''}:${effect}`,
        `A toleration lets the pod onto nodes with that taint (it does not send it there). Taints keep pods off nodes on purpose, such as a control plane: tolerate one only when the pod belongs there.`,
        { tolerations: [...(pod.spec?.tolerations ?? []), toleration] },
      ),
    );
    return {
      cause: `Node(s) ${tainted.map((n) => n.metadata.name).join(', ') || ''} carry the taint ${key}${value ? `=${value}` : ''}:${effect}, and the pod has no toleration for it. Add a toleration to the pod spec (key "${key}", effect "${effect}") or remove the taint.`,
    };
  }
  if (/didn't match Pod's node affinity\/selector/.test(reason)) {
    const selector = Object.entries(pod.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
    next.push({ what: 'Compare with the labels the nodes have', command: kubectlFor.nodeLabels() });
    return { cause: `No node has the labels the pod asks for${selector ? ` (nodeSelector ${selector})` : ' (node affinity)'}. Label a node, or change the pod's nodeSelector/affinity.` };
  }
  if (/were unschedulable/.test(reason)) {
    const cordoned = nodes.filter((n) => n.spec?.unschedulable).map((n) => n.metadata.name ?? '');
    for (const node of cordoned) next.push({ what: `Allow pods on ${node} again`, command: kubectlFor.uncordon(node) });
    return { cause: `Node(s) ${cordoned.join(', ')} are cordoned (spec.unschedulable): no new pods go there until they are uncordoned.` };
  }
  if (/^Too many pods$/.test(reason)) return { cause: 'The nodes already run as many pods as they allow (allocatable "pods"). Delete pods or add a node.' };
  return { cause: `The scheduler says: ${reason}.` };
}

export const pendingScheduling: Rule = (input) => {
  const { pod } = input;
  if (pod.spec?.nodeName || pod.metadata.deletionTimestamp || (pod.status?.phase && pod.status.phase !== 'Pending')) return [];
  const ref = podRef(pod);
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (condition?.reason === 'SchedulingGated') {
    return [
      {
        rule: 'pending-scheduling-gated',
        severity: 'info',
        title: 'Waiting for its scheduling gates',
        cause: `The pod has spec.schedulingGates; the scheduler ignores it until every gate is removed. ${condition.message ?? ''}`.trim(),
        evidence: [{ label: 'Condition PodScheduled', text: `False (SchedulingGated)` }],
        next: [{ what: 'See the gates', command: `kubectl get pod ${ref.name} -n ${ref.namespace} -o jsonpath='{.spec.schedulingGates}'` }],
      },
    ];
  }
  const failed = eventsWith(input.events, ['FailedScheduling'])[0];
  const message = failed?.message ?? (condition?.status === 'False' ? condition.message : undefined);
  if (!message) {
    return [
      {
        rule: 'pending-no-decision',
        severity: 'info',
        title: 'Not scheduled yet',
        cause: 'The pod has no node and the scheduler has not said why: it has not handled the pod yet (is the scheduler running?). Scheduling usually takes under a second.',
        evidence: [{ label: 'spec.nodeName', text: '<none>' }],
        next: [
          { what: "Watch for the scheduler's decision", command: kubectlFor.podEvents(ref) },
          { what: 'See the pod in full', command: kubectlFor.describePod(ref) },
        ],
      },
    ];
  }
  const evidence = [failed ? eventEvidence(failed) : { label: 'Condition PodScheduled=False', text: message }];
  const next: NextCheck[] = [{ what: 'See the scheduling events', command: kubectlFor.describePod(ref) }];
  const reasons = schedulingReasons(message);
  if (/no nodes available to schedule pods/.test(message)) {
    return [
      {
        rule: 'pending-no-nodes',
        severity: 'error',
        title: 'Pending: the cluster has no nodes',
        cause: 'There is no node to run the pod on. Start the cluster with at least one node.',
        evidence,
        next: [{ what: 'List the nodes', command: 'kubectl get nodes' }, ...next],
      },
    ];
  }
  const fixes: Fix[] = [];
  const causes = reasons.map(({ count, reason }) => {
    const explained = causeFor(reason, input, next, fixes);
    if (explained.evidence) evidence.push({ label: `${count} node(s): ${reason}`, text: explained.evidence });
    return explained.cause;
  });
  return [
    {
      rule: 'pending-unschedulable',
      severity: 'error',
      title: `Pending: no node can run it${reasons.length ? ` (${reasons.map((r) => r.reason).join('; ')})` : ''}`,
      cause: causes.length ? causes.join(' ') : `The scheduler says: ${message}`,
      evidence,
      next,
      ...(fixes.length > 0 && { fixes }),
    },
  ];
};
