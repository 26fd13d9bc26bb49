// The server side of a SPDY/3.1 connection, over any byte stream: the TLS
// socket of a direct `Upgrade: SPDY/3.1`, or a WebSocket whose binary
// messages tunnel the same bytes. The peer opens streams (odd IDs, rising);
// `accept` vets each one's headers and the session answers SYN_REPLY or
// RST_STREAM, as the kubelet's spdy.NewServerConnection does; pings are
// echoed; GOAWAY, RST_STREAM and the transport's end close what they must.
//
// Incoming frames are handled strictly in order (header blocks share one
// zlib context), outgoing ones are queued in order for the same reason, and
// reading the transport pauses while a stream holds more unread data than
// its window: the backpressure a peer without flow control gets (see
// flowControl.ts).

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameParser, GoAwayStatus, RstStatus, SETTINGS_INITIAL_WINDOW_SIZE, SpdyProtocolError, type Frame } from './frames.ts';
import { HeaderBlockError, decodeHeaderBlock, type SpdyHeaders } from './headerBlock.ts';
import { HeaderCompressor, HeaderDecompressor } from './headerCompression.ts';
import { MAX_WINDOW_SIZE, ReceiveWindow, SendFlow } from './flowControl.ts';
import { SpdyStream, type StreamHost } from './stream.ts';

export interface SpdySessionOptions {
  /** Vets a new stream's headers: a reason refuses it (RST_STREAM), undefined accepts it (SYN_REPLY). */
  accept(headers: SpdyHeaders): string | undefined;
  /** An accepted stream, its SYN_REPLY already queued. */
  onStream(stream: SpdyStream): void;
}

/** How long an ended session waits for the peer to close its side of the transport. */
const CLOSE_TIMEOUT_MS = 30_000;

/** The session has ended: nothing more can be sent. */
export class SessionClosedError extends Error {}

export class SpdySession extends EventEmitter implements StreamHost {
  readonly flow = new SendFlow();
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly receiveWindow = new ReceiveWindow();
  private readonly streams = new Map<number, SpdyStream>();
  private lastPeerStreamId = 0;
  private goAwaySent = false;
  private goAwayReceived = false;
  /** shutdown() began: GOAWAY sent, streams reset, the transport ending. */
  private closing = false;
  /** The transport is gone. */
  private ended = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private inbox: Frame[] = [];
  private draining = false;
  private outbox: Promise<unknown> = Promise.resolve();
  private readonly holds = new Set<unknown>();
  readonly done: Promise<void>;

  constructor(
    private readonly transport: Duplex,
    private readonly options: SpdySessionOptions,
  ) {
    super();
    this.done = new Promise((resolve) => this.once('close', resolve));
    transport.on('data', (chunk: Buffer) => this.read(chunk));
    transport.on('end', () => this.shutdown(GoAwayStatus.ok));
    transport.on('error', () => this.finish());
    transport.on('close', () => this.finish());
  }

  /** Streams open now. */
  get openStreams(): number {
    return this.streams.size;
  }

  /**
   * Ends the session from this side (the pod went away, the server stops):
   * GOAWAY, every open stream reset, then the end of the transport.
   */
  shutdown(status: number = GoAwayStatus.ok): void {
    if (this.ended || this.closing) return;
    this.closing = true;
    this.goAwaySent = true;
    void this.send({ type: 'goAway', lastGoodStreamId: this.lastPeerStreamId, status }).catch(() => undefined);
    for (const stream of [...this.streams.values()]) stream.destroy();
    // Read on to the peer's end (dropping what comes), so the transport can close.
    this.holds.clear();
    this.transport.resume();
    void this.outbox.then(() => {
      this.transport.end();
      // A peer that never closes its side must not keep the connection forever.
      this.closeTimer = setTimeout(() => this.transport.destroy(), CLOSE_TIMEOUT_MS);
      this.closeTimer.unref();
    });
  }

  // --- StreamHost ---------------------------------------------------------

  send(frame: Frame): Promise<void> {
    return this.enqueue(() => encodeFrame(frame));
  }

