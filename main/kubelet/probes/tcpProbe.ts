// tcpSocket probes, as pkg/probe/tcp: success when a connection opens,
// failure (with the dial error) when it does not.
//
// Through a published port the connection is first accepted by Docker's
// port proxy (docker-proxy, Docker Desktop's forwarder, rootlesskit), which
// then closes it when nothing listens in the pod. So a connection that the
// far end closes within `settleMs`, before sending anything, counts as
// refused. A server that really accepts and at once hangs up without a word
// is misread the same way; that is rare next to a port nobody listens on.

import { connect, type Socket } from 'node:net';
import type { Probe } from '../types.ts';
import { resolveContainerPort } from './containerPort.ts';
import { connectionRefused, dialErrorMessage, ioTimeout } from './goNetErrors.ts';
import { dialInPod } from './inPodConnection.ts';
import { failure, probeError, success, type ProbeOutput } from './probeOutput.ts';
import { routeTo, type ProbeTarget } from './probeTarget.ts';
import type { HostEndpoint } from './podNetwork.ts';

export async function probeTcp(action: NonNullable<Probe['tcpSocket']>, target: ProbeTarget): Promise<ProbeOutput> {
  const resolved = resolveContainerPort(action.port, target.container);
  if ('error' in resolved) return probeError(resolved.error);
  const route = routeTo(target, action.host, resolved.port);
  switch (route.kind) {
    case 'unreachable':
      return probeError(route.error);
    case 'inPod': {
      const reply = await dialInPod({ runtime: target.runtime, containerId: target.containerId, host: route.host, port: route.port, timeoutMs: target.timeoutMs });
      if (reply.kind === 'connected') return success();
      if (reply.kind === 'refused') return failure(connectionRefused(route.address));
      if (reply.kind === 'timeout') return failure(ioTimeout(route.address));
      return probeError(reply.message);
    }
    case 'direct':
      try {
        await openAndClose(route.endpoint, target.timeoutMs, route.proxied ? target.settleMs : 0, target.signal);
        return success();
      } catch (error) {
        return failure(dialErrorMessage(route.address, error));
      }
  }
}

/** Resolves once a connection is open (and stayed open `settleMs`); rejects with the socket's error, ETIMEDOUT or ECONNREFUSED. */
export function openAndClose(endpoint: HostEndpoint, timeoutMs: number, settleMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: endpoint.host, port: endpoint.port });
    let settling = false;
    let settled = false;
    let settleTimer: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(settleTimer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const fail = (message: string, code: string) => finish(Object.assign(new Error(message), { code }));
    const onAbort = () => fail('operation was canceled', 'ABORT_ERR');
    const deadline = setTimeout(() => fail('i/o timeout', 'ETIMEDOUT'), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    // Once connected, any hang-up before data is the proxy's: nothing listens behind it.
    const hungUp = () => fail('connection refused', 'ECONNREFUSED');
    socket.on('error', (error) => (settling ? hungUp() : finish(error)));
    socket.once('connect', () => {
      if (settleMs <= 0) return finish();
      settling = true;
      settleTimer = setTimeout(() => finish(), settleMs);
      socket.once('data', () => finish());
      socket.once('end', hungUp);
      socket.once('close', hungUp);
    });
  });
}
