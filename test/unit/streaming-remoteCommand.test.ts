// The exec/attach WebSocket protocol byte by byte, with the ws client and a
// scripted runtime session: subprotocol negotiation, the channel bytes, the
// v5 close signal, resize messages, and the Status that ends every session.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { StatusError } from '../../main/apiserver/errors.ts';
import { RemoteCommand, type RemoteCommandSpec } from '../../main/kubelet/streaming/remoteCommand.ts';
import type { StreamSession, TerminalSize } from '../../main/runtime/runtime.ts';

/** A runtime session the test drives: what the "process" prints, when it exits, what it was sent. */
class ScriptedSession {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly sizes: TerminalSize[] = [];
  closed = false;
  received = '';
  stdinEnded = false;
  private settle!: (code: number) => void;
  readonly exitCode = new Promise<number>((resolve) => (this.settle = resolve));

  constructor() {
    this.stdin.on('data', (c: Buffer) => (this.received += c.toString()));
    this.stdin.on('end', () => (this.stdinEnded = true));
  }

  get session(): StreamSession {
    return {
      stdin: this.stdin,
      stdout: this.stdout,
      stderr: this.stderr,
      resize: async (size) => {
        this.sizes.push(size);
      },
      close: () => {
        this.closed = true;
        this.stdout.end();
        this.stderr.end();
      },
    };
  }

  exit(code: number): void {
    this.stdout.end();
    this.stderr.end();
    this.settle(code);
  }
}

interface Frame {
  channel: number;
  data: string;
}

