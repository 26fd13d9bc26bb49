// Joining two TCP connections, and dialing the first of several targets that
// answers. Every proxy in PodLab (the add-on's ClusterIP proxy and tunnel, the
// host service proxy, port forwarding) moves bytes this way.

import { connect, type Socket } from 'node:net';

export const CONNECT_TIMEOUT_MS = 5000;

/** Opens a connection; rejects when it fails or takes longer than the timeout. */
export type Dial<T> = (target: T) => Promise<Socket>;

/** Plain TCP to `address:port`; a host name is resolved by the system resolver. */
export function dialTcp(target: { address: string; port: number }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.address, port: target.port, allowHalfOpen: true });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`connecting to ${target.address}:${target.port} timed out`)));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** The first target, in order, that accepts; the last error when none does. */
export async function dialFirst<T>(targets: T[], dial: Dial<T>): Promise<Socket> {
  let lastError: unknown = new Error('no endpoints available');
  for (const target of targets) {
    try {
      return await dial(target);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Pipes both ways. A half-close travels on (a client that sends its request
 * and then shuts its side still gets the answer), so both sockets must allow
 * half-open connections; an error on either side destroys both.
 */
export function splice(a: Socket, b: Socket): void {
  const destroyBoth = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', destroyBoth);
  b.on('error', destroyBoth);
  a.on('close', () => b.end());
  b.on('close', () => a.end());
  a.pipe(b);
  b.pipe(a);
}
