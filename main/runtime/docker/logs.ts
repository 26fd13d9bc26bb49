// Container logs from the engine (json-file keeps them after the container
// exits, so a previous instance's logs stay readable until it is removed).
// The engine is always asked for timestamps: every line carries its own,
// and callers decide whether to print it.

import type Docker from 'dockerode';
import { Readable } from 'node:stream';
import type { LogLine, LogOptions, OutputStream } from '../runtime.ts';
import { engineCall } from './engine.ts';
import { comparableTimestamp, ENGINE_TIMESTAMP, FollowOrder } from './followOrder.ts';
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
  if (!options.follow) {
    yield* readLogs(container, containerId, tty, query, options.signal);
    return;
  }
  // Per stream: the engine reads stdout and stderr apart, so only within one do timestamps never go back.
  const order: Record<OutputStream, FollowOrder> = { stdout: new FollowOrder(), stderr: new FollowOrder() };
  let follow = true;
  for (let first = true; ; first = false) {
    let lost = false;
    let handedOut = 0;
    const last: Partial<Record<OutputStream, string>> = {};
    try {
      for await (const line of readLogs(container, containerId, tty, { ...query, follow }, options.signal)) {
        if (line.timestamp === ENGINE_LOST_FILE) {
          if (!follow) continue;
          lost = true;
        } else if (!order[line.stream].isNew(line.timestamp, line.line)) continue;
        else {
          last[line.stream] = line.timestamp;
          handedOut += 1;
        }
        yield line;
      }
    } catch (error) {
      // Reading again is best effort: a container removed meanwhile ends the follow, as it would have ended it.
      if (first) throw error;
      return;
    }
    if (!follow || options.signal?.aborted) return;
    const from = earliest(last.stdout, last.stderr);
    if (from) {
      delete query.tail;
      query.since = sinceOf(from);
    }
    // Docker 20.10 ends a follow that fell more than max-file files behind (the file it read was rotated away),
    // with "Error grabbing logs" in the stream, while the container runs on: follow again from the last lines
    // handed out, as long as each follow brings new ones (what was rotated away meanwhile is lost, as the
    // message says). Any other end of a follow (the container exited) can come before the engine has read the
    // file to its end: what is left is read once more, without following.
    follow = lost && handedOut > 0;
  }
}

/** The first word of what the engine writes into the stream when it lost the file it followed ("Error grabbing logs: ..."). */
const ENGINE_LOST_FILE = 'Error';

/** The earlier of two streams' last timestamps: following again from it misses neither stream's next line. */
function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return comparableTimestamp(a) <= comparableTimestamp(b) ? a : b;
}

/** An RFC 3339 timestamp as the engine's `since`: Unix seconds with all nine fraction digits. */
function sinceOf(timestamp: string): string {
  const dot = timestamp.indexOf('.');
  const seconds = Date.parse(`${timestamp.slice(0, dot < 0 ? timestamp.length - 1 : dot)}Z`) / 1000;
  const fraction = dot < 0 ? '' : timestamp.slice(dot + 1, -1);
  return `${seconds}.${fraction.padEnd(9, '0')}`;
}

async function* readLogs(container: Docker.Container, containerId: string, tty: boolean, query: Docker.ContainerLogsOptions, signal?: AbortSignal): AsyncGenerator<LogLine> {
  // dockerode answers a Buffer without follow and a live stream with it.
  const answer = await engineCall<Buffer | NodeJS.ReadableStream>(`logs of ${containerId}`, () =>
    query.follow ? container.logs({ ...query, follow: true }) : container.logs({ ...query, follow: false }),
  );
  const source = Buffer.isBuffer(answer) ? Readable.from([answer]) : (answer as Readable);

  const partial: Record<OutputStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  // Ends the read below even when the aborted request leaves the response open.
  const stop = () => source.destroy();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const frame of readFrames(source, tty)) {
      let buffer = Buffer.concat([partial[frame.stream], continuation(frame.data, partial[frame.stream].length > 0, tty)]);
      let end: number;
      while ((end = buffer.indexOf(NEWLINE)) >= 0) {
        yield toLogLine(frame.stream, buffer.subarray(0, end), tty);
        buffer = buffer.subarray(end + 1);
      }
      partial[frame.stream] = buffer;
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    source.destroy();
  }
  // A last line without its newline (the process exited mid-line).
  for (const stream of ['stdout', 'stderr'] as const) {
    if (partial[stream].length > 0) yield toLogLine(stream, partial[stream], tty);
  }
}

const TIMESTAMP = new RegExp(`^${ENGINE_TIMESTAMP} `);

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
