// Taking over an upgrade request as a WebSocket, for every streaming
// subresource: exec and attach (the channel protocols) and port forwarding
// (SPDY tunneled in binary messages). Each caller picks its subprotocol from
// what the client offers before the socket is taken, so a refusal is still an
// ordinary Status response; the handshake then answers with that choice.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { lazyModule } from '../../lazyModule.ts';

const chosen = new WeakMap<IncomingMessage, string>();

// Made (and ws loaded) at the first upgrade, not when PodLab starts: the API server answers before anything needs it.
const wsPackage = lazyModule<{ WebSocketServer: typeof WebSocketServer }>('ws');
let websockets: WebSocketServer | undefined;

function websocketServer(): WebSocketServer {
  if (websockets) return websockets;
  websockets = new (wsPackage().WebSocketServer)({ noServer: true, perMessageDeflate: false, maxPayload: 16 << 20 });
  // ws holds offered subprotocols to RFC 7230's token grammar, and answers 400 to
  // `SPDY/3.1+portforward.k8s.io` ('/' is a separator); gorilla/websocket, what
  // Kubernetes serves with, does not check. So ws never sees the offer (see
  // acceptWebSocket), and the choice goes into its answer here.
  websockets.on('headers', (headers: string[], req: IncomingMessage) => {
    const protocol = chosen.get(req);
    if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
  });
  return websockets;
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** Sec-WebSocket-Protocol, in the client's order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Completes the handshake, answering with `protocol` (one the client offered). */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  chosen.set(req, protocol);
  delete req.headers['sec-websocket-protocol'];
  return new Promise((resolve) => websocketServer().handleUpgrade(req, socket, head, (ws) => resolve(ws)));
}
