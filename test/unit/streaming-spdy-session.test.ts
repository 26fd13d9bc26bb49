// The server side of a SPDY/3.1 session over a real TCP connection on
// 127.0.0.1, driven by a client built from the same codec: streams are
// accepted or refused, pings answered, data flows both ways with half-close,
// flow-control windows hold towards a peer that uses them (and not towards
// one that never does, like kubectl's spdystream), and the session ends on
// GOAWAY, on shutdown and on bytes that are not SPDY/3.

import assert from 'node:assert/strict';
import type { Server, Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { GoAwayStatus, RstStatus, SETTINGS_INITIAL_WINDOW_SIZE } from '../../main/kubelet/streaming/spdy/frames.ts';
import { headerValue } from '../../main/kubelet/streaming/spdy/headerBlock.ts';
import { SpdySession } from '../../main/kubelet/streaming/spdy/session.ts';
import type { SpdyStream } from '../../main/kubelet/streaming/spdy/stream.ts';
import { eventually } from '../helpers/eventually.ts';
import { connectedPair, type SpdyTestClient } from './streaming-spdy-client.ts';

interface Harness {
  client: SpdyTestClient;
  server: Server;
  /** The server's end of the connection: the session's transport. */
  transport: Promise<Socket>;
  session: Promise<SpdySession>;
  streams: SpdyStream[];
  nextStream(): Promise<SpdyStream>;
}

const open: Harness[] = [];

/** A session whose streams the test handles; streams whose `kind` header is `refuse` are refused. */
async function start(onStream: (stream: SpdyStream) => void = () => undefined): Promise<Harness> {
  const streams: SpdyStream[] = [];
  let arrived: (() => void) | undefined;
  let resolveSession!: (session: SpdySession) => void;
  let resolveTransport!: (socket: Socket) => void;
  const session = new Promise<SpdySession>((resolve) => (resolveSession = resolve));
  const transport = new Promise<Socket>((resolve) => (resolveTransport = resolve));
  const { client, server } = await connectedPair((socket) => {
    resolveTransport(socket);
    resolveSession(
      new SpdySession(socket, {
        accept: (headers) => (headerValue(headers, 'kind') === 'refuse' ? 'refused by the test' : undefined),
        onStream: (stream) => {
          streams.push(stream);
          onStream(stream);
          arrived?.();
        },
      }),
    );
  });
  const harness: Harness = {
    client,
    server,
    transport,
    session,
    streams,
    async nextStream() {
      const count = streams.length;
      while (streams.length === count) await new Promise<void>((resolve) => (arrived = resolve));
      return streams[streams.length - 1]!;
    },
  };
  open.push(harness);
  return harness;
}

afterEach(async () => {
  for (const { client, server, session } of open.splice(0)) {
    client.close();
    await (await session).done;
    server.close();
  }
});

const replyTo = (id: number) => (f: { type: string; streamId?: number }) => f.type === 'synReply' && f.streamId === id;

/** Reads to the client's FIN, leaving the sending side open (an async iterator would destroy the stream: a reset). */
function readAll(stream: SpdyStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => stream.once('end', () => resolve(Buffer.concat(chunks))));
}

