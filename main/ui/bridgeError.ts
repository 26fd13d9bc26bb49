// Errors as they cross the bridge: a message a person can act on, plus the
// Kubernetes Status when the API server gave one (its causes name the fields).

import type { BridgeErrorInfo, Status } from '../../preload/api.ts';
import { ApiError } from '../apiserver/client/types.ts';

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

export function toBridgeError(err: unknown): BridgeErrorInfo {
  if (err instanceof ApiError) return { message: err.message, status: err.status };
  if (err instanceof BridgeFailure) return err.status ? { message: err.message, status: err.status } : { message: err.message };
  if (err instanceof Error) return { message: err.message };
  return { message: String(err) };
}
