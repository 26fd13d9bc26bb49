// How a port-forward client reaches the SPDY session, chosen from its upgrade
// request before the socket is taken (so refusals are Status responses):
//
// - WebSocket with subprotocol `SPDY/3.1+portforward.k8s.io`: kubectl 1.31 and
//   newer (PortForwardWebsockets). SPDY frames ride in binary messages; the
//   answer names the tunneled protocol the way kube-apiserver's
//   TunnelingHandler does (staging/src/k8s.io/apiserver/pkg/util/proxy/streamtunnel.go).
// - `Connection: Upgrade`, `Upgrade: SPDY/3.1` with X-Stream-Protocol-Version
//   `portforward.k8s.io`: older kubectl, client-go's SPDY dialer, and kubectl's
//   own fallback when the WebSocket upgrade fails. The answer is the kubelet's
//   (httpstream.Handshake, then spdy's UpgradeResponse).
// - WebSocket with none of those: the channel protocol (`v4.channel.k8s.io`,
//   its base64 variant, or none offered) that the kubelet serves and non-Go
//   clients speak (portForwardChannels.ts).

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { errors, StatusError } from '../../apiserver/errors.ts';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols } from './webSocketUpgrade.ts';
import { WebSocketTunnel } from './webSocketTunnel.ts';
import { chooseProtocol } from './channelConnection.ts';
import { PORT_FORWARD_CHANNEL_PROTOCOLS } from './portForwardChannels.ts';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const TUNNELING_PREFIX = 'SPDY/3.1+';
const SPDY_UPGRADE = 'SPDY/3.1';
const PROTOCOL_HEADER = 'x-stream-protocol-version';

export type PortForwardTransport = { kind: 'websocket'; protocol: string } | { kind: 'spdy'; protocol: string } | { kind: 'channels'; protocol: string };

/** Throws the Status the client gets when its request cannot become a port-forward session. */
export function choosePortForwardTransport(req: IncomingMessage): PortForwardTransport {
  if (isWebSocketUpgrade(req)) {
    // As the TunnelingHandler: the offered SPDY/3.1+*.k8s.io protocols, then the kubelet's negotiation among them.
    const offered = offeredProtocols(req);
    // kube-apiserver tunnels only requests that offer a SPDY/3.1+ protocol; the others go to the kubelet's channel server.
    if (!offered.some((p) => p.startsWith(TUNNELING_PREFIX))) return { kind: 'channels', protocol: chooseProtocol(req, PORT_FORWARD_CHANNEL_PROTOCOLS) };
    const tunneled = offered.filter((p) => p.startsWith(TUNNELING_PREFIX) && p.endsWith('.k8s.io')).map((p) => p.slice(TUNNELING_PREFIX.length));
    if (tunneled.length === 0) throw errors.badRequest('unable to upgrade: no tunneling spdy protocols provided');
    return { kind: 'websocket', protocol: TUNNELING_PREFIX + negotiate(tunneled) };
  }
  const connection = (req.headers.connection ?? '').toLowerCase();
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  if (!connection.includes('upgrade') || !upgrade.includes(SPDY_UPGRADE.toLowerCase())) {
    throw errors.badRequest(`unable to upgrade: port forwarding needs an upgrade to ${SPDY_UPGRADE} or a WebSocket tunneling ${TUNNELING_PREFIX}${PORT_FORWARD_PROTOCOL}, not ${req.headers.upgrade ?? 'a plain request'}`);
  }
  const offered = (req.headersDistinct[PROTOCOL_HEADER] ?? [])
    .flatMap((value) => value.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (offered.length === 0) throw errors.badRequest('unable to upgrade: X-Stream-Protocol-Version is required');
  return { kind: 'spdy', protocol: negotiate(offered) };
}

function negotiate(offered: string[]): string {
  if (offered.includes(PORT_FORWARD_PROTOCOL)) return PORT_FORWARD_PROTOCOL;
  throw new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason: 'Forbidden',
    message: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORT_FORWARD_PROTOCOL}]`,
    code: 403,
  });
}

/** Completes the upgrade: the byte stream the SPDY session runs on. */
export async function acceptPortForwardTransport(req: IncomingMessage, socket: Duplex, head: Buffer, transport: PortForwardTransport & { kind: 'websocket' | 'spdy' }): Promise<Duplex> {
  if (transport.kind === 'websocket') return new WebSocketTunnel(await acceptWebSocket(req, socket, head, transport.protocol));
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SPDY_UPGRADE}\r\nX-Stream-Protocol-Version: ${transport.protocol}\r\n\r\n`);
  // Whatever the client sent after its request (Node read it with the headers) is already SPDY.
  if (head.length) socket.unshift(head);
  return socket;
}
