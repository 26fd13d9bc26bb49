// A WebSocket as a plain byte stream, the way client-go's TunnelingConnection
// sees it (k8s.io/client-go/tools/portforward/tunneling_connection.go): the
// bytes are the binary messages' contents one after the other, message
// boundaries mean nothing, a text message is an error, and the end is a
// normal closure (1000), which the client reads as EOF.

import { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';

export class WebSocketTunnel extends Duplex {
  constructor(private readonly ws: WebSocket) {
    super({ allowHalfOpen: false });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        this.destroy(new Error('a text message on a tunneling WebSocket: only binary messages carry the tunnel'));
        return;
      }
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (!this.push(bytes)) ws.pause();
    });
    ws.on('close', () => {
      this.push(null);
      // The peer closed: nothing more can be sent either.
      if (!this.writableFinished) this.destroy();
    });
    // A reset connection ends the tunnel like a close; without a listener ws would throw.
    ws.on('error', (error) => this.destroy(error));
  }

  override _read(): void {
    this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) return callback(new Error('the tunneling WebSocket is closed'));
    this.ws.send(chunk, { binary: true }, (error) => callback(error ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      // A clean end already sent its close frame in _final; anything else drops the connection.
      if (error) this.ws.terminate();
      else this.ws.close(1000);
    }
    callback(error);
  }
}
