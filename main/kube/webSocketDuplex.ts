// A WebSocket as a Node byte stream (Duplex): what its messages carry is
// pushed as it comes (the socket paused while the reader is full), what is
// written goes out as binary messages, the end is a normal closure (1000),
// and the peer's close or a reset ends the stream. Subclasses say what a
// message carries for the reader and how written bytes are framed: the
// tunneling WebSocket of kubectl's port-forward, the channel protocol's.

import { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';

export abstract class WebSocketDuplex extends Duplex {
  constructor(protected readonly ws: WebSocket) {
    super({ allowHalfOpen: false });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const message = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      const payload = this.payload(message, isBinary);
      if (payload && payload.length > 0 && !this.push(payload)) ws.pause();
    });
    ws.on('close', () => {
      this.push(null);
      // The peer closed: nothing more can be sent either.
      if (!this.writableFinished) this.destroy();
    });
    // A reset connection ends the stream like a close; without a listener ws would throw.
    ws.on('error', (error) => this.destroy(error));
  }

  /** The bytes a message carries for the reader (undefined: none); may destroy the stream instead. */
  protected abstract payload(message: Buffer, isBinary: boolean): Buffer | undefined;

  /** The message that carries written bytes. */
  protected frame(chunk: Buffer): Buffer {
    return chunk;
  }

  /** Whether the stream, destroyed with this error, still ends the WebSocket with a normal closure rather than dropping it. */
  protected closesCleanlyOn(_error: Error): boolean {
    return false;
  }

  override _read(): void {
    this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) return callback(new Error('the WebSocket is closed'));
    this.ws.send(this.frame(chunk), { binary: true }, (error) => callback(error ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      // A clean end already sent its close frame in _final; an error drops the connection unless the subclass says otherwise.
      if (error && !this.closesCleanlyOn(error)) this.ws.terminate();
      else this.ws.close(1000);
    }
    callback(error);
  }
}
