// pods/log's options and text: kube's query conversions and validation, the
// line format, limitBytes, and a client that leaves stopping the runtime's stream.

import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { StatusError } from '../../main/apiserver/errors.ts';
import { logsSince, parsePodLogOptions } from '../../main/kubelet/streaming/logOptions.ts';
import { LogStream, type LogStreamSource } from '../../main/kubelet/streaming/logStream.ts';
import type { LogLine, LogOptions, Runtime } from '../../main/runtime/runtime.ts';

function invalid(query: string): string | undefined {
  try {
    parsePodLogOptions(new URLSearchParams(query), 'web-1');
  } catch (error) {
    assert.ok(error instanceof StatusError);
    return `${error.code} ${error.status.message}`;
  }
  return undefined;
}

describe('parsePodLogOptions', () => {
  test('booleans are true unless absent, 0 or false; numbers and times parse', () => {
    const options = parsePodLogOptions(new URLSearchParams('container=app&follow=1&previous=False&timestamps=true&tailLines=10&limitBytes=5&sinceTime=2024-01-02T03:04:05Z&insecureSkipTLSVerifyBackend=true'), 'web-1');
    assert.deepEqual(options, {
      container: 'app',
      follow: true,
      previous: false,
      timestamps: true,
      tailLines: 10,
      limitBytes: 5,
      sinceSeconds: undefined,
      sinceTime: new Date('2024-01-02T03:04:05Z'),
    });
  });

  test('ValidatePodLogOptions: 422 in Kubernetes\' words', () => {
    assert.equal(invalid('tailLines=-1'), '422 PodLogOptions "web-1" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
    assert.equal(invalid('limitBytes=0'), '422 PodLogOptions "web-1" is invalid: limitBytes: Invalid value: 0: must be greater than 0');
    assert.equal(invalid('sinceSeconds=0'), '422 PodLogOptions "web-1" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0');
    assert.match(invalid('sinceSeconds=5&sinceTime=2024-01-02T03:04:05Z') ?? '', /^422 .*at most one of `sinceTime` or `sinceSeconds` may be specified/);
  });

  test('values that do not parse: 400', () => {
    assert.equal(invalid('tailLines=ten'), '400 strconv.ParseInt: parsing "ten": invalid syntax');
    assert.match(invalid('sinceTime=yesterday') ?? '', /^400 parsing time "yesterday"/);
  });

  test('sinceSeconds counts back from now', () => {
    const options = parsePodLogOptions(new URLSearchParams('sinceSeconds=60'), 'web-1');
    assert.deepEqual(logsSince(options, new Date('2024-01-01T00:01:00Z')), new Date('2024-01-01T00:00:00Z'));
  });
});

/** A runtime whose logs are the given lines, then (when following) silence until the reader aborts. */
function runtimeWithLines(lines: LogLine[], seen: { options?: LogOptions; aborted?: boolean; finished?: boolean }): Runtime {
  return {
    async *logs(_id: string, options: LogOptions = {}) {
      seen.options = options;
      try {
        yield* lines;
        if (options.follow) {
          await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
          seen.aborted = options.signal?.aborted;
        }
      } finally {
        seen.finished = true;
      }
    },
  } as unknown as Runtime;
}

describe('LogStream', () => {
  let server: Server;
  let port: number;
  let source: LogStreamSource | undefined;

  before(async () => {
    server = createServer((req, res) => void new LogStream(source).serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function fetchText(): Promise<{ type: string | undefined; body: string }> {
    return new Promise((resolve, reject) => {
      get(`http://127.0.0.1:${port}/`, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ type: res.headers['content-type'], body }));
      }).on('error', reject);
    });
  }

  const lines: LogLine[] = [
    { stream: 'stdout', timestamp: '2024-01-01T00:00:00.000000001Z', line: 'one' },
    { stream: 'stderr', timestamp: '2024-01-01T00:00:00.000000002Z', line: 'two' },
  ];

  test('text/plain lines, with timestamps first when asked', async () => {
    source = { runtime: runtimeWithLines(lines, {}), containerId: 'c', options: {}, timestamps: true };
    assert.deepEqual(await fetchText(), { type: 'text/plain', body: '2024-01-01T00:00:00.000000001Z one\n2024-01-01T00:00:00.000000002Z two\n' });
  });

  test('limitBytes cuts mid-line and stops reading', async () => {
    const seen: { finished?: boolean } = {};
    source = { runtime: runtimeWithLines(lines, seen), containerId: 'c', options: {}, timestamps: false, limitBytes: 6 };
    assert.equal((await fetchText()).body, 'one\ntw');
    assert.equal(seen.finished, true);
  });

  test('a follower that leaves aborts the runtime\'s stream', async () => {
    const seen: { options?: LogOptions; aborted?: boolean; finished?: boolean } = {};
    source = { runtime: runtimeWithLines(lines, seen), containerId: 'c', options: { follow: true }, timestamps: false };
    await new Promise<void>((resolve, reject) => {
      const req = get(`http://127.0.0.1:${port}/`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      setTimeout(() => reject(new Error('no data')), 2000);
    });
    for (let i = 0; i < 100 && !seen.finished; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual({ follow: seen.options?.follow, aborted: seen.aborted, finished: seen.finished }, { follow: true, aborted: true, finished: true });
  });

  test('without a source (an unscheduled pod): an empty body', async () => {
    source = undefined;
    assert.equal((await fetchText()).body, '');
  });
});
