// Container logs from the engine (json-file keeps them after the container
// exits, so a previous instance's logs stay readable until it is removed).
// The engine is always asked for timestamps: every line carries its own,
// and callers decide whether to print it.

import type Docker from 'dockerode';
import { Readable } from 'node:stream';
import type { LogLine, LogOptions, OutputStream } from '../runtime.ts';
import { engineCall } from './engine.ts';
import { FollowOrder } from './followOrder.ts';
import { readFrames } from './frames.ts';

const NEWLINE = 0x0a;

export async function* containerLogs(docker: Docker, containerId: string, options: LogOptions = {}): AsyncGenerator<LogLine> {
  const container = docker.getContainer(containerId);
  const info = await engineCall(`logs of ${containerId}`, () => container.inspect());
  const tty = info.Config.Tty;
  const query: Docker.ContainerLogsOptions = { stdout: true, stderr: true, timestamps: true };
  if (options.tailLines !== undefined) query.tail = options.tailLines;
  // Fractional seconds: the engine compares at nanosecond precision.
  if (options.since) query.since = (options.since.getTime() / 1000).toFixed(3);
  if (options.signal) query.abortSignal = options.signal;
  // dockerode answers a Buffer without follow and a live stream with it.
  const answer = await engineCall<Buffer | NodeJS.ReadableStream>(`logs of ${containerId}`, () =>
    options.follow ? container.logs({ ...query, follow: true }) : container.logs({ ...query, follow: false }),
  );
  const source = Buffer.isBuffer(answer) ? Readable.from([answer]) : (answer as Readable);

  const partial: Record<OutputStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  // Per stream: the engine reads stdout and stderr apart, so only within one do timestamps never go back.
  const order: Record<OutputStream, FollowOrder> | undefined = options.follow ? { stdout: new FollowOrder(), stderr: new FollowOrder() } : undefined;
  // Ends the read below even when the aborted request leaves the response open.
  const stop = () => source.destroy();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const frame of readFrames(source, tty)) {
      let buffer = Buffer.concat([partial[frame.stream], continuation(frame.data, partial[frame.stream].length > 0, tty)]);
      let end: number;
      while ((end = buffer.indexOf(NEWLINE)) >= 0) {
        const line = toLogLine(frame.stream, buffer.subarray(0, end), tty);
        if (!order || order[frame.stream].isNew(line.timestamp, line.line)) yield line;
        buffer = buffer.subarray(end + 1);
      }
      partial[frame.stream] = buffer;
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    source.destroy();
  }
  // A last line without its newline (the process exited mid-line).
  for (const stream of ['stdout', 'stderr'] as const) {
    if (partial[stream].length > 0) yield toLogLine(stream, partial[stream], tty);
  }
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z /;

/**
 * The engine stores a line longer than 16 KiB as several partial entries and
 * prints each with its own timestamp: the frame that goes on with a line
 * left unfinished starts with one, which is not part of the line.
 */
function continuation(data: Buffer, midLine: boolean, tty: boolean): Buffer {
  if (!midLine || tty) return data;
  const match = TIMESTAMP.exec(data.subarray(0, 40).toString('latin1'));
  return match ? data.subarray(match[0].length) : data;
}

function toLogLine(stream: OutputStream, bytes: Buffer, tty: boolean): LogLine {
  let text = bytes.toString('utf8');
  if (tty && text.endsWith('\r')) text = text.slice(0, -1);
  const space = text.indexOf(' ');
  return space < 0 ? { stream, timestamp: text, line: '' } : { stream, timestamp: text.slice(0, space), line: text.slice(space + 1) };
}
