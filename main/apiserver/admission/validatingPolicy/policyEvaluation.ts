// Running one policy for one binding and one parameter object: the
// matchConditions, then the variables (each may use the ones before it),
// then every validation, with object, oldObject, params, namespaceObject,
// request and variables in scope. A failed validation says its message, its
// messageExpression's result, or `failed expression: <expression>`.

import type { Validation, Variable } from '../../../kube/types/admissionregistration-v1.ts';
import { compileCel, evaluateCel, toCel, type CelBindings } from '../cel/celPrograms.ts';
import { failedClauses, type FailedClause } from '../cel/failedClauses.ts';
import { evaluateMatchConditions, type MatchCondition } from '../cel/matchConditions.ts';

export interface PolicyFailure {
  message: string;
  reason: string;
  /** An expression that could not be evaluated (the failurePolicy decides), not a false one. */
  evaluationError: boolean;
  /** The validation's expression, when it is one that failed. */
  expression?: string;
  /** For a false expression: its parts that were false and the values they compared. */
  clauses?: FailedClause[];
}

export type PolicyOutcome = { skipped: true } | { skipped: false; failures: PolicyFailure[] };

export interface PolicyInputs {
  object: unknown;
  oldObject: unknown;
  params: unknown;
  namespaceObject: unknown;
  request: unknown;
}

function evaluateVariables(variables: Variable[] | undefined, bindings: CelBindings): Map<string, unknown> {
  const values = new Map<string, unknown>();
  bindings.variables = values as never;
  for (const variable of variables ?? []) {
    const { program } = compileCel(variable.expression);
    if (!program) continue;
    const outcome = evaluateCel(program, bindings);
    // A variable that fails is left out: expressions that use it fail in turn.
    if (outcome.ok) values.set(variable.name, outcome.value);
  }
  return values;
}

function messageOf(validation: Validation, bindings: CelBindings): string {
  if (validation.messageExpression) {
    const { program } = compileCel(validation.messageExpression);
    const outcome = program ? evaluateCel(program, bindings) : undefined;
    if (outcome?.ok && typeof outcome.value === 'string' && outcome.value.trim() !== '' && !/[\n\r]/.test(outcome.value)) return outcome.value.trim();
  }
  if (validation.message) return validation.message;
  return `failed expression: ${validation.expression.trim()}`;
}

export function evaluatePolicy(
  spec: { matchConditions?: MatchCondition[]; variables?: Variable[]; validations?: Validation[] },
  inputs: PolicyInputs,
): PolicyOutcome | { matchConditionError: string } {
  const bindings: CelBindings = {
    object: toCel(inputs.object),
    oldObject: toCel(inputs.oldObject),
    params: toCel(inputs.params),
    namespaceObject: toCel(inputs.namespaceObject),
    request: toCel(inputs.request),
  };
  const match = evaluateMatchConditions(spec.matchConditions, bindings);
  if (match.error !== undefined) return { matchConditionError: match.error };
  if (!match.matches) return { skipped: true };
  evaluateVariables(spec.variables, bindings);
  const failures: PolicyFailure[] = [];
  for (const validation of spec.validations ?? []) {
    const reason = validation.reason ?? 'Invalid';
    const { program, error } = compileCel(validation.expression.trim());
    if (!program) {
      failures.push({ message: `compilation error: ${error}`, reason, evaluationError: true });
      continue;
    }
    const outcome = evaluateCel(program, bindings);
    const expression = validation.expression;
    if (!outcome.ok) failures.push({ message: `expression '${expression}' resulted in error: ${outcome.error}`, reason, evaluationError: true, expression });
    else if (typeof outcome.value !== 'boolean') failures.push({ message: `expression '${expression}' resulted in non-boolean value`, reason, evaluationError: true, expression });
    else if (!outcome.value) failures.push({ message: messageOf(validation, bindings), reason, evaluationError: false, expression, clauses: failedClauses(expression, bindings) });
  }
  return { skipped: false, failures };
}
