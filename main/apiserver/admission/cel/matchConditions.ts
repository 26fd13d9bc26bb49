// matchConditions (webhooks and ValidatingAdmissionPolicies): every CEL
// condition must be true for the request to be sent on. A false condition
// skips it even when another failed to evaluate; otherwise an evaluation error
// is the caller's to handle by its failurePolicy, as Kubernetes' matcher does.

import { compileCel, evaluateCel, type CelBindings } from './celPrograms.ts';

export interface MatchCondition {
  name: string;
  expression: string;
}

export type MatchOutcome = { matches: boolean; error?: undefined } | { matches?: undefined; error: string };

export function evaluateMatchConditions(conditions: readonly MatchCondition[] | undefined, bindings: CelBindings): MatchOutcome {
  let firstError: string | undefined;
  for (const condition of conditions ?? []) {
    const { program, error } = compileCel(condition.expression);
    if (!program) {
      firstError ??= `compilation failed for match condition '${condition.name}': ${error}`;
      continue;
    }
    const outcome = evaluateCel(program, bindings);
    if (!outcome.ok) firstError ??= `expression '${condition.expression}' resulted in error: ${outcome.error}`;
    else if (outcome.value === false) return { matches: false };
    else if (outcome.value !== true) firstError ??= `expression '${condition.expression}' resulted in non-boolean value`;
  }
  return firstError ? { error: firstError } : { matches: true };
}
