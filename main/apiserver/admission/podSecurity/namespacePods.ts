// What a tighter enforce level on a namespace says about its running pods
// (EvaluatePodsInNamespace): one warning per distinct set of violations,
// naming the first pod (by name) and how many others share it, pods of one
// controller checked after one of each, at most 3000 pods.

import type { KubeObject } from '../../../kube/meta.ts';
import type { PodSpec } from '../../../kube/types/core-v1.ts';
import type { ObjectMeta } from '../../../kube/types/meta-v1.ts';
import { aggregate, evaluatePod } from './checkRegistry.ts';
import { levelVersionString, type LevelVersion } from './policy.ts';

const maxPodsToCheck = 3000;

/** One pod of each controller first, then the others. */
function prioritize(pods: KubeObject[]): KubeObject[] {
  const first: KubeObject[] = [];
  const duplicates: KubeObject[] = [];
  const seenControllers = new Set<string>();
  for (const pod of pods) {
    const controller = pod.metadata.ownerReferences?.find((ref) => ref.controller);
    if (!controller) first.push(pod);
    else if (seenControllers.has(controller.uid)) duplicates.push(pod);
    else {
      seenControllers.add(controller.uid);
      first.push(pod);
    }
  }
  return [...first, ...duplicates];
}

export function podSecurityWarningsForNamespace(namespace: string, enforce: LevelVersion, pods: KubeObject[]): string[] {
  const ordered = prioritize(pods);
  const checked = ordered.slice(0, maxPodsToCheck);
  const byWarning = new Map<string, { podName: string; count: number }>();
  const podWarnings: string[] = [];
  for (const pod of checked) {
    const result = aggregate(evaluatePod(enforce, pod.metadata as ObjectMeta, (pod.spec ?? {}) as PodSpec));
    if (result.allowed) continue;
    const warning = result.forbiddenReason;
    const name = pod.metadata.name ?? '';
    const seen = byWarning.get(warning);
    if (!seen) {
      byWarning.set(warning, { podName: name, count: 1 });
      podWarnings.push(warning);
    } else {
      if (name < seen.podName) seen.podName = name;
      seen.count++;
    }
  }
  const warnings: string[] = [];
  if (checked.length < ordered.length) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${ordered.length} existing pods`);
  if (podWarnings.length > 0) warnings.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
  const decorated = podWarnings.map((warning) => {
    const { podName, count } = byWarning.get(warning)!;
    if (count === 1) return `${podName}: ${warning}`;
    if (count === 2) return `${podName} (and 1 other pod): ${warning}`;
    return `${podName} (and ${count - 1} other pods): ${warning}`;
  });
  return [...warnings, ...decorated.sort()];
}
