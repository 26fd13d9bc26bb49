// Header blocks are zlib-compressed with the SPDY/3 dictionary (2.6.10.1),
// and the zlib context lives as long as the connection: one for what this
// side sends, one for what it receives. Every block ends with a sync flush,
// so the receiver can inflate it whole from its frame while the context
// (window and history) carries on into the next one. Blocks must therefore
// pass through each context strictly in frame order; both classes queue
// their work to keep that order.

import type * as Zlib from 'node:zlib';
import type { Deflate, Inflate } from 'node:zlib';
import { lazyModule } from '../../../lazyModule.ts';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { decodeHeaderBlock, encodeHeaderBlock, type SpdyHeaders } from './headerBlock.ts';

// Loaded when a SPDY stream first compresses headers, not at PodLab's start.
const zlib = lazyModule<typeof Zlib>('node:zlib');

/** A header block larger than this once inflated ends the session (a small frame can inflate to gigabytes). */
export const MAX_HEADER_BLOCK_BYTES = 256 * 1024;

/** One zlib context, fed one block at a time, each flushed. */
class ZlibContext {
  private output: Buffer[] = [];
  private outputBytes = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private failCurrent: ((error: Error) => void) | undefined;

  constructor(
    private readonly stream: Deflate | Inflate,
    private readonly limit: number,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.outputBytes += chunk.length;
      if (this.outputBytes > this.limit) stream.destroy(new Error(`a header block exceeds ${this.limit} bytes`));
      else this.output.push(chunk);
    });
    stream.on('error', (error: Error) => {
      this.failure = error;
      this.failCurrent?.(error);
    });
  }

  process(input: Buffer): Promise<Buffer> {
    const done = this.queue.then(() => this.processNow(input));
    this.queue = done.catch(() => undefined);
    return done;
  }

  close(): void {
    this.stream.destroy();
  }

  private processNow(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.failCurrent = reject;
      this.stream.write(input, (error) => {
        this.failCurrent = undefined;
        if (error || this.stream.destroyed) return reject(this.failure ?? error ?? new Error('the header compression context is closed'));
        // Anything zlib produced that the stream still holds comes out through 'data' now.
        this.stream.read();
        const block = Buffer.concat(this.output);
        this.output = [];
        this.outputBytes = 0;
        resolve(block);
      });
    });
  }
}

/** The sending side's context: header maps in, compressed blocks out. */
export class HeaderCompressor {
  private readonly zlib = new ZlibContext(zlib().createDeflate({ dictionary: SPDY3_DICTIONARY, flush: zlib().constants.Z_SYNC_FLUSH }), Number.MAX_SAFE_INTEGER);

  compress(headers: SpdyHeaders): Promise<Buffer> {
    return this.zlib.process(encodeHeaderBlock(headers));
  }

  close(): void {
    this.zlib.close();
  }
}

/**
 * The receiving side's context. Every compressed block must be given, in
 * order, even that of a stream about to be refused: skipping one would leave
 * the context behind the peer's. A failure here is fatal to the session.
 */
export class HeaderDecompressor {
  private readonly zlib = new ZlibContext(zlib().createInflate({ dictionary: SPDY3_DICTIONARY, flush: zlib().constants.Z_SYNC_FLUSH }), MAX_HEADER_BLOCK_BYTES);

  /** The raw name/value block (decode it with decodeHeaderBlock: a malformed block is a stream error only). */
  inflate(compressed: Buffer): Promise<Buffer> {
    return this.zlib.process(compressed);
  }

  async decompress(compressed: Buffer): Promise<SpdyHeaders> {
    return decodeHeaderBlock(await this.inflate(compressed));
  }

  close(): void {
    this.zlib.close();
  }
}
