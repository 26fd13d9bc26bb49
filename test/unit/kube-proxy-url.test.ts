// A kubeconfig cluster's proxy-url, as kubectl honours it: a PodLab cluster
// (`podlab serve --runtime simulated`) behind small proxies written here on
// 127.0.0.1: an HTTP CONNECT proxy (plain and over TLS) and a SOCKS5 proxy,
// both with a login. The kubeconfig names the API server by a host name that
// only the proxies know (they map it to 127.0.0.1; nothing resolves it), so
// every answer proves its connection went through a proxy: lists, a watch,
// a write, a log stream and an exec WebSocket. Refusals (407, 403, wrong
// SOCKS login, a SOCKS ruleset) come back as messages that say what to check.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { HttpKubeClient } from '../../main/kube/client/httpClient.ts';
import type { ClientWatchEvent } from '../../main/kube/client/types.ts';
import { contextTarget, type ContextTarget } from '../../main/kube/kubeconfig/contextEndpoint.ts';
import { loadKubeconfig } from '../../main/kube/kubeconfig/kubeconfigFiles.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { contextConnection } from '../../main/ui/contextConnection.ts';
import { kubePodStreams } from '../../main/ui/kubePodStreams.ts';
import { eventually } from '../helpers/eventually.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

// Reserved for tests (RFC 2606): never resolved; the proxies map it to 127.0.0.1.
const apiHost = 'podlab-api.test';

interface Proxy {
  url: string;
  /** Tunnels opened, with the host:port each was asked for. */
  tunnels: string[];
  close(): Promise<void>;
}

/** The API server's port for apiHost, anything else refused by the proxy's rules. */
let apiPort = 0;

function tunnelTo(host: string, port: number): Socket | undefined {
  return host === apiHost && port === apiPort ? connect(apiPort, '127.0.0.1') : undefined;
}

