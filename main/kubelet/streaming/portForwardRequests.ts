// The kubelet's port-forward protocol on a SPDY session
// (pkg/kubelet/cri/streaming/portforward/httpstream.go): every forwarded
// connection is a pair of streams the client opens, with headers
// `streamtype: error|data`, `port` and `requestid`. Once both streams of a
// request have arrived, the pod's port is dialed and joined to the data
// stream; a failure is written as text on the error stream, which is then
// closed (kubectl prints that text: "an error occurred forwarding 8080 -> 80:
// error forwarding port 80 to pod <sandbox>, uid : ..."). A pair whose second
// stream does not come within the stream creation timeout is given up.

import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { headerValue, type SpdyHeaders } from './spdy/headerBlock.ts';
import type { SpdyStream } from './spdy/stream.ts';

/** The kubelet's default streamCreationTimeout. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

const HEADER_STREAM_TYPE = 'streamtype';
const HEADER_PORT = 'port';
const HEADER_REQUEST_ID = 'requestid';

export interface PortForwardTarget {
  /** The pod as the node's streaming server names it in errors: its sandbox ID (the CRI streaming server passes no UID). */
  pod: string;
  uid: string;
  /** A connection to the pod's port, or an error saying why not (dialError wording). */
  dial(port: number): Promise<Socket>;
}

interface StreamPair {
  requestId: string;
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

export class PortForwardRequests {
  private readonly pairs = new Map<string, StreamPair>();
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly target: PortForwardTarget,
    private readonly creationTimeoutMs = STREAM_CREATION_TIMEOUT_MS,
  ) {}

  /** httpStreamReceived: a stream without a valid port or stream type is refused. */
  accept(headers: SpdyHeaders): string | undefined {
    const port = headerValue(headers, HEADER_PORT);
    if (!port) return `"${HEADER_PORT}" header is required`;
    if (!/^\d+$/.test(port) || Number(port) > 65535) return `unable to parse "${port}" as a port`;
    if (Number(port) < 1) return `port "${port}" must be > 0`;
    const type = headerValue(headers, HEADER_STREAM_TYPE);
    if (!type) return `"${HEADER_STREAM_TYPE}" header is required`;
    if (type !== 'error' && type !== 'data') return `invalid stream type "${type}"`;
    return undefined;
  }

  add(stream: SpdyStream): void {
    // Neither stream of a pair is ever read for anything but the forward: a reset must not become an unhandled error.
    stream.on('error', () => undefined);
    const requestId = this.requestIdOf(stream);
    let pair = this.pairs.get(requestId);
    if (!pair) {
      pair = { requestId, timer: setTimeout(() => this.expire(requestId), this.creationTimeoutMs) };
      this.pairs.set(requestId, pair);
    }
    const type = headerValue(stream.headers, HEADER_STREAM_TYPE) as 'data' | 'error';
    if (pair[type]) {
      writeError(pair.error, `error processing stream for request ${requestId}: ${type} stream already assigned`);
      stream.destroy();
      return;
    }
    pair[type] = stream;
    // The client sends nothing on the error stream (kubectl closes its side at once): whatever comes is dropped.
    if (type === 'error') stream.resume();
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      this.pairs.delete(requestId);
      void this.forward(pair.data, pair.error);
    }
  }

  /** The session is over: pending pairs and open connections go with it. */
  close(): void {
    for (const pair of this.pairs.values()) clearTimeout(pair.timer);
    this.pairs.clear();
    for (const socket of this.sockets) socket.destroy();
  }

  /** Clients older than the requestid header: the kubelet's best guess from consecutive stream IDs. */
  private requestIdOf(stream: SpdyStream): string {
    const given = headerValue(stream.headers, HEADER_REQUEST_ID);
    if (given) return given;
    return String(headerValue(stream.headers, HEADER_STREAM_TYPE) === 'error' ? stream.id : stream.id - 2);
  }

  private expire(requestId: string): void {
    const pair = this.pairs.get(requestId);
    if (!pair) return;
    this.pairs.delete(requestId);
    writeError(pair.error, `timed out waiting for streams of request ${requestId}`);
    pair.error?.end();
    pair.data?.destroy();
  }

  private async forward(data: SpdyStream, error: SpdyStream): Promise<void> {
    const port = Number(headerValue(data.headers, HEADER_PORT));
    const failure = await this.connect(port, data);
    if (failure) writeError(error, `error forwarding port ${port} to pod ${this.target.pod}, uid ${this.target.uid}: ${failure}`);
    if (!data.destroyed && !data.writableEnded) data.end();
    if (!error.destroyed && !error.writableEnded) error.end();
  }

  /** Dials and joins until the pod's side is done; what went wrong, if anything. */
  private async connect(port: number, data: SpdyStream): Promise<string | undefined> {
    let socket: Socket;
    try {
      socket = await this.target.dial(port);
    } catch (error) {
      return (error as Error).message;
    }
    if (data.destroyed) {
      socket.destroy();
      return undefined;
    }
    this.sockets.add(socket);
    const failure = await join(data, socket);
    this.sockets.delete(socket);
    return failure && `read: ${socketErrorText(failure)}`;
  }
}

/**
 * Copies both ways, a half-close passing on in each direction. Done when
 * either side is closed for good: the pod's connection (after its FIN and
 * ours, or an error) or the stream (reset by the client).
 */
function join(data: Duplex, socket: Socket): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let failure: Error | undefined;
    socket.on('error', (error) => (failure ??= error));
    data.pipe(socket);
    socket.pipe(data);
    const finished = () => {
      socket.off('close', finished);
      data.off('close', finished);
      data.unpipe(socket);
      socket.destroy();
      resolve(failure);
    };
    socket.once('close', finished);
    data.once('close', finished);
  });
}

function writeError(stream: SpdyStream | undefined, message: string): void {
  if (stream && !stream.destroyed && !stream.writableEnded) stream.write(message);
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'i/o timeout',
  EPIPE: 'broken pipe',
};

/**
 * A socket error in the words of Go's net package (`connection refused`),
 * which kubectl users know from the kubelet, when Node's errno code (or its
 * `connect ECONNREFUSED ...` text, relayed by the add-on's tunnel) says which;
 * Node's message otherwise.
 */
export function socketErrorText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code ?? /\b(E[A-Z]+)\b/.exec(error.message)?.[1];
  return (code && ERRNO_TEXT[code]) || error.message;
}
