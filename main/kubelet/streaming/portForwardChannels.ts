// Port forwarding over the plain WebSocket channel protocol, as non-Go
// clients use it (the JavaScript client's PortForward, the Python client's
// portforward): kube-apiserver hands such a request to the kubelet, whose
// server (pkg/kubelet/cri/streaming/portforward/websocket.go) answers it.
// The ports come from the query (`?ports=8080,9090`); port i has two
// channels, data 2i and error 2i+1, and the first message on each is the
// port as two little-endian bytes. Each port gets one connection to the pod:
// what the client writes on the data channel goes to it and what the pod
// answers comes back there; a failure is written as text on the error
// channel. When every port's connection is over, the WebSocket closes.

import type { Socket } from 'node:net';
import { errors } from '../../apiserver/errors.ts';
import { PROTOCOL_V4, PROTOCOL_V4_BASE64, type ChannelConnection, type ChannelProtocol } from './channelConnection.ts';
import { socketErrorText, type PortForwardTarget } from './portForwardRequests.ts';

/** The kubelet's choices: the client may offer none (binary then), v4 or its base64 variant. */
export const PORT_FORWARD_CHANNEL_PROTOCOLS: Record<string, ChannelProtocol> = {
  '': { binary: true },
  [PROTOCOL_V4]: { binary: true },
  [PROTOCOL_V4_BASE64]: { binary: false },
};

/** After the pod closes its side, the node waits this long for the client's before closing (containerd's portForward). */
const CLOSE_GRACE_MS = 1000;

/**
 * PodPortForwardOptions.ports as kube-apiserver decodes it
 * (Convert_Slice_string_To_Slice_int32: repeated parameters and comma lists,
 * each a 16-bit unsigned number). A value that does not parse is a 400.
 */
export function parsePortForwardPorts(query: URLSearchParams): number[] {
  const ports: number[] = [];
  for (const value of query.getAll('ports')) {
    for (const part of value.split(',')) {
      if (!/^\d+$/.test(part)) throw errors.badRequest(`cannot convert to []int32: strconv.ParseUint: parsing ${JSON.stringify(part)}: invalid syntax`);
      if (Number(part) > 65535) throw errors.badRequest(`cannot convert to []int32: strconv.ParseUint: parsing ${JSON.stringify(part)}: value out of range`);
      ports.push(Number(part));
    }
  }
  return ports;
}

/** NewV4Options: a WebSocket request must name its ports, each above 0. */
export function checkChannelPorts(ports: number[]): void {
  if (ports.length === 0) throw errors.badRequest('query parameter "port" is required');
  const zero = ports.find((port) => port < 1);
  if (zero !== undefined) throw errors.badRequest(`port "${zero}" must be > 0`);
}

/** The channels the client writes: each port's data channel. */
export function dataChannels(ports: number[]): number[] {
  return ports.map((_, i) => 2 * i);
}

/** Serves every port at once; resolves once all are over and the WebSocket is closed. */
export async function forwardChannels(connection: ChannelConnection, target: PortForwardTarget, ports: number[]): Promise<void> {
  await Promise.all(ports.map((port, i) => forwardPort(connection, target, port, 2 * i, 2 * i + 1)));
  connection.close();
  await connection.done;
}

async function forwardPort(connection: ChannelConnection, target: PortForwardTarget, port: number, data: number, error: number): Promise<void> {
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16LE(port);
  void connection.send(data, portBytes);
  void connection.send(error, portBytes);
  const failure = await connect(connection, target, port, data);
  if (failure) await connection.send(error, Buffer.from(`error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: ${failure}`));
}

/** Dials the pod's port and copies both ways until the connection is over; what went wrong, if anything. */
async function connect(connection: ChannelConnection, target: PortForwardTarget, port: number, data: number): Promise<string | undefined> {
  const input = connection.input(data);
  let socket: Socket;
  try {
    socket = await target.dial(port);
  } catch (error) {
    input.resume();
    return (error as Error).message;
  }
  if (!connection.isOpen) {
    socket.destroy();
    return undefined;
  }
  return new Promise((resolve) => {
    let failure: Error | undefined;
    socket.on('error', (error) => (failure ??= error));
    // The client's end (it closed the WebSocket) ends the pod connection; v4 has no half-close.
    input.pipe(socket);
    const closeSoon = () => setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    // The pod closed its side (or the socket failed): the client gets a moment to finish its own, then the connection goes.
    void connection.forward(socket, data, true).then(closeSoon, closeSoon);
    void connection.done.then(() => socket.destroy());
    socket.once('close', () => {
      input.unpipe(socket);
      input.resume();
      resolve(failure && `read: ${socketErrorText(failure)}`);
    });
  });
}
