// One SPDY stream that the peer opened, as a Node Duplex: what the peer sends
// on it comes out of the readable side, what is written goes out as DATA
// frames within the flow-control windows, and end() is a DATA frame with FIN
// (a half-close: the peer may go on sending, as spdystream's Close does).
// destroy() before both sides are closed resets the stream (RST_STREAM
// CANCEL). The session owns the wire; the stream asks it through StreamHost.

import { Duplex } from 'node:stream';
import { RstStatus, type Frame } from './frames.ts';
import type { SpdyHeaders } from './headerBlock.ts';
import { ReceiveWindow, type SendFlow, type SendWindow } from './flowControl.ts';

/** Data frames carry at most this much (the kubelet's io.Copy moves 32 KiB at a time, too). */
export const MAX_DATA_FRAME = 32 * 1024;

export interface StreamHost {
  readonly flow: SendFlow;
  /** Queues a frame; resolves once the transport took it (rejects when the session is gone). */
  send(frame: Frame): Promise<void>;
  /** Bytes of the stream's incoming data that were handed on: time for WINDOW_UPDATEs, perhaps. */
  consumed(stream: SpdyStream, bytes: number): void;
  /** The stream holds more unread data than its window: reading the transport should wait (or may go on). */
  congested(stream: SpdyStream, congested: boolean): void;
  /** Both directions are closed: the session forgets the stream. */
  closed(stream: SpdyStream): void;
}

export class SpdyStream extends Duplex {
  readonly receiveWindow = new ReceiveWindow();
  /** The peer sent FIN or RST_STREAM: nothing more arrives. */
  remoteClosed = false;
  /** This side sent FIN or RST_STREAM. */
  private localClosed = false;
  private pushed = 0;
  private reported = 0;
  private isCongested = false;

  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly host: StreamHost,
    /** What the peer lets this side send on the stream. */
    readonly sendWindow: SendWindow,
    options: { fin: boolean; unidirectional: boolean },
  ) {
    super({ allowHalfOpen: true });
    if (options.unidirectional) this.localClosed = true;
    if (options.fin) this.remoteEnd();
  }

  /** A DATA frame's payload from the peer. */
  receive(data: Buffer): void {
    if (this.destroyed || this.readableEnded) {
      this.host.consumed(this, data.length);
      return;
    }
    this.pushed += data.length;
    this.push(data);
    if (!this.isCongested && this.readableLength > this.receiveWindow.size) this.setCongested(true);
  }

  /** FIN from the peer. */
  remoteEnd(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.maybeClosed();
  }

  /** RST_STREAM from the peer: both directions end at once, unsent data is dropped. */
  remoteReset(): void {
    this.remoteClosed = true;
    this.localClosed = true;
    this.destroy();
  }

  override _read(): void {
    this.reportConsumed();
    if (this.isCongested) this.setCongested(false);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sendData(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.localClosed) return callback();
    this.localClosed = true;
    this.host.send({ type: 'data', streamId: this.id, fin: true, data: Buffer.alloc(0) }).then(
      () => {
        this.maybeClosed();
        callback();
      },
      callback,
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.localClosed || !this.remoteClosed) {
      this.localClosed = true;
      this.remoteClosed = true;
      this.host.send({ type: 'rstStream', streamId: this.id, status: RstStatus.cancel }).catch(() => undefined);
    }
    // What the peer sent and nobody will read still counts as handed on: the session window must not shrink for it.
    this.host.consumed(this, this.pushed - this.reported);
    this.reported = this.pushed;
    if (this.isCongested) this.setCongested(false);
    this.host.flow.wake();
    this.maybeClosed();
    callback(error);
  }

  private async sendData(chunk: Buffer): Promise<void> {
    const { flow } = this.host;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.localClosed || this.destroyed) throw new Error(`SPDY stream ${this.id} is closed`);
      const allowance = flow.allowance(this.sendWindow);
      if (allowance <= 0) {
        await flow.changed();
        continue;
      }
      const size = Math.min(allowance, MAX_DATA_FRAME, chunk.length - offset);
      flow.sent(this.sendWindow, size);
      await this.host.send({ type: 'data', streamId: this.id, fin: false, data: chunk.subarray(offset, offset + size) });
      offset += size;
    }
  }

  private reportConsumed(): void {
    const consumed = this.pushed - this.readableLength - this.reported;
    if (consumed <= 0) return;
    this.reported += consumed;
    this.host.consumed(this, consumed);
  }

  private setCongested(congested: boolean): void {
    this.isCongested = congested;
    this.host.congested(this, congested);
  }

  private maybeClosed(): void {
    if (this.localClosed && this.remoteClosed) this.host.closed(this);
  }
}
