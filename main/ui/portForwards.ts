// Port forwards the UI started: each listens on 127.0.0.1 only (the port the
// user gave, or a free one) and sends every connection it accepts to the
// pod's port through the API (PodStreams.portForward), one WebSocket per
// connection. A connection the API or the node refuses is closed, and its
// reason shown on the forward. A forward ends when the user stops it, when
// its pod goes (as kubectl port-forward's "lost connection to pod"), or with
// its bridge session (window closed, cluster or context switched).

import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { BridgeEvents, PortForwardInfo, PortForwardRequest } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { BridgeFailure, toBridgeError } from './bridgeError.ts';
import { whenPodGone } from './podGone.ts';
import type { PodStreams } from './podStreams.ts';

type Emit = (payload: BridgeEvents['portForward']) => void;

interface Forward {
  info: PortForwardInfo;
  server: Server;
  links: Set<{ local: Socket; tunnel?: Duplex }>;
  pod: { stop(): void };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new BridgeFailure(`127.0.0.1:${port} is already in use on this machine: choose another local port, or leave it empty for a free one`));
      else if (err.code === 'EACCES') reject(new BridgeFailure(`PodLab may not listen on 127.0.0.1:${port} (ports below 1024 need privileges): choose a port from 1024 up, or leave it empty`));
      else reject(err);
    });
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

export class PortForwards {
  private readonly forwards = new Map<string, Forward>();

  constructor(private readonly emit: Emit) {}

  async start(client: KubeClient, streams: PodStreams, request: PortForwardRequest): Promise<PortForwardInfo> {
    const pods = client.resource({ group: '', version: 'v1', plural: 'pods' });
    const pod: KubeObject = await pods.get(request.namespace, request.pod);
    // kubectl port-forward's check: a pod that is not running has no port to reach.
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase !== 'Running') throw new BridgeFailure(`unable to forward port because pod is not running. Current status=${phase ?? 'Unknown'}`);
    const server = createServer({ pauseOnConnect: true });
    const localPort = await listen(server, request.localPort ?? 0);
    const forwardId = randomUUID();
    const forward: Forward = {
      info: { forwardId, namespace: request.namespace, pod: request.pod, port: request.port, localPort, url: `http://127.0.0.1:${localPort}`, connections: 0, totalConnections: 0 },
      server,
      links: new Set(),
      pod: whenPodGone(pods, pod, () => {
        forward.info.error = toBridgeError(new BridgeFailure(`lost connection to pod: ${request.namespace}/${request.pod} was deleted or replaced; start a forward to the pod that runs now`));
        void this.stop(forwardId);
      }),
    };
    this.forwards.set(forwardId, forward);
    server.on('connection', (local) => this.connect(forward, streams, local));
    // An accept that fails (too many open files) is shown on the forward; unheard, it would end the app's process.
    server.on('error', (err) => {
      forward.info.error = toBridgeError(err);
      this.changed(forward);
    });
    return { ...forward.info };
  }

  private connect(forward: Forward, streams: PodStreams, local: Socket): void {
    const link: { local: Socket; tunnel?: Duplex } = { local };
    forward.links.add(link);
    forward.info.connections++;
    forward.info.totalConnections++;
    this.changed(forward);
    local.on('error', () => local.destroy());
    local.once('close', () => {
      link.tunnel?.destroy();
      if (forward.links.delete(link)) {
        forward.info.connections--;
        this.changed(forward);
      }
    });
    streams.portForward(forward.info.namespace, forward.info.pod, forward.info.port).then(
      (tunnel) => {
        if (local.destroyed || !this.forwards.has(forward.info.forwardId)) return void tunnel.destroy();
        link.tunnel = tunnel;
        tunnel.on('error', (err) => this.failed(forward, local, err));
        tunnel.pipe(local);
        local.pipe(tunnel);
        local.resume();
      },
      (err: unknown) => this.failed(forward, local, err),
    );
  }

  /** The connection's end: the person's program sees the socket close, the forward shows why. */
  private failed(forward: Forward, local: Socket, err: unknown): void {
    forward.info.error = toBridgeError(err);
    local.end();
    // Reading again lets the client's own close arrive, so the socket goes.
    local.resume();
    this.changed(forward);
  }

  private changed(forward: Forward): void {
    if (this.forwards.has(forward.info.forwardId)) this.emit({ forward: { ...forward.info } });
  }

  list(namespace?: string, pod?: string): PortForwardInfo[] {
    return [...this.forwards.values()].map((f) => ({ ...f.info })).filter((f) => (!namespace || f.namespace === namespace) && (!pod || f.pod === pod));
  }

  async stop(forwardId: string): Promise<void> {
    const forward = this.forwards.get(forwardId);
    if (!forward) return;
    this.forwards.delete(forwardId);
    forward.pod.stop();
    const closed = new Promise<void>((resolve) => forward.server.close(() => resolve()));
    for (const link of forward.links) {
      link.tunnel?.destroy();
      link.local.destroy();
    }
    forward.links.clear();
    forward.info.connections = 0;
    this.emit({ forward: { ...forward.info }, ended: true });
    await closed;
  }

  stopAll(): Promise<void> {
    return Promise.all([...this.forwards.keys()].map((id) => this.stop(id))).then(() => undefined);
  }
}
