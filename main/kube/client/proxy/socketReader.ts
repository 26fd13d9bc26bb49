// Reads a proxy's handshake answer off a socket: exact byte counts (SOCKS5)
// or a header block (HTTP CONNECT). Bytes past the answer belong to the
// tunnel and are put back on the socket when the handshake is done.

import type { Duplex } from 'node:stream';
import { ProxyError } from './proxyUrl.ts';

export class SocketReader {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.wake?.();
  };
  private readonly onEnd = () => this.fail(new ProxyError(`${this.proxy} closed the connection during the handshake`));
  private readonly onError = (err: Error) => this.fail(new ProxyError(`${this.proxy}: ${err.message}`, { cause: err }));

  constructor(
    private readonly socket: Duplex,
    private readonly proxy: string,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  async bytes(count: number): Promise<Buffer> {
    await this.until(() => this.buffered.length >= count);
    const out = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    return out;
  }

  /** Up to and without the blank line that ends an HTTP header block. */
  async headerBlock(limit = 16384): Promise<string> {
    await this.until(() => this.buffered.includes('\r\n\r\n') || this.buffered.length > limit);
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) throw new ProxyError(`${this.proxy} answered with a header larger than ${limit} bytes`);
    const text = this.buffered.subarray(0, end).toString('latin1');
    this.buffered = this.buffered.subarray(end + 4);
    return text;
  }

  /** Stops reading; what came after the handshake is given back to the socket's next reader. */
  release(): Duplex {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.pause();
    if (this.buffered.length > 0) this.socket.unshift(this.buffered);
    return this.socket;
  }
}
