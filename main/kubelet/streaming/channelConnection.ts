// The WebSocket channel subprotocols of exec, attach and port forwarding
// (k8s.io/apimachinery/pkg/util/httpstream/wsstream, remotecommand v4/v5).
// Every message starts with its channel: for exec and attach 0 stdin,
// 1 stdout, 2 stderr, 3 error (one metav1.Status at the end), 4 resize (JSON
// terminal sizes); for port forwarding a data and an error channel per port.
// v5.channel.k8s.io adds the message [255, channel]: the client closed that
// channel, which for stdin is EOF. The server ends a session as
// kube-apiserver does: status on channel 3, then a normal close, and the
// client closes once it has read everything.
//
// Like wsstream (golang.org/x/net/websocket's Message.Receive), the server
// reads text and binary messages alike: the Python client sends text frames
// whose first character is the channel (chr(0) + data). The base64 variants
// (`v4.base64.channel.k8s.io`) carry the channel as an ASCII digit and the
// data base64-encoded, in text messages both ways.
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
export const PROTOCOL_V4_BASE64 = 'v4.base64.channel.k8s.io';

/** How a channel subprotocol frames its messages (wsstream.ChannelProtocolConfig). */
export interface ChannelProtocol {
  /** False: base64.channel.k8s.io framing (ASCII channel digit, base64 data, text messages). */
  binary: boolean;
  /** v5: [255, channel] closes a channel. */
  streamClose?: boolean;
}

/** What exec and attach speak: v5 through kube-apiserver's stream translator, v4 through the kubelet's server. */
export const REMOTE_COMMAND_PROTOCOLS: Record<string, ChannelProtocol> = {
  [PROTOCOL_V5]: { binary: true, streamClose: true },
  [PROTOCOL_V4]: { binary: true },
  [PROTOCOL_V4_BASE64]: { binary: false },
};

/**
 * As wsstream's handshake: the first protocol the client offers that the
 * server serves (clients offer the newest first); a client that offers none
 * gets the '' protocol where the server has one.
 */
function firstSupported(offered: string[], supported: Record<string, ChannelProtocol>): string | undefined {
  // Own keys only: a client offering "constructor" or "toString" is offering nothing this server speaks.
  if (offered.length === 0) return Object.hasOwn(supported, '') ? '' : undefined;
  return offered.find((p) => p !== '' && Object.hasOwn(supported, p));
}

// Output waits for the client past this much unsent data (a slow terminal must not grow memory without bound).
const HIGH_WATER_BYTES = 1 << 20;

/**
 * Checks the upgrade before taking the socket, so a refusal is an ordinary
 * Status response (kubectl then tries its SPDY fallback and prints ours).
 */
export function chooseProtocol(req: IncomingMessage, supported: Record<string, ChannelProtocol> = REMOTE_COMMAND_PROTOCOLS): string {
  const names = Object.keys(supported).filter(Boolean);
  if (!isWebSocketUpgrade(req)) {
    throw errors.badRequest(
      `PodLab serves exec and attach over WebSocket (${names.join(', ')}), not ${req.headers.upgrade ?? 'a plain request'}: use kubectl 1.30 or newer, or a client that speaks the WebSocket channel protocols`,
    );
  }
  const offered = offeredProtocols(req);
  const chosen = firstSupported(offered, supported);
  if (chosen === undefined) throw errors.badRequest(`requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${names.join(' ')}]`);
  return chosen;
}

/**
 * Completes the upgrade; call chooseProtocol first. `inputs` are the
 * channels the client writes (exec: stdin and resize); what it sends on
 * others is dropped, as wsstream drops writes to its write-only channels.
 */
export async function acceptChannels(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  supported: Record<string, ChannelProtocol> = REMOTE_COMMAND_PROTOCOLS,
  inputs: number[] = [STREAM_STDIN, STREAM_RESIZE],
): Promise<ChannelConnection> {
  const protocol = chooseProtocol(req, supported);
  return new ChannelConnection(await acceptWebSocket(req, socket, head, protocol), protocol, supported[protocol]!, inputs);
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
    /** The channel subprotocol agreed on ('' when the client offered none). */
    readonly protocol: string,
    private readonly framing: ChannelProtocol = REMOTE_COMMAND_PROTOCOLS[protocol] ?? { binary: true },
    inputs: number[] = [STREAM_STDIN, STREAM_RESIZE],
  ) {
    for (const channel of inputs) this.inputs.set(channel, new ChannelInput(() => ws.resume()));
    ws.on('message', (data) => this.receive(data));
    // A reset connection is the same as a closed one here; without a listener it would throw.
    ws.on('error', () => ws.terminate());
    this.closed = new Promise((resolve) =>
      ws.once('close', () => {
        for (const input of this.inputs.values()) input.end();
        resolve();
      }),
    );
  }

  /** Data the client sends on one of its input channels; ends on the client's close signal (v5) or when the connection ends. */
  input(channel: number): Readable {
    const input = this.inputs.get(channel);
    if (!input) throw new Error(`channel ${channel} is not one the client writes`);
    return input;
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
    const message = this.framing.binary ? Buffer.concat([Buffer.from([channel]), data]) : String.fromCharCode(48 + channel) + data.toString('base64');
    return new Promise((resolve) => this.ws.send(message, { binary: this.framing.binary }, () => resolve()));
  }

  /**
   * Copies a runtime stream to a channel until it ends, holding it back while
   * the client lags. `keepOpen` leaves the source undestroyed at its end (a
   * half-closed pod connection that may still be written to).
   */
  async forward(source: Readable, channel: number, keepOpen = false): Promise<void> {
    for await (const chunk of keepOpen ? source.iterator({ destroyOnReturn: false }) : source) {
      const sent = this.send(channel, chunk as Buffer);
      if (this.ws.bufferedAmount > HIGH_WATER_BYTES) await sent;
    }
  }

  /** The Status on the error channel, then a normal close; the client closes after reading it. */
  finish(status: object): void {
    void this.send(STREAM_ERROR, Buffer.from(JSON.stringify(status)));
    if (this.isOpen) this.ws.close(1000);
  }

  /** A normal close with nothing more to say (port forwarding, once every port's connection is over). */
  close(): void {
    if (this.isOpen) this.ws.close(1000);
  }

  /** Drops the connection without a status (the runtime side is gone and nothing is left to say). */
  abort(): void {
    this.ws.terminate();
  }

  /** A message of either kind: a text message's bytes are its UTF-8 text, as Go's Message.Receive reads it into a []byte. */
  private receive(data: RawData): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (bytes.length === 0) return;
    if (bytes[0] === STREAM_CLOSE && this.framing.streamClose) {
      if (bytes.length === 2) this.inputs.get(bytes[1]!)?.end();
      return;
    }
    const channel = this.framing.binary ? bytes[0]! : bytes[0]! - 48;
    // Other channels are the server's to write; wsstream drops what a client sends on them.
    const input = this.inputs.get(channel);
    if (!input) return;
    const payload = this.framing.binary ? bytes.subarray(1) : decodeBase64(bytes.subarray(1));
    // wsstream logs a frame that is not base64 and goes on with the next.
    if (payload && !input.deliver(payload)) this.ws.pause();
  }
}

/** Go's base64.StdEncoding.Decode: padded standard alphabet, or nothing. */
function decodeBase64(text: Buffer): Buffer | undefined {
  const value = text.toString('latin1');
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}
