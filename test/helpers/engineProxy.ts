// A unix socket forwarding to the Docker engine's, which a test cuts (the
// engine gone, as when Docker Desktop restarts) and opens again. The engine
// is shared with other tests, so it is never stopped itself: PodLab talks to
// it through this proxy (a Docker client on `path`, or DOCKER_HOST=`url`).

import { connect, createServer, type Server, type Socket } from 'node:net';

const ENGINE_SOCKET = '/var/run/docker.sock';

export class EngineProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly path: string) {}

  /** DOCKER_HOST for a process that should reach the engine through the proxy. */
  get url(): string {
    return `unix://${this.path}`;
  }

  /** Listens on `path` (nothing to do while it already does). */
  open(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = createServer((client) => {
      const upstream = connect(ENGINE_SOCKET);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, resolve);
    });
  }

  /** Drops every connection and refuses new ones (connecting then fails as with a stopped engine). */
  async cut(): Promise<void> {
    // close() waits for open connections (the event stream never ends): drop them first.
    const closed = new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
