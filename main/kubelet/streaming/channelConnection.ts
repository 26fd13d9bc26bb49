// The WebSocket side of exec and attach: Kubernetes' channel subprotocols
// (k8s.io/apimachinery/pkg/util/httpstream/wsstream, remotecommand v4/v5).
// Every binary message starts with its channel: 0 stdin, 1 stdout, 2 stderr,
// 3 error (one metav1.Status at the end), 4 resize (JSON terminal sizes).
// v5.channel.k8s.io adds the message [255, channel]: the client closed that
// channel, which for stdin is EOF. The server ends a session as
// kube-apiserver does: status on channel 3, then a normal close, and the
// client closes once it has read everything.
//
// Authentication and authorization happened before this is reached; the
// upgrade is accepted only for the channel subprotocols.

import type { IncomingMessage } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { errors } from '../../apiserver/errors.ts';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols } from './webSocketUpgrade.ts';

export const STREAM_STDIN = 0;
export const STREAM_STDOUT = 1;
export const STREAM_STDERR = 2;
export const STREAM_ERROR = 3;
export const STREAM_RESIZE = 4;
const STREAM_CLOSE = 255;

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
const SUPPORTED_PROTOCOLS = [PROTOCOL_V5, PROTOCOL_V4];

/** As wsstream's handshake: the first protocol the client offers that the server serves (clients offer the newest first). */
function firstSupported(offered: Iterable<string>): string | undefined {
  return [...offered].find((p) => SUPPORTED_PROTOCOLS.includes(p));
}

// Output waits for the client past this much unsent data (a slow terminal must not grow memory without bound).
const HIGH_WATER_BYTES = 1 << 20;

/**
 * Checks the upgrade before taking the socket, so a refusal is an ordinary
 * Status response (kubectl then tries its SPDY fallback and prints ours).
 */
export function chooseProtocol(req: IncomingMessage): string {
  if (!isWebSocketUpgrade(req)) {
    throw errors.badRequest(
      `PodLab serves exec and attach over WebSocket (${SUPPORTED_PROTOCOLS.join(', ')}), not ${req.headers.upgrade ?? 'a plain request'}: use kubectl 1.30 or newer, or a client that speaks the WebSocket channel protocols`,
    );
  }
  const offered = offeredProtocols(req);
  const chosen = firstSupported(offered);
  if (!chosen) throw errors.badRequest(`requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${SUPPORTED_PROTOCOLS.join(' ')}]`);
  return chosen;
}

/** Completes the upgrade; call chooseProtocol first. */
export async function acceptChannels(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<ChannelConnection> {
  const protocol = chooseProtocol(req);
  return new ChannelConnection(await acceptWebSocket(req, socket, head, protocol), protocol);
}

/** A client's input channel as a stream: stdin, or the resize messages. */
class ChannelInput extends Readable {
  private ended = false;

  constructor(private readonly onPull: () => void) {
    super();
  }

  override _read(): void {
    this.onPull();
  }

  /** False when the reader is full: the connection should wait. */
  deliver(chunk: Buffer): boolean {
    return this.ended || this.push(chunk);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.push(null);
  }
}

export class ChannelConnection {
  private readonly inputs = new Map<number, ChannelInput>();
  private readonly closed: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    /** The channel subprotocol agreed on. */
    readonly protocol: string,
  ) {
    for (const channel of [STREAM_STDIN, STREAM_RESIZE]) this.inputs.set(channel, new ChannelInput(() => ws.resume()));
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    // A reset connection is the same as a closed one here; without a listener it would throw.
    ws.on('error', () => ws.terminate());
    this.closed = new Promise((resolve) =>
      ws.once('close', () => {
        for (const input of this.inputs.values()) input.end();
        resolve();
      }),
    );
  }

  /** Data the client sends on stdin or resize; ends on the client's close signal (v5) or when the connection ends. */
  input(channel: typeof STREAM_STDIN | typeof STREAM_RESIZE): Readable {
    return this.inputs.get(channel)!;
  }

  /** Resolves when the connection is gone, whoever ended it. */
  get done(): Promise<void> {
    return this.closed;
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** One message on a channel (the empty one tells the client the session is established); resolves once it is handed to the socket. */
  send(channel: number, data: Buffer = Buffer.alloc(0)): Promise<void> {
    if (!this.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true }, () => resolve()));
  }

  /** Copies a runtime stream to a channel until it ends, holding it back while the client lags. */
  async forward(source: Readable, channel: number): Promise<void> {
    for await (const chunk of source) {
      const sent = this.send(channel, chunk as Buffer);
      if (this.ws.bufferedAmount > HIGH_WATER_BYTES) await sent;
    }
  }

  /** The Status on the error channel, then a normal close; the client closes after reading it. */
  finish(status: object): void {
    void this.send(STREAM_ERROR, Buffer.from(JSON.stringify(status)));
    if (this.isOpen) this.ws.close(1000);
  }

  /** Drops the connection without a status (the runtime side is gone and nothing is left to say). */
  abort(): void {
    this.ws.terminate();
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (!isBinary) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (bytes.length === 0) return;
    const channel = bytes[0]!;
    if (channel === STREAM_CLOSE && this.protocol === PROTOCOL_V5) {
      if (bytes.length === 2) this.inputs.get(bytes[1]!)?.end();
      return;
    }
    // Other channels are the server's to write; wsstream drops what a client sends on them.
    const input = this.inputs.get(channel);
    if (input && !input.deliver(bytes.subarray(1))) this.ws.pause();
  }
}
