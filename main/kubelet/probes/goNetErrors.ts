// Probe messages name what Kubernetes would have dialed (the pod IP and the
// container port) in Go's words, not the loopback port PodLab actually
// connects to in Node's: users compare them with what a real cluster prints,
// and search the web for them.

/** net.JoinHostPort: IPv6 literals in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export const connectionRefused = (address: string) => `dial tcp ${address}: connect: connection refused`;
export const ioTimeout = (address: string) => `dial tcp ${address}: i/o timeout`;

/** A failed dial to `address` (host:port) as Go's net.OpError prints it. */
export function dialErrorMessage(address: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return connectionRefused(address);
    case 'ETIMEDOUT':
      return ioTimeout(address);
    case 'EHOSTUNREACH':
      return `dial tcp ${address}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${address}: connect: network is unreachable`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN': {
      const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
      return `dial tcp: lookup ${host}: no such host`;
    }
    default:
      return `dial tcp ${address}: ${(error as Error | undefined)?.message ?? String(error)}`;
  }
}
