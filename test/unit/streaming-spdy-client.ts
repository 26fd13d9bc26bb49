// The client end of a SPDY/3.1 connection for the session tests, built from
// PodLab's own frame codec and header contexts: it opens odd-numbered streams
// as spdystream does, keeps every frame it receives (header blocks inflated,
// in order) and lets a test wait for the one it expects.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { encodeFrame, FrameParser, type Frame } from '../../main/kubelet/streaming/spdy/frames.ts';
import type { SpdyHeaders } from '../../main/kubelet/streaming/spdy/headerBlock.ts';
import { HeaderCompressor, HeaderDecompressor } from '../../main/kubelet/streaming/spdy/headerCompression.ts';

export type Received = Frame & { headers?: SpdyHeaders };

export class SpdyTestClient {
  readonly received: Received[] = [];
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private inbound: Promise<void> = Promise.resolve();
  private waiters = new Set<() => void>();
  private nextStreamId = 1;
  private closed = false;
  ended = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      // After close() a block in flight may fail with the closed context: nothing reads it any more.
      for (const frame of this.parser.push(chunk)) this.inbound = this.inbound.then(() => this.keep(frame)).catch((error: unknown) => {
        if (!this.closed) throw error;
      });
    });
    socket.on('end', () => {
      this.inbound = this.inbound.then(() => {
        this.ended = true;
        this.wake();
      });
    });
    socket.on('error', () => undefined);
  }

  /** SYN_STREAM with the next client stream ID; returns the ID. */
  async open(headers: Record<string, string>, fin = false): Promise<number> {
    const streamId = this.nextStreamId;
    this.nextStreamId += 2;
    const headerBlock = await this.compressor.compress(new Map(Object.entries(headers).map(([k, v]) => [k, [v]])));
    this.send({ type: 'synStream', streamId, associatedTo: 0, priority: 0, fin, unidirectional: false, headerBlock });
    return streamId;
  }

  send(frame: Frame): void {
    this.socket.write(encodeFrame(frame));
  }

  write(streamId: number, data: Buffer | string, fin = false): void {
    this.send({ type: 'data', streamId, fin, data: Buffer.from(data) });
  }

  /** Everything received on a stream so far. */
  data(streamId: number): Buffer {
    return Buffer.concat(this.received.flatMap((f) => (f.type === 'data' && f.streamId === streamId ? [f.data] : [])));
  }

  finished(streamId: number): boolean {
    return this.received.some((f) => (f.type === 'data' || f.type === 'synReply') && f.streamId === streamId && f.fin);
  }

  /** The first received frame (past or future) that matches. */
  async waitFor(what: string, match: (frame: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    return this.until(what, () => this.received.find(match), timeoutMs);
  }

  /** Resolves once `check` returns something, looking again at every frame that arrives. */
  async until<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined && found !== false) return found;
      if (this.ended) throw new Error(`the connection ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received ${this.received.map((f) => f.type).join(' ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** A ping the server must echo: once it is back, every frame it sent before has arrived. */
  async roundTrip(id: number): Promise<void> {
    this.send({ type: 'ping', id });
    await this.waitFor(`the echo of ping ${id}`, (f) => f.type === 'ping' && f.id === id);
  }

  close(): void {
    this.closed = true;
    this.compressor.close();
    this.decompressor.close();
    this.socket.destroy();
  }

  private async keep(frame: Frame): Promise<void> {
    if (this.closed) return;
    const received: Received = frame;
    if (frame.type === 'synStream' || frame.type === 'synReply' || frame.type === 'headers') received.headers = await this.decompressor.decompress(frame.headerBlock);
    this.received.push(received);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }
}

/** A TCP server on 127.0.0.1 whose connections `onConnection` takes, and a client connected to it. */
export async function connectedPair(onConnection: (socket: Socket) => void): Promise<{ client: SpdyTestClient; server: Server }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { client: new SpdyTestClient(socket), server };
}
