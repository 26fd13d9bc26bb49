// DefaultPreemption (kube-scheduler's PostFilter): when a pod fits nowhere,
// find a node where deleting pods of lower priority would make room. On each
// node whose refusal another pod's removal could fix, every lower-priority
// pod is taken away; if the pod then fits, victims are given back, highest
// priority first, as long as it still fits. Among the nodes that work, the
// one whose highest victim has the lowest priority wins, then the smallest
// sum of priorities, then the fewest victims, then the most recently started
// highest victim. Pods with preemptionPolicy Never do not preempt.
// PodDisruptionBudgets are honored where possible: victims whose removal
// would break a budget are given back first, and the node that breaks the
// fewest budgets wins before any other criterion (a budget still does not
// stop preemption when nothing else makes room, as in Kubernetes).

import { labelSelectorObjectToRequirements, type LabelSelectorObject } from '../apiserver/validation/labelSelectorObject.ts';
import type { KubeObject } from '../kube/meta.ts';
import { labelsMatch } from '../kube/labels/labelSelector.ts';
import { NodeInfo } from './nodeInfo.ts';
import { runFilters, runPreFilter } from './schedulePod.ts';
import type { FitError } from './fitError.ts';
import type { Profile } from './framework.ts';
import type { Snapshot } from './snapshot.ts';
import type { Pod } from './types.ts';

export interface Preemption {
  nodeName: string;
  victims: Pod[];
  /** How many victims' removal breaks a PodDisruptionBudget. */
  pdbViolations: number;
}

export interface DisruptionBudget extends KubeObject {
  spec?: { selector?: LabelSelectorObject };
  status?: { disruptionsAllowed?: number; disruptedPods?: Record<string, string> };
}

/**
 * filterPodsWithPDBViolation: walking the candidates most important first, each one a budget
 * covers uses one of its allowed disruptions; a candidate that takes a budget below zero violates it.
 */
function splitByBudget(candidates: Pod[], budgets: DisruptionBudget[]): { violating: Pod[]; other: Pod[] } {
  const allowed = budgets.map((b) => b.status?.disruptionsAllowed ?? 0);
  const violating: Pod[] = [];
  const other: Pod[] = [];
  for (const pod of candidates) {
    let violates = false;
    if (Object.keys(pod.metadata.labels ?? {}).length > 0) {
      budgets.forEach((budget, i) => {
        if (budget.metadata.namespace !== pod.metadata.namespace) return;
        const requirements = labelSelectorObjectToRequirements(budget.spec?.selector);
        if (!requirements || requirements.length === 0 || !labelsMatch(requirements, pod.metadata.labels)) return;
        // A pod the API server already counted as disrupted does not count twice.
        if (budget.status?.disruptedPods?.[pod.metadata.name ?? ''] !== undefined) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violates = true;
      });
    }
    (violates ? violating : other).push(pod);
  }
  return { violating, other };
}

const priorityOf = (pod: Pod) => pod.spec.priority ?? 0;
const startOf = (pod: Pod) => Date.parse((pod.status as { startTime?: string } | undefined)?.startTime ?? pod.metadata.creationTimestamp ?? '') || 0;

/** The preemption that lets `pod` run, or the reason there is none (kube-scheduler's words, for the FailedScheduling event). */
export function findPreemption(pod: Pod, snapshot: Snapshot, profile: Profile, fitError: FitError, budgets: DisruptionBudget[] = []): Preemption | { message: string } {
  const total = snapshot.size;
  if (pod.spec.preemptionPolicy === 'Never') return { message: `preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.` };
  const preFilter = runPreFilter(profile, pod);
  if (preFilter.status.code !== 'Success') return { message: `preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.` };
  const priority = priorityOf(pod);
  const options: Preemption[] = [];
  let notHelpful = 0;
  for (const nodeInfo of snapshot.nodeInfos) {
    const status = fitError.diagnosis.nodeToStatus.get(nodeInfo.name);
    if (status && status.code !== 'Unschedulable') {
      notHelpful++;
      continue;
    }
    const trial = new NodeInfo(nodeInfo.node, nodeInfo.pods);
    const lower = nodeInfo.pods.filter((p) => priorityOf(p) < priority && !p.metadata.deletionTimestamp);
    for (const p of lower) trial.removePod(p);
    if (lower.length === 0 || runFilters(profile, pod, trial, preFilter.skipped).code !== 'Success') continue;
    // Reprieve: give back as many victims as possible, those a budget protects first, then the most important first.
    const { violating, other } = splitByBudget([...lower].sort((a, b) => priorityOf(b) - priorityOf(a) || startOf(a) - startOf(b)), budgets);
    const victims: Pod[] = [];
    let pdbViolations = 0;
    const reprieve = (candidate: Pod, breaksBudget: boolean) => {
      trial.addPod(candidate);
      if (runFilters(profile, pod, trial, preFilter.skipped).code === 'Success') return;
      trial.removePod(candidate);
      victims.push(candidate);
      if (breaksBudget) pdbViolations++;
    };
    for (const candidate of violating) reprieve(candidate, true);
    for (const candidate of other) reprieve(candidate, false);
    options.push({ nodeName: nodeInfo.name, victims, pdbViolations });
  }
  if (options.length === 0) {
    const none = total - notHelpful;
    const parts = [...(none > 0 ? [`${none} No preemption victims found for incoming pod`] : []), ...(notHelpful > 0 ? [`${notHelpful} Preemption is not helpful for scheduling`] : [])].sort();
    return { message: `preemption: 0/${total} nodes are available: ${parts.join(', ')}.` };
  }
  const highest = (o: Preemption) => Math.max(...o.victims.map(priorityOf));
  const sum = (o: Preemption) => o.victims.reduce((s, v) => s + priorityOf(v), 0);
  const latestStart = (o: Preemption) => Math.max(...o.victims.filter((v) => priorityOf(v) === highest(o)).map(startOf));
  options.sort((a, b) => a.pdbViolations - b.pdbViolations || highest(a) - highest(b) || sum(a) - sum(b) || a.victims.length - b.victims.length || latestStart(b) - latestStart(a));
  return options[0]!;
}
