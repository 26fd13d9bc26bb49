// pods/portforward: one SPDY/3.1 session per request, reached through a
// WebSocket tunnel or a direct SPDY upgrade (portForwardTransport.ts), with
// the kubelet's stream-pair protocol on top (portForwardRequests.ts). The
// session ends when the client goes, or when the pod does: its sandbox
// stopping or removed closes the session (GOAWAY, then the end of the
// connection), which kubectl reports as "lost connection to pod".

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectHandler } from '../../apiserver/dispatcher.ts';
import { errors } from '../../apiserver/errors.ts';
import { acceptPortForwardTransport, choosePortForwardTransport } from './portForwardTransport.ts';
import { PortForwardRequests } from './portForwardRequests.ts';
import type { SandboxTarget } from './podSandboxTarget.ts';
import { SpdySession } from './spdy/session.ts';

export class PortForward implements ConnectHandler {
  /** The sandbox is looked up only for an upgrade: as in Kubernetes, a plain request is refused before the pod's node is asked anything. */
  constructor(private readonly findTarget: () => Promise<SandboxTarget>) {}

  serve(_req: IncomingMessage, _res: ServerResponse): void {
    throw errors.badRequest('Upgrade request required');
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const target = await this.findTarget();
    const choice = choosePortForwardTransport(req);
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
}
