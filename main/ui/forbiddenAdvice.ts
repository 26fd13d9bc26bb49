// What to tell a person RBAC refused: the refusal in the API server's words,
// then the `kubectl auth can-i` that checks the same right, so a 403 in a
// view says what they cannot do and how to confirm it, not just "Forbidden".
// The RBAC authorizer's message names verb, resource, group and namespace
// (`pods is forbidden: User "alice" cannot list resource "pods" in API group
// "" in the namespace "default"`), and kube-apiserver words it the same.

import type { Status } from '../../preload/api.ts';
import { parseForbidden } from '../insight/forbiddenText.ts';

/** The `kubectl auth can-i` command for a Forbidden Status, if it names what was refused. */
export function canICommand(status: Status): string | undefined {
  if (status.code !== 403) return undefined;
  const refused = parseForbidden(status.message ?? '');
  if (!refused?.isResourceRequest) return undefined;
  const target = `${refused.resource}${refused.group ? `.${refused.group}` : ''}${refused.subresource ? ` --subresource=${refused.subresource}` : ''}`;
  return `kubectl auth can-i ${refused.verb} ${target} ${refused.namespace ? `-n ${refused.namespace}` : '--all-namespaces'}`;
}

/** The Status's message with what to run to check the right; unchanged when it is no RBAC refusal. */
export function forbiddenMessage(status: Status): string {
  const command = canICommand(status);
  const message = status.message ?? 'Forbidden';
  return command ? `${message}. Your kubeconfig user lacks this right; check with: ${command}` : message;
}