describe('SPDY session', () => {
  it('replies to an accepted stream with an empty SYN_REPLY and hands it over with its headers', async () => {
    const h = await start();
    const id = await h.client.open({ streamtype: 'data', port: '80', requestid: '0' });
    const reply = await h.client.waitFor('SYN_REPLY', replyTo(id));
    assert.deepEqual(reply.headers, new Map());
    assert.equal(id, 1);
    const stream = h.streams[0]!;
    assert.equal(stream.id, 1);
    assert.equal(headerValue(stream.headers, 'port'), '80');
  });

  it('refuses a stream its accept hook rejects, and data for a stream never opened', async () => {
    const h = await start();
    const id = await h.client.open({ kind: 'refuse' });
    const reset = await h.client.waitFor('RST_STREAM', (f) => f.type === 'rstStream' && f.streamId === id);
    assert.equal(reset.type === 'rstStream' && reset.status, RstStatus.refusedStream);
    h.client.write(99, 'stray');
    const invalid = await h.client.waitFor('RST_STREAM for 99', (f) => f.type === 'rstStream' && f.streamId === 99);
    assert.equal(invalid.type === 'rstStream' && invalid.status, RstStatus.invalidStream);
    assert.equal(h.streams.length, 0);
  });

  it('answers the client’s pings with the same ID and passes over frames of unknown types', async () => {
    const h = await start();
    h.client.socket.write(Buffer.from('8003000b0000000400000000', 'hex'));
    await h.client.roundTrip(1);
    await h.client.roundTrip(3);
    assert.equal(h.client.received.filter((f) => f.type === 'ping').length, 2);
  });

  it('carries data both ways, each FIN a half-close', async () => {
    const h = await start((stream) => {
      void readAll(stream).then((request) => {
        stream.write(Buffer.concat([Buffer.from('you said: '), request]));
        stream.end();
      });
    });
    const id = await h.client.open({ streamtype: 'data' });
    h.client.write(id, 'hello ');
    h.client.write(id, 'world', true);
    await h.client.until('FIN from the server', () => h.client.finished(id));
    assert.equal(h.client.data(id).toString(), 'you said: hello world');
    // Both sides have sent FIN: the stream is done and forgotten.
    const session = await h.session;
    await h.client.roundTrip(1);
    assert.equal(session.openStreams, 0);
  });

  it('a stream the client resets closes on the server, and a stream the server destroys is reset', async () => {
    const h = await start();
    const first = await h.client.open({ streamtype: 'data' });
    const stream = await h.nextStream();
    const closed = new Promise((resolve) => stream.once('close', resolve));
    h.client.send({ type: 'rstStream', streamId: first, status: RstStatus.cancel });
    await closed;
    const second = await h.client.open({ streamtype: 'data' });
    (await h.nextStream()).destroy();
    const reset = await h.client.waitFor('RST_STREAM', (f) => f.type === 'rstStream' && f.streamId === second);
    assert.equal(reset.type === 'rstStream' && reset.status, RstStatus.cancel);
  });

  it('towards a peer that never takes part in flow control (spdystream), sends past the first 64 KiB', async () => {
    const payload = Buffer.alloc(1024 * 1024, 'x');
    const h = await start((stream) => stream.end(payload));
    const id = await h.client.open({ streamtype: 'data' });
    await h.client.until('1 MiB and FIN', () => h.client.finished(id));
    assert.equal(h.client.data(id).length, payload.length);
    assert.ok(!h.client.received.some((f) => f.type === 'data' && f.data.length > 32 * 1024), 'frames of at most 32 KiB');
  });

  it('towards a peer that uses flow control, waits for its WINDOW_UPDATEs once the 64 KiB windows are spent', async () => {
    const payload = Buffer.alloc(160 * 1024, 'y');
    const h = await start((stream) => stream.end(payload));
    h.client.send({ type: 'settings', clear: false, settings: [{ flags: 0, id: SETTINGS_INITIAL_WINDOW_SIZE, value: 64 * 1024 }] });
    const id = await h.client.open({ streamtype: 'data' });
    await h.client.until('the first window', () => h.client.data(id).length >= 64 * 1024);
    await h.client.roundTrip(1);
    assert.equal(h.client.data(id).length, 64 * 1024, 'nothing past the window before an update');
    // The stream window alone is not enough: the session window is spent too.
    h.client.send({ type: 'windowUpdate', streamId: id, delta: 64 * 1024 });
    await h.client.roundTrip(3);
    assert.equal(h.client.data(id).length, 64 * 1024);
    h.client.send({ type: 'windowUpdate', streamId: 0, delta: 32 * 1024 });
    await h.client.until('32 KiB more', () => h.client.data(id).length >= 96 * 1024);
    await h.client.roundTrip(5);
    assert.equal(h.client.data(id).length, 96 * 1024);
    h.client.send({ type: 'windowUpdate', streamId: 0, delta: 1024 * 1024 });
    h.client.send({ type: 'windowUpdate', streamId: id, delta: 1024 * 1024 });
    await h.client.until('the rest and FIN', () => h.client.finished(id));
    assert.equal(h.client.data(id).length, payload.length);
  });

  it('a smaller initial window from SETTINGS shrinks the stream window', async () => {
    const h = await start((stream) => stream.write(Buffer.alloc(10_000, 'z')));
    h.client.send({ type: 'settings', clear: false, settings: [{ flags: 0, id: SETTINGS_INITIAL_WINDOW_SIZE, value: 4096 }] });
    const id = await h.client.open({ streamtype: 'data' });
    await h.client.until('4 KiB', () => h.client.data(id).length >= 4096);
    await h.client.roundTrip(1);
    assert.equal(h.client.data(id).length, 4096);
  });

  it('announces WINDOW_UPDATEs for the stream and the session as the data is read', async () => {
    const h = await start((stream) => stream.resume());
    const id = await h.client.open({ streamtype: 'data' });
    await h.client.waitFor('SYN_REPLY', replyTo(id));
    for (let i = 0; i < 4; i++) h.client.write(id, Buffer.alloc(16 * 1024, i));
    const updates = () => h.client.received.filter((f) => f.type === 'windowUpdate');
    await h.client.until('updates for both windows', () => updates().some((f) => f.streamId === 0) && updates().some((f) => f.streamId === id));
    for (const streamId of [0, id]) {
      const total = updates().reduce((sum, f) => sum + (f.type === 'windowUpdate' && f.streamId === streamId ? f.delta : 0), 0);
      assert.ok(total >= 32 * 1024 && total <= 64 * 1024, `stream ${streamId}: ${total}`);
    }
  });

  it('stops reading the connection while a stream holds more unread data than its window, and goes on once it is read', async () => {
    const h = await start();
    const id = await h.client.open({ streamtype: 'data' });
    const stream = await h.nextStream();
    const total = 1024 * 1024;
    for (let sent = 0; sent < total; sent += 16 * 1024) h.client.write(id, Buffer.alloc(16 * 1024, 1), sent + 16 * 1024 === total);
    const socket = await h.transport;
    await eventually('the server to stop reading', async () => socket.isPaused());
    // What was read past the window is at most what one read of the socket brought.
    assert.ok(stream.readableLength <= 64 * 1024 + 128 * 1024, `${stream.readableLength} bytes held`);
    assert.equal((await readAll(stream)).length, total);
  });

  it('a GOAWAY from the client ends the session once its streams are closed', async () => {
    const h = await start();
    const id = await h.client.open({ streamtype: 'data' });
    await h.client.waitFor('SYN_REPLY', replyTo(id));
    h.client.send({ type: 'goAway', lastGoodStreamId: 0, status: GoAwayStatus.ok });
    await h.client.roundTrip(1);
    assert.equal(h.client.ended, false, 'a stream is still open');
    h.client.send({ type: 'rstStream', streamId: id, status: RstStatus.cancel });
    await h.client.until('the end of the connection', () => h.client.ended);
    await (await h.session).done;
  });

  it('shutdown sends GOAWAY, resets open streams and ends the connection', async () => {
    const h = await start();
    const id = await h.client.open({ streamtype: 'data' });
    await h.client.waitFor('SYN_REPLY', replyTo(id));
    (await h.session).shutdown();
    await h.client.until('the end of the connection', () => h.client.ended);
    const goAway = h.client.received.find((f) => f.type === 'goAway');
    assert.deepEqual(goAway, { type: 'goAway', lastGoodStreamId: id, status: GoAwayStatus.ok });
    assert.ok(h.client.received.some((f) => f.type === 'rstStream' && f.streamId === id));
  });

  it('bytes that are not SPDY/3 end the session with GOAWAY PROTOCOL_ERROR', async () => {
    const h = await start();
    h.client.socket.write(Buffer.from('80020001000000000000000000000000', 'hex'));
    await h.client.until('the end of the connection', () => h.client.ended);
    const goAway = h.client.received.find((f) => f.type === 'goAway');
    assert.equal(goAway?.type === 'goAway' && goAway.status, GoAwayStatus.protocolError);
  });

  it('an open stream’s ID again is STREAM_IN_USE; an older closed one ends the session', async () => {
    const h = await start();
    await h.client.open({ streamtype: 'data' });
    await h.client.open({ streamtype: 'data' });
    const again = { type: 'synStream', streamId: 1, associatedTo: 0, priority: 0, fin: false, unidirectional: false, headerBlock: Buffer.alloc(0) } as const;
    h.client.send(again);
    const inUse = await h.client.waitFor('RST_STREAM', (f) => f.type === 'rstStream' && f.streamId === 1);
    assert.equal(inUse.type === 'rstStream' && inUse.status, RstStatus.streamInUse);
    h.client.send({ type: 'rstStream', streamId: 1, status: RstStatus.cancel });
    h.client.send(again);
    await h.client.until('the end of the connection', () => h.client.ended);
    const goAway = h.client.received.find((f) => f.type === 'goAway');
    assert.equal(goAway?.type === 'goAway' && goAway.status, GoAwayStatus.protocolError);
  });
});
