// pods/portforward: one SPDY/3.1 session per request, reached through a
// WebSocket tunnel or a direct SPDY upgrade (portForwardTransport.ts), with
// the kubelet's stream-pair protocol on top (portForwardRequests.ts); or the
// WebSocket channel protocol with the ports in the query
// (portForwardChannels.ts). The session ends when the client goes, or when
// the pod does: its sandbox stopping or removed closes the session (GOAWAY,
// then the end of the connection), which kubectl reports as "lost
// connection to pod".

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectHandler } from '../../apiserver/dispatcher.ts';
import { errors } from '../../apiserver/errors.ts';
import { acceptPortForwardTransport, choosePortForwardTransport } from './portForwardTransport.ts';
import { PortForwardRequests } from './portForwardRequests.ts';
import { acceptChannels } from './channelConnection.ts';
import { checkChannelPorts, dataChannels, forwardChannels, PORT_FORWARD_CHANNEL_PROTOCOLS } from './portForwardChannels.ts';
import type { SandboxTarget } from './podSandboxTarget.ts';
import { SpdySession } from './spdy/session.ts';

export class PortForward implements ConnectHandler {
  /** The sandbox is looked up only for an upgrade: as in Kubernetes, a plain request is refused before the pod's node is asked anything. */
  constructor(
    private readonly findTarget: () => Promise<SandboxTarget>,
    /** `?ports=`: what a channel-protocol client forwards (SPDY clients name ports per stream instead). */
    private readonly ports: number[] = [],
  ) {}

  serve(_req: IncomingMessage, _res: ServerResponse): void {
    throw errors.badRequest('Upgrade request required');
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const choice = choosePortForwardTransport(req);
    if (choice.kind === 'channels') {
      await this.forwardChannels(req, socket, head);
      return;
    }
    const target = await this.findTarget();
    const transport = await acceptPortForwardTransport(req, socket, head, choice);
    const requests = new PortForwardRequests(target);
    const session = new SpdySession(transport, {
      accept: (headers) => requests.accept(headers),
      onStream: (stream) => requests.add(stream),
    });
    const watch = new AbortController();
    void target.ended(watch.signal).then((ended) => ended && session.shutdown());
    await session.done;
    watch.abort();
    requests.close();
  }

  private async forwardChannels(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    checkChannelPorts(this.ports);
    const target = await this.findTarget();
    const connection = await acceptChannels(req, socket, head, PORT_FORWARD_CHANNEL_PROTOCOLS, dataChannels(this.ports));
    const watch = new AbortController();
    // The pod's network goes with its sandbox: its connections end, and so does the WebSocket.
    void target.ended(watch.signal).then((ended) => ended && connection.close());
    await forwardChannels(connection, target, this.ports);
    watch.abort();
  }
}
