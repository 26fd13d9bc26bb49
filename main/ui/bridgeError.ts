// Errors as they cross the bridge: a message a person can act on, plus the
// Kubernetes Status when the API server gave one (its causes name the fields).

import type { BridgeErrorInfo, Status } from '../../preload/api.ts';
import { ApiError } from '../kube/client/types.ts';
import { ClusterBusyError } from '../cluster/deleteCluster.ts';
import { NodeActionError } from '../cluster/nodes/nodeControl.ts';
import { RegistryCredentialError } from '../cluster/registryCredentials.ts';
import { EngineUnavailableError } from '../runtime/runtime.ts';
import { forbiddenMessage } from './forbiddenAdvice.ts';

/** An error raised by the bridge itself, optionally in Kubernetes' Status shape. */
export class BridgeFailure extends Error {
  constructor(
    message: string,
    readonly status?: Status,
  ) {
    super(message);
    this.name = 'BridgeFailure';
  }
}

export function statusFailure(code: number, reason: string, message: string): BridgeFailure {
  return new BridgeFailure(message, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });
}

export function badRequest(message: string): BridgeFailure {
  return statusFailure(400, 'BadRequest', message);
}

const nodeFailureStatus = { Invalid: [400, 'BadRequest'], NotFound: [404, 'NotFound'], AlreadyExists: [409, 'AlreadyExists'], Unavailable: [503, 'ServiceUnavailable'] } as const;

/** Failures of cluster, node and registry actions as the Status a Kubernetes client would get for the like. */
function domainFailure(err: unknown): BridgeFailure | undefined {
  if (err instanceof ClusterBusyError) return statusFailure(409, 'Conflict', err.message);
  if (err instanceof NodeActionError) return statusFailure(nodeFailureStatus[err.reason][0], nodeFailureStatus[err.reason][1], err.message);
  if (err instanceof RegistryCredentialError) return statusFailure(400, 'BadRequest', err.message);
  if (err instanceof EngineUnavailableError) return statusFailure(503, 'ServiceUnavailable', err.message);
  return undefined;
}

export function toBridgeError(err: unknown): BridgeErrorInfo {
  err = domainFailure(err) ?? err;
  if (err instanceof ApiError) return { message: forbiddenMessage(err.status), status: err.status };
  if (err instanceof BridgeFailure) return err.status ? { message: err.message, status: err.status } : { message: err.message };
  if (err instanceof Error) return { message: err.message };
  return { message: String(err) };
}
