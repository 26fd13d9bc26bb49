// Port forwarding over the WebSocket channel protocol (v4.channel.k8s.io,
// its base64 variant), as the JavaScript and Python clients use it: the
// JavaScript client's own PortForward end to end, then the protocol byte by
// byte with ws against real TCP servers on 127.0.0.1 standing in for the
// pod's ports: the port bytes that open each channel, two ports on one
// connection, text messages, a refused port on the error channel, the close
// once the pod is done, and the 400s before the upgrade.

import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect as connectTcp, createServer, type AddressInfo, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { KubeConfig, PortForward as ClientPortForward } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { dialTcp } from '../../main/addon/splice.ts';
import { StatusError } from '../../main/apiserver/errors.ts';
import { portDialer, type SandboxTarget } from '../../main/kubelet/streaming/podSandboxTarget.ts';
import { PortForward } from '../../main/kubelet/streaming/portForward.ts';
import { parsePortForwardPorts } from '../../main/kubelet/streaming/portForwardChannels.ts';

function listen(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

interface Frame {
  channel: number;
  data: Buffer;
}

describe('port forwarding over WebSocket channels', () => {
  /** Answers every chunk with `NAME got: CHUNK`. */
  const pods: Server[] = [];
  let podA: number;
  let podB: number;
  /** Says bye and closes at once. */
  let briefPod: number;
  let refusedPort: number;
  let api: HttpServer;
  let apiPort: number;
  let sandboxEnded: () => void = () => {};

  const target = (): SandboxTarget => ({
    pod: 'sandbox-1',
    uid: '',
    dial: portDialer(dialTcp, '127.0.0.1'),
    ended: (signal) =>
      new Promise((resolve) => {
        sandboxEnded = () => resolve(true);
        signal.addEventListener('abort', () => resolve(false));
      }),
  });

  before(async () => {
    const echo = (name: string) => createServer((socket) => socket.on('data', (chunk: Buffer) => socket.write(`${name} got: ${chunk.toString()}`)));
    const a = echo('a');
    const b = echo('b');
    const brief = createServer((socket) => socket.end('bye'));
    pods.push(a, b, brief);
    [podA, podB, briefPod] = await Promise.all([listen(a), listen(b), listen(brief)]);
    const closed = createServer();
    refusedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));

    // The API server's part: the ports decoded from the query before the upgrade, refusals as Status answers.
    api = createHttpServer();
    api.on('upgrade', (req, socket, head) => {
      const run = async () => new PortForward(async () => target(), parsePortForwardPorts(new URL(req.url ?? '/', 'http://x').searchParams)).upgrade(req, socket, head);
      run().catch((error: unknown) => {
        const status = (error as StatusError).status;
        socket.end(`HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(status)}`);
      });
    });
    apiPort = await listen(api);
  });

  after(async () => {
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    for (const pod of pods) pod.close();
  });

  function connect(query: string, protocols: string[] = ['v4.channel.k8s.io']) {
    const ws = new WebSocket(`ws://127.0.0.1:${apiPort}/api/v1/namespaces/default/pods/web/portforward${query}`, protocols);
    const frames: Frame[] = [];
    ws.on('message', (data: Buffer) => frames.push({ channel: data[0]!, data: data.subarray(1) }));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const opened = new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    const received = (channel: number) => Buffer.concat(frames.filter((f) => f.channel === channel).map((f) => f.data));
    const send = (channel: number, text: string) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text)]));
    return { ws, frames, closed, opened, received, send };
  }

  const portBytes = (port: number) => {
    const bytes = Buffer.alloc(2);
    bytes.writeUInt16LE(port);
    return bytes;
  };

  test("the JavaScript client's PortForward reaches the pod's port", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'podlab', server: `http://127.0.0.1:${apiPort}`, skipTLSVerify: true }],
      users: [{ name: 'admin' }],
      contexts: [{ name: 'podlab', cluster: 'podlab', user: 'admin' }],
      currentContext: 'podlab',
    });
    const forward = new ClientPortForward(kc);
    // The client's usual setup: a local server whose connections are forwarded one WebSocket each.
    const local = createServer((socket) => void forward.portForward('default', 'web', [podA], socket, null, socket));
    const localPort = await listen(local);
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connectTcp(localPort, '127.0.0.1', () => socket.write('hello'));
        socket.on('data', (chunk: Buffer) => {
          socket.destroy();
          resolve(chunk.toString());
        });
        socket.on('error', reject);
      });
      assert.equal(answer, 'a got: hello');
    } finally {
      local.close();
    }
  });

  test('two ports on one connection: each channel opens with its port, data goes to its own pod port, a text message too', async () => {
    const client = connect(`?ports=${podA},${podB}`);
    await client.opened;
    assert.equal(client.ws.protocol, 'v4.channel.k8s.io');
    await until('the port bytes on all four channels', () => client.frames.length >= 4);
    assert.deepEqual(
      client.frames.slice(0, 4).map((f) => [f.channel, [...f.data]]),
      [0, 1, 2, 3].map((channel) => [channel, [...portBytes(channel < 2 ? podA : podB)]]),
    );
    client.send(0, 'one');
    await until('pod a to answer', () => client.received(0).toString().endsWith('a got: one'));
    client.ws.send('\u0002two', { binary: false });
    await until('pod b to answer a text message', () => client.received(2).toString().endsWith('b got: two'));
    // What a client writes on an error channel is dropped.
    client.send(1, 'ignored');
    client.ws.close();
    assert.equal(await client.closed, 1005);
  });

  test('a refused port: the kubelet’s words on the error channel, then a normal close', async () => {
    const client = connect(`?ports=${refusedPort}`);
    await client.opened;
    assert.equal(await client.closed, 1000);
    assert.equal(
      client.received(1).subarray(2).toString(),
      `error forwarding port ${refusedPort} to pod sandbox-1, uid : dial tcp4 127.0.0.1:${refusedPort}: connect: connection refused`,
    );
  });

  test('the pod closes its connection: what it said arrives, then the WebSocket closes normally', async () => {
    const client = connect(`?ports=${briefPod}`);
    await client.opened;
    assert.equal(await client.closed, 1000);
    assert.equal(client.received(0).subarray(2).toString(), 'bye');
    assert.equal(client.received(1).length, 2, `no error, only the port: ${client.received(1).toString()}`);
  });

  test('the sandbox going away closes the WebSocket', async () => {
    const client = connect(`?ports=${podA}`);
    await client.opened;
    await until('the port bytes', () => client.frames.length >= 2);
    sandboxEnded();
    assert.equal(await client.closed, 1000);
  });

  test('v4.base64.channel.k8s.io, and no subprotocol at all (binary)', async () => {
    const base64 = new WebSocket(`ws://127.0.0.1:${apiPort}/portforward?ports=${podA}`, ['v4.base64.channel.k8s.io']);
    const texts: string[] = [];
    base64.on('message', (data: Buffer, binary: boolean) => texts.push(`${binary ? 'binary' : 'text'}:${data.toString()}`));
    await new Promise((resolve, reject) => base64.on('open', resolve).on('error', reject));
    base64.send(`0${Buffer.from('b64').toString('base64')}`);
    await until('the answer', () => texts.length >= 3);
    assert.deepEqual(texts, [`text:0${portBytes(podA).toString('base64')}`, `text:1${portBytes(podA).toString('base64')}`, `text:0${Buffer.from('a got: b64').toString('base64')}`]);
    base64.close();

    const plain = connect(`?ports=${podB}`, []);
    await plain.opened;
    assert.equal(plain.ws.protocol, '');
    plain.send(0, 'plain');
    await until('pod b', () => plain.received(0).toString().endsWith('b got: plain'));
    plain.ws.close();
    await plain.closed;
  });

  test('refused before the upgrade: no ports, port 0, a port that is not a number, an unknown subprotocol', async () => {
    const refusal = async (query: string, protocols = ['v4.channel.k8s.io']) => {
      const ws = new WebSocket(`ws://127.0.0.1:${apiPort}/portforward${query}`, protocols);
      ws.on('error', () => {});
      return new Promise<{ code: number; message: string }>((resolve) =>
        ws.on('unexpected-response', (_req, res) => {
          const body = new PassThrough();
          let text = '';
          res.pipe(body);
          body.on('data', (c: Buffer) => (text += c.toString()));
          body.on('end', () => resolve({ code: res.statusCode ?? 0, message: JSON.parse(text).message }));
        }),
      );
    };
    assert.deepEqual(await refusal(''), { code: 400, message: 'query parameter "port" is required' });
    assert.deepEqual(await refusal('?ports=0'), { code: 400, message: 'port "0" must be > 0' });
    assert.deepEqual(await refusal('?ports=80,http'), { code: 400, message: 'cannot convert to []int32: strconv.ParseUint: parsing "http": invalid syntax' });
    assert.deepEqual(await refusal('?ports=70000'), { code: 400, message: 'cannot convert to []int32: strconv.ParseUint: parsing "70000": value out of range' });
    assert.equal((await refusal(`?ports=${podA}`, ['v5.channel.k8s.io'])).code, 400);
  });
});
