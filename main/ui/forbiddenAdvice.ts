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

/**
 * A refused WebSocket to pods/exec, attach or portforward. The authorization
 * filter's 403 names the `get` it refused; kube-apiserver's added `create`
 * check (AuthorizePodWebsocketUpgradeCreatePermission) answers only `pods
 * "NAME" is forbidden: ` with RBAC's reason, so the can-i comes from what was asked.
 */
export function podUpgradeForbiddenMessage(status: Status, namespace: string, subresource: string): string {
  if (canICommand(status)) return forbiddenMessage(status);
  const message = (status.message ?? 'Forbidden').replace(/:\s*$/, '');
  return `${message}: a WebSocket to pods/${subresource} needs both get and create on it; check with: kubectl auth can-i create pods --subresource=${subresource} -n ${namespace}`;
}
