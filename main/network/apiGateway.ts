// How pods reach the API server, which listens on 127.0.0.1 only: the add-on
// proxies the `kubernetes` Service to an address the host answers on from the
// cluster network.
// - Linux: the cluster network's gateway is the host's own address on that
//   bridge. PodLab listens there, on that address only (never 0.0.0.0), and
//   passes the bytes on to the API server (TLS stays end to end).
// - Docker Desktop: containers cannot reach the host's bridge addresses, but
//   the documented name host.docker.internal reaches the host's loopback
//   listeners, so no extra listener is needed.

import type Docker from 'dockerode';
import { createServer, type Server, type Socket } from 'node:net';
import { dialTcp, splice } from '../addon/splice.ts';

export const DOCKER_DESKTOP_HOST = 'host.docker.internal';

export interface ApiGateway {
  /** Where the add-on connects for the `kubernetes` Service: an address or a host name. */
  address: string;
  port: number;
  /** Why pods cannot reach the API server here (the gateway is not this machine's address: a rootless or remote engine). */
  unavailable?: string;
  stop(): Promise<void>;
}

export async function isDockerDesktop(docker: Docker): Promise<boolean> {
  const info = (await docker.info()) as { OperatingSystem?: string; Name?: string };
  return /Docker Desktop/i.test(info.OperatingSystem ?? '') || info.Name === 'docker-desktop';
}

/**
 * Starts what the `kubernetes` Service needs on this machine. On Linux the
 * listener takes the API server's port on the gateway when it is free,
 * another port otherwise.
 */
export async function startApiGateway(docker: Docker, gateway: string, apiPort: number): Promise<ApiGateway> {
  if (await isDockerDesktop(docker)) return { address: DOCKER_DESKTOP_HOST, port: apiPort, stop: async () => undefined };
  // Pods keep their connections to the API server open (keep-alive, watches): stopping ends them, or close would wait for ever.
  const clients = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (client) => {
    clients.add(client);
    client.once('close', () => clients.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    dialTcp({ address: '127.0.0.1', port: apiPort }).then(
      (upstream) => splice(client, upstream),
      () => client.destroy(),
    );
  });
  let port: number;
  try {
    port = await listen(server, gateway, apiPort).catch(() => listen(server, gateway, 0));
  } catch (error) {
    // Everything else in the cluster works without it: say so rather than fail.
    return { address: gateway, port: apiPort, unavailable: `pods cannot reach the API server: listening on the cluster network's gateway ${gateway} failed (${(error as Error).message})`, stop: async () => undefined };
  }
  return {
    address: gateway,
    port,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const client of clients) client.destroy();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