  consumed(stream: SpdyStream, bytes: number): void {
    if (bytes <= 0 || this.ended) return;
    const streamDelta = stream.receiveWindow.consume(bytes);
    if (streamDelta > 0 && !stream.remoteClosed) void this.send({ type: 'windowUpdate', streamId: stream.id, delta: streamDelta }).catch(() => undefined);
    this.consumedOnSession(bytes);
  }

  congested(stream: SpdyStream, congested: boolean): void {
    if (congested) this.hold(stream);
    else this.release(stream);
  }

  closed(stream: SpdyStream): void {
    if (this.streams.get(stream.id) !== stream) return;
    this.streams.delete(stream.id);
    this.flow.closeStream(stream.sendWindow);
    this.release(stream);
    if (this.goAwayReceived && this.streams.size === 0) this.shutdown();
  }

  // --- reading ------------------------------------------------------------

  private read(chunk: Buffer): void {
    if (this.ended || this.closing) return;
    try {
      this.inbox.push(...this.parser.push(chunk));
    } catch (error) {
      this.protocolError(error);
      return;
    }
    if (!this.draining) void this.drain();
  }

  /** Handles queued frames one by one; header blocks wait for the zlib context, and reading waits with them. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.inbox.length && !this.ended && !this.closing) {
        const pending = this.handle(this.inbox.shift()!);
        if (pending) {
          this.hold(this.inbox);
          await pending;
          this.release(this.inbox);
        }
      }
    } catch (error) {
      this.protocolError(error);
    } finally {
      this.draining = false;
    }
  }

  private handle(frame: Frame): Promise<void> | undefined {
    switch (frame.type) {
      case 'synStream':
        return this.onSynStream(frame);
      case 'synReply':
      case 'headers':
        // The block still goes through the context; a server has no use for a reply, and HEADERS add nothing here.
        return this.decompressor.inflate(frame.headerBlock).then(() => {
          if (frame.type === 'synReply') this.resetStream(frame.streamId, RstStatus.invalidStream);
          else if (frame.fin) this.streams.get(frame.streamId)?.remoteEnd();
        });
      case 'data':
        this.onData(frame);
        return undefined;
      case 'rstStream':
        this.streams.get(frame.streamId)?.remoteReset();
        return undefined;
      case 'settings':
        for (const setting of frame.settings) {
          if (setting.id === SETTINGS_INITIAL_WINDOW_SIZE && setting.value <= MAX_WINDOW_SIZE) this.flow.setInitialStreamWindow(setting.value);
        }
        return undefined;
      case 'ping':
        // Odd IDs are the client's pings (spdystream sends one every 10 s): answer with the same ID. Even ones would answer ours; none are sent.
        if (frame.id % 2 === 1) void this.send(frame).catch(() => undefined);
        return undefined;
      case 'goAway':
        this.goAwayReceived = true;
        if (this.streams.size === 0) this.shutdown();
        return undefined;
      case 'windowUpdate':
        this.onWindowUpdate(frame.streamId, frame.delta);
        return undefined;
      case 'unknown':
        return undefined;
    }
  }

  private async onSynStream(frame: Extract<Frame, { type: 'synStream' }>): Promise<void> {
    // Inflate first, whatever becomes of the stream: the context must stay in step with the peer's.
    const block = await this.decompressor.inflate(frame.headerBlock);
    const id = frame.streamId;
    if (id % 2 === 0) throw new SpdyProtocolError(`SYN_STREAM with the even stream ID ${id}: a client's streams are odd`);
    if (this.streams.has(id)) return this.resetStream(id, RstStatus.streamInUse);
    if (id <= this.lastPeerStreamId) throw new SpdyProtocolError(`SYN_STREAM ${id} after ${this.lastPeerStreamId}: stream IDs must rise`);
    this.lastPeerStreamId = id;
    // After a GOAWAY new streams are ignored (2.6.6).
    if (this.goAwaySent) return;
    let headers: SpdyHeaders;
    try {
      headers = decodeHeaderBlock(block);
    } catch (error) {
      if (error instanceof HeaderBlockError) return this.resetStream(id, RstStatus.protocolError);
      throw error;
    }
    if (this.options.accept(headers) !== undefined) return this.resetStream(id, RstStatus.refusedStream);
    const stream = new SpdyStream(id, headers, this, this.flow.openStream(), { fin: frame.fin, unidirectional: frame.unidirectional });
    this.streams.set(id, stream);
    void this.enqueue(() => this.compressor.compress(new Map()).then((headerBlock) => encodeFrame({ type: 'synReply', streamId: id, fin: false, headerBlock }))).catch(() => undefined);
    try {
      this.options.onStream(stream);
    } catch (error) {
      this.emit('streamError', error);
      stream.destroy();
    }
  }

  private onData(frame: Extract<Frame, { type: 'data' }>): void {
    const bytes = frame.data.length;
    if (!this.receiveWindow.receive(bytes) && this.flow.enforcing) {
      this.protocolError(new SpdyProtocolError('the peer overran the session flow-control window'));
      return;
    }
    const stream = this.streams.get(frame.streamId);
    if (!stream || stream.remoteClosed) {
      // Data for a stream already closed (a reset crossing in flight) is dropped; for one never opened, or half-closed by the peer, it is an error.
      this.consumedOnSession(bytes);
      if (stream) this.resetStream(frame.streamId, RstStatus.streamAlreadyClosed);
      else if (frame.streamId > this.lastPeerStreamId || frame.streamId % 2 === 0) this.resetStream(frame.streamId, RstStatus.invalidStream);
      return;
    }
    if (!stream.receiveWindow.receive(bytes) && this.flow.enforcing) {
      this.consumedOnSession(bytes);
      stream.destroy();
      this.resetStream(stream.id, RstStatus.flowControlError);
      return;
    }
    if (bytes > 0) stream.receive(frame.data);
    if (frame.fin) stream.remoteEnd();
  }

  private onWindowUpdate(streamId: number, delta: number): void {
    if (streamId === 0) {
      if (!this.flow.grow(this.flow.session, delta)) this.protocolError(new SpdyProtocolError('a WINDOW_UPDATE took the session window past 2^31-1'));
      return;
    }
    const stream = this.streams.get(streamId);
    if (stream && !this.flow.grow(stream.sendWindow, delta)) {
      stream.destroy();
      this.resetStream(streamId, RstStatus.flowControlError);
    }
  }

  private consumedOnSession(bytes: number): void {
    const delta = this.receiveWindow.consume(bytes);
    if (delta > 0) void this.send({ type: 'windowUpdate', streamId: 0, delta }).catch(() => undefined);
  }

  private resetStream(streamId: number, status: number): void {
    void this.send({ type: 'rstStream', streamId, status }).catch(() => undefined);
  }

  /** The peer's bytes make no sense (bad framing, a header block zlib cannot inflate): GOAWAY and the end. */
  private protocolError(error: unknown): void {
    this.emit('protocolError', error);
    this.shutdown(GoAwayStatus.protocolError);
  }

