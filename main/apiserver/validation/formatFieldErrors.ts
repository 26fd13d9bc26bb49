// apimachinery's errors.NewInvalid: the 422 message kubectl prints
// ("The Pod \"x\" is invalid: ...") and the StatusCause list.

import type { FieldError, StatusCause } from '../../kube/meta.ts';
import { fieldErrorBody, fieldErrorMessage } from './fieldErrors.ts';

export interface InvalidDetails {
  message: string;
  causes: StatusCause[];
}

/** The kind as NewInvalid names it: `Pod`, `Deployment.apps`, `Role.rbac.authorization.k8s.io`. */
export function qualifiedKind(kind: string, group: string): string {
  return group ? `${kind}.${group}` : kind;
}

/**
 * `Pod "x" is invalid: [a: Required value, b: Invalid value: ...]`; one error prints without brackets,
 * and repeated messages print once, as utilerrors.Aggregate does.
 */
export function formatFieldErrors(kind: string, name: string, errors: FieldError[]): InvalidDetails {
  const causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const messages = [...new Set(errors.map(fieldErrorMessage))];
  const quotedName = JSON.stringify(name);
  if (messages.length === 0) return { message: `${kind} ${quotedName} is invalid`, causes };
  const summary = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  return { message: `${kind} ${quotedName} is invalid: ${summary}`, causes };
}
