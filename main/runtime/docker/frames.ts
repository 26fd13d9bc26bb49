// Docker's stream format for logs, exec and attach. Without a tty, stdout and
// stderr travel multiplexed: each frame is an 8-byte header (stream type,
// three zero bytes, payload length as uint32 big-endian) and its payload.
// With a tty there is one raw stream (a terminal has one output).
// Reading frames in order keeps stdout and stderr lines in the order written.

import type { Writable } from 'node:stream';
import type { OutputStream } from '../runtime.ts';

export interface Frame {
  stream: OutputStream;
  data: Buffer;
}

const HEADER_SIZE = 8;
const STDERR = 2;

export async function* readFrames(source: AsyncIterable<Buffer | string>, tty: boolean): AsyncGenerator<Frame> {
  if (tty) {
    for await (const chunk of source) yield { stream: 'stdout', data: Buffer.from(chunk) };
    return;
  }
  let pending = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, Buffer.from(chunk)]);
    let offset = 0;
    while (pending.length - offset >= HEADER_SIZE) {
      const size = pending.readUInt32BE(offset + 4);
      if (pending.length - offset < HEADER_SIZE + size) break;
      const data = pending.subarray(offset + HEADER_SIZE, offset + HEADER_SIZE + size);
      yield { stream: pending[offset] === STDERR ? 'stderr' : 'stdout', data };
      offset += HEADER_SIZE + size;
    }
    pending = pending.subarray(offset);
  }
}

/** Copies frames to two writables, ending both when the source ends. */
export async function pipeFrames(source: AsyncIterable<Buffer | string>, tty: boolean, stdout: Writable, stderr: Writable): Promise<void> {
  try {
    for await (const frame of readFrames(source, tty)) (frame.stream === 'stderr' ? stderr : stdout).write(frame.data);
  } finally {
    stdout.end();
    stderr.end();
  }
}
