// An Indexed Job's successPolicy (the Job controller's matchSuccessPolicy):
// the Job has succeeded once any rule holds, a rule naming indexes when all
// of them (or succeededCount of them) succeeded, a rule with only a count
// when that many indexes succeeded. The message names the first rule that held.

import { parseIndexes } from './completedIndexes.ts';

export interface SuccessPolicy {
  rules: Array<{ succeededIndexes?: string; succeededCount?: number }>;
}

export function matchSuccessPolicy(policy: SuccessPolicy | undefined, completions: number, succeeded: Set<number>): string | undefined {
  if (!policy || succeeded.size === 0) return undefined;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    if (rule.succeededIndexes !== undefined) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      // A list that does not parse names no index: the rule cannot hold.
      if (required.size === 0) continue;
      let contained = 0;
      for (const i of required) if (succeeded.has(i)) contained++;
      if (contained === required.size || (rule.succeededCount !== undefined && contained >= rule.succeededCount)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && succeeded.size >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}
