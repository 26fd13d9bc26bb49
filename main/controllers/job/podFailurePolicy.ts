// A Job's podFailurePolicy applied to one failed pod (the Job controller's
// matchPodFailurePolicy): the first rule whose exit codes or pod conditions
// match decides. FailJob ends the Job with a message naming the pod and rule,
// Ignore keeps the failure off the back-off count, FailIndex fails the pod's
// index, Count (or no match) counts it as usual.

import type { Pod } from '../shared/types.ts';

interface ExitCodesRequirement {
  containerName?: string;
  operator: string;
  values: number[];
}

interface PodFailurePolicyRule {
  action: string;
  onExitCodes?: ExitCodesRequirement;
  onPodConditions?: Array<{ type: string; status?: string }>;
}

export interface PodFailurePolicy {
  rules: PodFailurePolicyRule[];
}

export interface PolicyMatch {
  /** The matched rule's action, when one matched. */
  action?: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';
  /** Whether the failure counts towards backoffLimit (all but Ignore). */
  counts: boolean;
  /** For FailJob: the message of the Job's FailureTarget condition. */
  failJobMessage?: string;
}

interface ContainerStatus {
  name: string;
  state?: { terminated?: { exitCode?: number } };
}

interface PodStatusShape {
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  conditions?: Array<{ type: string; status: string }>;
}

/** The first terminated container (app containers before init containers) with a non-zero exit code the requirement matches. */
function matchExitCodes(status: PodStatusShape, requirement: ExitCodesRequirement): { name: string; exitCode: number } | undefined {
  for (const list of [status.containerStatuses ?? [], status.initContainerStatuses ?? []]) {
    for (const container of list) {
      const exitCode = container.state?.terminated?.exitCode;
      if (exitCode === undefined || exitCode === 0) continue;
      if (requirement.containerName !== undefined && requirement.containerName !== container.name) continue;
      const listed = (requirement.values ?? []).includes(exitCode);
      if ((requirement.operator === 'In' && listed) || (requirement.operator === 'NotIn' && !listed)) return { name: container.name, exitCode };
    }
  }
  return undefined;
}

function matchConditions(status: PodStatusShape, patterns: Array<{ type: string; status?: string }>): string | undefined {
  for (const condition of status.conditions ?? []) {
    if (patterns.some((p) => p.type === condition.type && (p.status ?? 'True') === condition.status)) return condition.type;
  }
  return undefined;
}

export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): PolicyMatch {
  if (!policy) return { counts: true };
  const status = (pod.status ?? {}) as PodStatusShape;
  const where = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    let failJobMessage: string | undefined;
    if (rule.onExitCodes) {
      const container = matchExitCodes(status, rule.onExitCodes);
      if (!container) continue;
      failJobMessage = `Container ${container.name} for pod ${where} failed with exit code ${container.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const condition = matchConditions(status, rule.onPodConditions);
      if (!condition) continue;
      failJobMessage = `Pod ${where} has condition ${condition} matching ${rule.action} rule at index ${index}`;
    } else continue;
    switch (rule.action) {
      case 'Ignore':
        return { action: 'Ignore', counts: false };
      case 'Count':
        return { action: 'Count', counts: true };
      case 'FailIndex':
        return { action: 'FailIndex', counts: true };
      case 'FailJob':
        return { action: 'FailJob', counts: true, failJobMessage };
      default:
        // An action this version does not know: the rule is skipped, as clients are told to do.
        continue;
    }
  }
  return { counts: true };
}
