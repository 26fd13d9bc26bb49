// The body of GET pods/NAME/log: the container's lines as text/plain, written
// as they come (chunked), stdout and stderr interleaved in the order the
// runtime recorded them. As the kubelet does: `timestamps` puts each line's
// RFC 3339 time and a space first, `limitBytes` cuts the output after that
// many bytes even mid-line, and `follow` keeps the response open until the
// container exits; a client that goes away stops the runtime's stream.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errors } from '../../apiserver/errors.ts';
import type { ConnectHandler } from '../../apiserver/dispatcher.ts';
import type { LogLine, LogOptions, Runtime } from '../../runtime/runtime.ts';

export interface LogStreamSource {
  runtime: Runtime;
  containerId: string;
  options: Omit<LogOptions, 'signal'>;
  timestamps: boolean;
  limitBytes?: number;
}

export function formatLogLine(line: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${line.timestamp} ` : ''}${line.line}\n`;
}

export class LogStream implements ConnectHandler {
  /** Without a source the body is empty: a pod no node runs yet has no output. */
  constructor(private readonly source: LogStreamSource | undefined) {}

  async serve(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.source) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    const { runtime, containerId, options, timestamps, limitBytes } = this.source;
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
    // Headers go out now: a quiet container followed with -f must still look connected.
    res.flushHeaders();
    let remaining = limitBytes ?? Infinity;
    try {
      for await (const line of runtime.logs(containerId, { ...options, signal: gone.signal })) {
        const bytes = Buffer.from(formatLogLine(line, timestamps));
        if (bytes.length >= remaining) {
          res.write(bytes.subarray(0, remaining));
          break;
        }
        remaining -= bytes.length;
        if (!res.write(bytes)) await drained(res, gone.signal);
        if (gone.signal.aborted) break;
      }
    } catch {
      // The status line is gone already: a broken stream can only end early, as the kubelet's does.
    } finally {
      res.end();
    }
  }

  upgrade(_req: IncomingMessage, _socket: Duplex, _head: Buffer): void {
    throw errors.badRequest('pods/log is a plain GET request: it does not accept a connection upgrade');
  }
}

function drained(res: ServerResponse, gone: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      gone.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    gone.addEventListener('abort', done);
  });
}
