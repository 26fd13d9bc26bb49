// What the API server answered instead of a stream (a refused log request or
// WebSocket upgrade), as the error a person reads: its Status message, with
// the `kubectl auth can-i` that checks a refused right.

import type WebSocket from 'ws';
import type { Status } from '../../preload/api.ts';
import { BridgeFailure, statusFailure } from './bridgeError.ts';
import { forbiddenMessage, podUpgradeForbiddenMessage } from './forbiddenAdvice.ts';

/** `upgrade`: the pod subresource a WebSocket was refused, whose 403 may not name the right (kube-apiserver's `create` check). */
export function apiFailure(code: number, body: string, upgrade?: { namespace: string; subresource: string }): BridgeFailure {
  try {
    const status = JSON.parse(body) as Status;
    if (status.kind === 'Status') {
      const full = { ...status, message: status.message ?? `HTTP ${code}` };
      return new BridgeFailure(upgrade && code === 403 ? podUpgradeForbiddenMessage(full, upgrade.namespace, upgrade.subresource) : forbiddenMessage(full), status);
    }
  } catch {
    // Not a Status: fall through to the raw answer.
  }
  return statusFailure(code, 'Unknown', body.trim() || `the API server answered HTTP ${code}`);
}

/**
 * A pod subresource's WebSocket whose upgrade the API server refused: `reject`
 * gets its answer as apiFailure says it, and the connection is closed (ws
 * leaves a refused handshake's connection to its caller).
 */
export function rejectRefusedUpgrade(ws: WebSocket, upgrade: { namespace: string; subresource: string }, reject: (err: BridgeFailure) => void): void {
  ws.on('unexpected-response', (_req, res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => {
      reject(apiFailure(res.statusCode ?? 500, body, upgrade));
      ws.terminate();
    });
  });
}
