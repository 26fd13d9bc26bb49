// The kubelet's port-forward protocol on a SPDY session, against real TCP
// servers on 127.0.0.1 standing in for the pod's ports: streams pair up by
// request ID, data flows both ways with half-close, a refused port is
// reported on the error stream in kubectl's words while the session goes on
// serving, and resets, timeouts and bad headers end only what they concern.

import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { dialTcp } from '../../main/addon/splice.ts';
import { portDialer } from '../../main/kubelet/streaming/podSandboxTarget.ts';
import { PortForwardRequests } from '../../main/kubelet/streaming/portForwardRequests.ts';
import { RstStatus } from '../../main/kubelet/streaming/spdy/frames.ts';
import { SpdySession } from '../../main/kubelet/streaming/spdy/session.ts';
import { connectedPair, type SpdyTestClient } from './streaming-spdy-client.ts';

/** The pod's port: answers what it was sent once the client has sent everything. */
let pod: Server;
let podPort: number;
let refusedPort: number;

before(async () => {
  pod = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => socket.end(`pod got: ${Buffer.concat(chunks).toString()}`));
  });
  podPort = await listen(pod);
  const closed = createServer();
  refusedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});

after(() => pod.close());

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

interface Forwarding {
  client: SpdyTestClient;
  requests: Promise<PortForwardRequests>;
  session: Promise<SpdySession>;
  close(): Promise<void>;
}

const running: Forwarding[] = [];

async function startForwarding(creationTimeoutMs?: number): Promise<Forwarding> {
  let resolveRequests!: (r: PortForwardRequests) => void;
  let resolveSession!: (s: SpdySession) => void;
  const requests = new Promise<PortForwardRequests>((resolve) => (resolveRequests = resolve));
  const session = new Promise<SpdySession>((resolve) => (resolveSession = resolve));
  const { client, server } = await connectedPair((socket) => {
    const forwarder = new PortForwardRequests({ pod: 'sandbox-1', uid: '', dial: portDialer(dialTcp, '127.0.0.1') }, creationTimeoutMs);
    const spdy = new SpdySession(socket, { accept: (h) => forwarder.accept(h), onStream: (s) => forwarder.add(s) });
    void spdy.done.then(() => forwarder.close());
    resolveRequests(forwarder);
    resolveSession(spdy);
  });
  const forwarding: Forwarding = {
    client,
    requests,
    session,
    async close() {
      client.close();
      await (await session).done;
      server.close();
    },
  };
  running.push(forwarding);
  return forwarding;
}

afterEach(async () => {
  for (const f of running.splice(0)) await f.close();
});

/** What kubectl's handleConnection does: the error stream (closed for writing at once), then the data stream. */
async function request(client: SpdyTestClient, port: number, requestId: number): Promise<{ error: number; data: number }> {
  const headers = { port: String(port), requestid: String(requestId) };
  const error = await client.open({ ...headers, streamtype: 'error' });
  client.write(error, '', true);
  const data = await client.open({ ...headers, streamtype: 'data' });
  return { error, data };
}

async function errorText(client: SpdyTestClient, error: number): Promise<string> {
  await client.until(`FIN on error stream ${error}`, () => client.finished(error));
  return client.data(error).toString();
}

describe('port forwarding over SPDY', () => {
  it('joins a request’s data stream to the pod’s port, half-close passing both ways', async () => {
    const { client } = await startForwarding();
    const { error, data } = await request(client, podPort, 0);
    client.write(data, 'GET / HTTP/1.0\r\n\r\n', true);
    await client.until('the answer and FIN', () => client.finished(data));
    assert.equal(client.data(data).toString(), 'pod got: GET / HTTP/1.0\r\n\r\n');
    assert.equal(await errorText(client, error), '', 'no error');
  });

  it('a refused port is told on the error stream in kubectl’s words, and the session goes on serving', async () => {
    const { client } = await startForwarding();
    const refused = await request(client, refusedPort, 0);
    assert.equal(await errorText(client, refused.error), `error forwarding port ${refusedPort} to pod sandbox-1, uid : dial tcp4 127.0.0.1:${refusedPort}: connect: connection refused`);
    await client.until('FIN on the data stream', () => client.finished(refused.data));
    const next = await request(client, podPort, 1);
    client.write(next.data, 'still here?', true);
    await client.until('the answer', () => client.finished(next.data));
    assert.equal(client.data(next.data).toString(), 'pod got: still here?');
  });

  it('serves several requests at once, each to its own connection, and forgets each once it is done', async () => {
    const { client, session } = await startForwarding();
    const pairs = await Promise.all([0, 1, 2, 3, 4].map((id) => request(client, podPort, id)));
    pairs.forEach(({ data }, i) => client.write(data, `request ${i}`, true));
    for (const [i, { data, error }] of pairs.entries()) {
      await client.until(`answer ${i}`, () => client.finished(data));
      assert.equal(client.data(data).toString(), `pod got: request ${i}`);
      assert.equal(await errorText(client, error), '');
    }
    await client.roundTrip(1);
    assert.equal((await session).openStreams, 0);
  });

  it('a data stream the client resets closes the pod connection and the error stream', async () => {
    const { client } = await startForwarding();
    const connection = nextPodConnection();
    const { error, data } = await request(client, podPort, 0);
    client.write(data, 'partial');
    const connected = await connection;
    const gone = new Promise((resolve) => connected.once('close', resolve));
    client.send({ type: 'rstStream', streamId: data, status: RstStatus.cancel });
    await gone;
    assert.equal(await errorText(client, error), '');
  });

  it('the end of the session closes the pod connections it opened', async () => {
    const f = await startForwarding();
    const connection = nextPodConnection();
    await request(f.client, podPort, 0);
    const connected = await connection;
    const gone = new Promise((resolve) => connected.once('close', resolve));
    f.client.close();
    await gone;
  });

  it('refuses streams without a valid port or stream type', async () => {
    const { client } = await startForwarding();
    const refusals = [
      await client.open({ streamtype: 'data', requestid: '0' }),
      await client.open({ streamtype: 'data', port: '0', requestid: '1' }),
      await client.open({ streamtype: 'data', port: 'http', requestid: '2' }),
      await client.open({ streamtype: 'resize', port: '80', requestid: '3' }),
    ];
    for (const id of refusals) {
      const reset = await client.waitFor(`RST_STREAM ${id}`, (f) => f.type === 'rstStream' && f.streamId === id);
      assert.equal(reset.type === 'rstStream' && reset.status, RstStatus.refusedStream);
    }
  });

  it('gives up a request whose second stream does not come', async () => {
    const { client } = await startForwarding(50);
    const error = await client.open({ streamtype: 'error', port: String(podPort), requestid: '7' });
    assert.equal(await errorText(client, error), 'timed out waiting for streams of request 7');
  });

  it('pairs the streams of a client that sends no request IDs by their stream IDs, as the kubelet does', async () => {
    const { client } = await startForwarding();
    const error = await client.open({ streamtype: 'error', port: String(podPort) });
    const data = await client.open({ streamtype: 'data', port: String(podPort) });
    client.write(data, 'old client', true);
    await client.until('the answer', () => client.finished(data));
    assert.equal(client.data(data).toString(), 'pod got: old client');
    assert.equal(await errorText(client, error), '');
  });
});

function nextPodConnection(): Promise<Socket> {
  return new Promise((resolve) => pod.once('connection', resolve));
}