function listening(server: Server, scheme: string, login = ''): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`${scheme}://${login}127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function closing(server: Server): Promise<void> {
  (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Once `upstream` connects: the proxy's success reply, the bytes the client sent early, then both ways spliced. */
function splice(client: Duplex, upstream: Socket, reply: string | Buffer, early: Buffer): void {
  upstream.on('connect', () => {
    client.write(reply);
    if (early.length) upstream.write(early);
    client.pipe(upstream).pipe(client);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
}

/** The proxy as the tests hold it: closing ends every tunnel still open. */
async function proxyOn(server: Server, scheme: string, tunnels: string[], sockets: Set<Duplex>): Promise<Proxy> {
  const url = await listening(server, scheme, 'user:secret@');
  return {
    url,
    tunnels,
    close: async () => {
      for (const s of sockets) s.destroy();
      await closing(server);
    },
  };
}

/** An HTTP CONNECT proxy wanting Basic user:secret; `tls`: served over HTTPS. */
async function connectProxy(tls?: { key: string; cert: string }): Promise<Proxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Duplex>();
  const server = tls ? createHttpsServer(tls) : createHttpServer();
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    if (req.headers['proxy-authorization'] !== `Basic ${Buffer.from('user:secret').toString('base64')}`) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = [req.url!.slice(0, req.url!.lastIndexOf(':')), Number(req.url!.slice(req.url!.lastIndexOf(':') + 1))];
    const upstream = tunnelTo(host, port);
    if (!upstream) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    tunnels.push(req.url!);
    sockets.add(upstream);
    splice(client, upstream, 'HTTP/1.1 200 Connection Established\r\n\r\n', head);
  });
  return proxyOn(server, tls ? 'https' : 'http', tunnels, sockets);
}

/** A SOCKS5 proxy with the RFC 1929 login user:secret. */
async function socksProxy(): Promise<Proxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Duplex>();
  const server = createNetServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let stage: 'greeting' | 'login' | 'request' | 'open' = 'greeting';
    client.on('data', (chunk: Buffer) => {
      if (stage === 'open') return;
      buffered = Buffer.concat([buffered, chunk]);
      if (stage === 'greeting' && buffered.length >= 2 && buffered.length >= 2 + buffered[1]!) {
        const methods = [...buffered.subarray(2, 2 + buffered[1]!)];
        buffered = buffered.subarray(2 + buffered[1]!);
        if (!methods.includes(2)) return void client.end(Buffer.from([5, 0xff]));
        client.write(Buffer.from([5, 2]));
        stage = 'login';
      }
      if (stage === 'login' && buffered.length >= 2) {
        const ulen = buffered[1]!;
        if (buffered.length < 3 + ulen || buffered.length < 3 + ulen + buffered[2 + ulen]!) return;
        const plen = buffered[2 + ulen]!;
        const user = buffered.subarray(2, 2 + ulen).toString();
        const pass = buffered.subarray(3 + ulen, 3 + ulen + plen).toString();
        buffered = buffered.subarray(3 + ulen + plen);
        if (user !== 'user' || pass !== 'secret') return void client.end(Buffer.from([1, 1]));
        client.write(Buffer.from([1, 0]));
        stage = 'request';
      }
      if (stage === 'request' && buffered.length >= 5 && buffered[3] === 3 && buffered.length >= 7 + buffered[4]!) {
        const host = buffered.subarray(5, 5 + buffered[4]!).toString();
        const port = buffered.readUInt16BE(5 + buffered[4]!);
        const rest = buffered.subarray(7 + buffered[4]!);
        stage = 'open';
        const upstream = tunnelTo(host, port);
        // Reply 2: connection not allowed by ruleset.
        if (!upstream) return void client.end(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]));
        tunnels.push(`${host}:${port}`);
        sockets.add(upstream);
        splice(client, upstream, Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]), rest);
      }
    });
  });
  return proxyOn(server, 'socks5', tunnels, sockets);
}

describe('proxy-url', () => {
  const dir = tempDir('proxy-url');
  let remote: PodlabServe;
  let cluster: { ca: string; token: string };
  let plain: Proxy;
  let overTls: Proxy;
  let socks: Proxy;

  /** A context of a kubeconfig that reaches the cluster as https://apiHost:PORT through `proxyUrl` (or, without one, the proxy `env` names). */
  function target(proxyUrl: string | undefined, server = `https://${apiHost}:${apiPort}`, env: Record<string, string> = {}): ContextTarget {
    const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    writeFileSync(
      path,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'remote', cluster: { server, 'certificate-authority-data': cluster.ca, 'tls-server-name': 'localhost', ...(proxyUrl ? { 'proxy-url': proxyUrl } : {}) } }],
        users: [{ name: 'admin', user: { token: cluster.token } }],
        contexts: [{ name: 'remote', context: { cluster: 'remote', user: 'admin' } }],
      }),
    );
    return contextTarget(loadKubeconfig([path]), 'remote', { env });
  }

  before(async () => {
    remote = await startPodlab(['--runtime', 'simulated', '--name', 'proxied'], join(dir, 'remote'));
    const admin = parse(readFileSync(remote.kubeconfig, 'utf8'));
    apiPort = Number(new URL(admin.clusters[0].cluster.server).port);
    cluster = { ca: admin.clusters[0].cluster['certificate-authority-data'], token: admin.users[0].user.token };
    // The HTTPS proxy shows the cluster's own serving certificate: Go's transport checks an https proxy with the cluster's CA.
    const pki = join(remote.dataDir, 'pki');
    plain = await connectProxy();
    overTls = await connectProxy({ key: readFileSync(join(pki, 'apiserver.key'), 'utf8'), cert: readFileSync(join(pki, 'apiserver.crt'), 'utf8') });
    socks = await socksProxy();
    const client = new HttpKubeClient(target(plain.url).source);
    await client.resource({ group: '', version: 'v1', plural: 'pods' }).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'busybox:1.36', command: ['sh', '-c', 'while true; do sleep 1; done'] }] } } as KubeObject);
    await eventually('pod web Running', async () => ((await client.resource({ group: '', version: 'v1', plural: 'pods' }).get('default', 'web')) as KubeObject & { status?: { phase?: string } }).status?.phase === 'Running');
  });
  after(async () => {
    await Promise.all([plain?.close(), overTls?.close(), socks?.close()]);
    await remote?.stop();
    removeDir(dir);
  });

  for (const [name, proxy] of [['an HTTP CONNECT proxy', () => plain], ['an HTTP CONNECT proxy over TLS', () => overTls], ['a SOCKS5 proxy', () => socks]] as const) {
    test(`discovery, lists, a watch, a write, a log and an exec WebSocket go through ${name}`, async () => {
      const through = proxy();
      const before = through.tunnels.length;
      const context = target(through.url);
      const connection = await contextConnection(context);
      const configMaps = connection.client.resource({ group: '', version: 'v1', plural: 'configmaps' });
      const seen: ClientWatchEvent[] = [];
      const list = await configMaps.list('default');
      const watch = configMaps.watch('default', { resourceVersion: list.metadata.resourceVersion }, (e) => seen.push(e));
      const cm = `via-${through.url.split(':')[0]}`;
      await configMaps.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm } } as KubeObject);
      await eventually('the watch sees the write', async () => seen.some((e) => e.type === 'ADDED' && e.object.metadata.name === cm));
      watch.stop();
      await watch.done;

      const abort = new AbortController();
      let log = '';
      for await (const chunk of connection.streams.logs('default', 'web', { container: 'web', follow: false, previous: false, timestamps: false, signal: abort.signal })) log += chunk;
      assert.ok(log.length > 0, 'the log came back through the proxy');
      // The simulated runtime runs no processes: the API server's own answer proves the WebSocket reached it.
      const session = await connection.streams.exec('default', 'web', 'web', ['true'], false);
      await assert.rejects(session.exit, /exec is not supported/);

      // Tunnels are kept alive and reused, as direct connections are: at least the watch's is new.
      assert.ok(through.tunnels.length > before);
      assert.ok(through.tunnels.every((t) => t === `${apiHost}:${apiPort}`));
    });
  }

  test('an exec WebSocket opens its own tunnel', async () => {
    const before = socks.tunnels.length;
    const streams = kubePodStreams(target(socks.url).source);
    const session = await streams.exec('default', 'web', 'web', ['true'], false);
    await assert.rejects(session.exit);
    assert.ok(socks.tunnels.length > before);
  });

  test('a proxy that wants credentials (407) says so', async () => {
    const noLogin = plain.url.replace('user:secret@', '');
    await assert.rejects(contextConnection(target(noLogin)), /127\.0\.0\.1:\d+ refused the tunnel to podlab-api\.test:\d+: HTTP\/1\.1 407 Proxy Authentication Required\. The proxy wants credentials: put them in the cluster's proxy-url as http:\/\/USER:PASSWORD@host:port/);
    const wrong = plain.url.replace('user:secret@', 'user:nope@');
    await assert.rejects(contextConnection(target(wrong)), /407 Proxy Authentication Required\. The proxy wants credentials: it did not accept user "user"; check the user and password in the cluster's proxy-url/);
    // The WebSocket streams get the same message.
    await assert.rejects(kubePodStreams(target(noLogin).source).exec('default', 'web', 'web', ['true'], false), /407 Proxy Authentication Required/);
    // The password never appears in a message.
    await assert.rejects(contextConnection(target(wrong)), (err: Error) => !err.message.includes('nope'));
  });

  test('a proxy that does not allow the server (403, SOCKS ruleset) says so', async () => {
    await assert.rejects(contextConnection(target(plain.url, 'https://elsewhere.test:6443')), /refused the tunnel to elsewhere\.test:6443: HTTP\/1\.1 403 Forbidden\. The proxy does not allow connections to elsewhere\.test:6443/);
    await assert.rejects(contextConnection(target(socks.url, 'https://elsewhere.test:6443')), /\(SOCKS5\) refused the connection to elsewhere\.test:6443: connection not allowed by ruleset/);
    await assert.rejects(contextConnection(target(socks.url.replace('user:secret@', 'user:nope@'))), /\(SOCKS5\) did not accept user "user": check the user and password in the cluster's proxy-url/);
    await assert.rejects(contextConnection(target(socks.url.replace('user:secret@', ''))), /\(SOCKS5\) requires authentication/);
  });

  test('without a proxy-url, HTTPS_PROXY (or https_proxy) from the environment is used, and NO_PROXY and loopback servers go direct', async () => {
    const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
    const before = plain.tunnels.length;
    await (await contextConnection(target(undefined, undefined, { https_proxy: plain.url }))).client.resource(configMaps).list('default');
    assert.ok(plain.tunnels.length > before, 'the request went through the proxy the environment names');
    // The proxy-url, when there is one, comes first.
    const socksBefore = socks.tunnels.length;
    await (await contextConnection(target(socks.url, undefined, { HTTPS_PROXY: plain.url }))).client.resource(configMaps).list('default');
    assert.ok(socks.tunnels.length > socksBefore);
    // A loopback server, and one NO_PROXY lists, go direct: the proxy sees no new tunnel.
    const direct = plain.tunnels.length;
    await (await contextConnection(target(undefined, `https://127.0.0.1:${apiPort}`, { HTTPS_PROXY: plain.url }))).client.resource(configMaps).list('default');
    assert.equal(plain.tunnels.length, direct);
    assert.equal((await target(undefined, undefined, { HTTPS_PROXY: plain.url, NO_PROXY: '.test' }).source.current()).proxyUrl, undefined);
    // A refusal says which variable to change.
    await assert.rejects(contextConnection(target(undefined, undefined, { HTTPS_PROXY: plain.url.replace('user:secret@', '') })), /407 Proxy Authentication Required\. The proxy wants credentials: put them in HTTPS_PROXY as http:\/\/USER:PASSWORD@host:port/);
  });
});