  // --- writing ------------------------------------------------------------

  /** Frames leave in the order they are queued; one whose encoding waits (header compression) holds the ones behind it. */
  private enqueue(encode: () => Buffer | Promise<Buffer>): Promise<void> {
    const written = this.outbox.then(async () => {
      if (this.ended || this.transport.writableEnded) throw new SessionClosedError('the SPDY session has ended');
      const bytes = await encode();
      if (!this.transport.write(bytes)) await this.drained();
    });
    this.outbox = written.catch(() => undefined);
    return written;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.transport.off('drain', done);
        this.transport.off('close', done);
        resolve();
      };
      this.transport.on('drain', done);
      this.transport.on('close', done);
    });
  }

  // --- flow of the transport ----------------------------------------------

  private hold(reason: unknown): void {
    if (this.closing || this.ended) return;
    this.holds.add(reason);
    this.transport.pause();
  }

  private release(reason: unknown): void {
    if (!this.holds.delete(reason) || this.holds.size > 0 || this.ended || this.closing) return;
    this.transport.resume();
  }

  /** The transport is gone: every stream ends with it. */
  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.closeTimer);
    for (const stream of [...this.streams.values()]) stream.remoteReset();
    this.streams.clear();
    this.flow.wake();
    this.compressor.close();
    this.decompressor.close();
    this.transport.destroy();
    this.emit('close');
  }
}