/** A client connection that records every message it receives, by channel. */
function connect(port: number, protocols: string[]) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/exec`, protocols);
  const frames: Frame[] = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (data: Buffer) => frames.push({ channel: data[0]!, data: data.subarray(1).toString() }));
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  const send = (channel: number, data: string | Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  const text = (channel: number) => frames.filter((f) => f.channel === channel).map((f) => f.data).join('');
  return { ws, frames, closed, opened, send, text };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

describe('exec and attach over WebSocket channels', () => {
  let server: Server;
  let port: number;
  let next: { spec: RemoteCommandSpec } | undefined;

  before(async () => {
    server = createServer();
    server.on('upgrade', (req, socket, head) => {
      const handler = new RemoteCommand(next!.spec);
      Promise.resolve(handler.upgrade(req, socket, head)).catch((error: unknown) => {
        const status = (error as StatusError).status;
        socket.end(`HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(status)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function serve(overrides: Partial<RemoteCommandSpec['streams']> = {}, command = ['sh', '-c', 'exit 3']): ScriptedSession {
    const scripted = new ScriptedSession();
    next = {
      spec: {
        streams: { stdin: true, stdout: true, stderr: true, tty: false, ...overrides },
        command,
        failurePrefix: 'error executing command in container',
        start: async () => ({ session: scripted.session, exitCode: scripted.exitCode }),
      },
    };
    return scripted;
  }

  test('negotiates v5 first, announces itself on stdout, and ends with Success and a normal close', async () => {
    const scripted = serve();
    const client = connect(port, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    await client.opened;
    assert.equal(client.ws.protocol, 'v5.channel.k8s.io');
    scripted.stdout.write('out\n');
    scripted.stderr.write('err\n');
    await until('output', () => client.text(1) === 'out\n' && client.text(2) === 'err\n');
    scripted.exit(0);
    assert.equal(await client.closed, 1000);
    assert.deepEqual(client.frames[0], { channel: 1, data: '' });
    assert.equal(client.text(3), '{"metadata":{},"status":"Success"}');
  });

  test('a non-zero exit is a NonZeroExitCode Status with the code as a cause', async () => {
    const scripted = serve();
    const client = connect(port, ['v5.channel.k8s.io']);
    await client.opened;
    scripted.exit(3);
    await client.closed;
    assert.deepEqual(JSON.parse(client.text(3)), {
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  test('v5: stdin reaches the process and [255, 0] is its EOF', async () => {
    const scripted = serve();
    const client = connect(port, ['v5.channel.k8s.io']);
    await client.opened;
    client.send(0, 'hello ');
    client.send(0, 'world');
    client.ws.send(Buffer.from([255, 0]));
    await until('stdin EOF', () => scripted.stdinEnded);
    assert.equal(scripted.received, 'hello world');
    scripted.exit(0);
    await client.closed;
  });

  test('v4 is served too, without the close signal', async () => {
    const scripted = serve();
    const client = connect(port, ['v4.channel.k8s.io']);
    await client.opened;
    assert.equal(client.ws.protocol, 'v4.channel.k8s.io');
    client.send(0, 'abc');
    await until('stdin', () => scripted.received === 'abc');
    scripted.exit(0);
    await client.closed;
    assert.equal(client.text(3), '{"metadata":{},"status":"Success"}');
  });

  test('tty: terminal sizes on channel 4, however the messages split them', async () => {
    const scripted = serve({ tty: true, stderr: false });
    const client = connect(port, ['v5.channel.k8s.io']);
    await client.opened;
    client.send(4, '{"Width":80,"Height":24}\n{"Width":100,');
    client.send(4, '"Height":30}\n');
    await until('two sizes', () => scripted.sizes.length === 2);
    assert.deepEqual(scripted.sizes, [
      { columns: 80, rows: 24 },
      { columns: 100, rows: 30 },
    ]);
    scripted.exit(0);
    await client.closed;
  });

  test('a client that goes away closes the runtime session', async () => {
    const scripted = serve();
    const client = connect(port, ['v5.channel.k8s.io']);
    await client.opened;
    client.ws.close();
    await until('session closed', () => scripted.closed);
  });

  test('a runtime that cannot start the process: InternalError on the error channel', async () => {
    next = {
      spec: {
        streams: { stdin: false, stdout: true, stderr: true, tty: false },
        failurePrefix: 'error attaching to container',
        start: async () => {
          throw new Error('container abc is not running');
        },
      },
    };
    const client = connect(port, ['v5.channel.k8s.io']);
    await client.opened;
    await client.closed;
    const status = JSON.parse(client.text(3));
    assert.equal(status.reason, 'InternalError');
    assert.equal(status.code, 500);
    assert.equal(status.message, 'Internal error occurred: error attaching to container: container abc is not running');
  });

  test('stdin in text messages, as the Python client sends it (chr(channel) + text), on v4 and v5', async () => {
    for (const protocol of ['v4.channel.k8s.io', 'v5.channel.k8s.io']) {
      const scripted = serve();
      const client = connect(port, [protocol]);
      await client.opened;
      client.ws.send('\u0000echo hi\n', { binary: false });
      client.send(0, 'and bytes\n');
      client.ws.send('\u0000h\u00e9\n', { binary: false });
      await until(`stdin over ${protocol}`, () => scripted.received === 'echo hi\nand bytes\nh\u00e9\n');
      scripted.exit(0);
      await client.closed;
    }
  });

  test('v4.base64.channel.k8s.io: channel digits and base64 data in text messages, both ways', async () => {
    const scripted = serve();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/exec`, ['v4.base64.channel.k8s.io']);
    const messages: Array<{ text: string; binary: boolean }> = [];
    ws.on('message', (data: Buffer, binary: boolean) => messages.push({ text: data.toString(), binary }));
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    assert.equal(ws.protocol, 'v4.base64.channel.k8s.io');
    ws.send(`0${Buffer.from('typed\n').toString('base64')}`);
    ws.send('0not base64!');
    await until('stdin', () => scripted.received === 'typed\n');
    scripted.stdout.write('out');
    scripted.exit(0);
    await closed;
    assert.ok(messages.every((m) => !m.binary));
    // The session announcement (an empty stdout message), the output, then the Status.
    assert.deepEqual(messages.map((m) => m.text[0]), ['1', '1', '3']);
    assert.equal(Buffer.from(messages[1]!.text.slice(1), 'base64').toString(), 'out');
    assert.equal(Buffer.from(messages[2]!.text.slice(1), 'base64').toString(), '{"metadata":{},"status":"Success"}');
  });

  test('no supported subprotocol: refused with a 400 before the upgrade', async () => {
    serve();
    const client = connect(port, ['channel.k8s.io']);
    const refusal = new Promise<number>((resolve) => client.ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    client.opened.catch(() => {});
    assert.equal(await refusal, 400);
  });
});
