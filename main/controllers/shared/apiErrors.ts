// Errors from the API server that controllers treat specially.

import { isApiError } from '../../kube/client/types.ts';

/**
 * errors.HasStatusCause(err, NamespaceTerminatingCause): a create refused
 * because its namespace is being deleted. PodLab's NamespaceLifecycle gives
 * no cause yet, so its message is recognized too.
 */
export function isNamespaceTerminating(err: unknown): boolean {
  if (!isApiError(err, 'Forbidden')) return false;
  return !!err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating') || /because it is being terminated/.test(err.message);
}
