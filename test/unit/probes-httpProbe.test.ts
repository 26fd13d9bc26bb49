// httpGet probes against HTTP servers on 127.0.0.1 standing in for a pod whose
// sandbox publishes port 8080: what is sent, how answers and redirects are
// judged, and the messages, which name the pod IP as Kubernetes' do.

import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { probeHttp } from '../../main/kubelet/probes/httpProbe.ts';
import type { PodNetworkAccess } from '../../main/kubelet/probes/podNetwork.ts';
import type { ProbeTarget } from '../../main/kubelet/probes/probeTarget.ts';
import type { Container, Pod } from '../../main/kubelet/types.ts';
import type { ExecSyncResult } from '../../main/runtime/runtime.ts';

const POD_IP = '10.244.0.5';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
}

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function network(published: Record<number, number>): PodNetworkAccess {
  return { podIP: POD_IP, published: (port) => (published[port] ? { host: '127.0.0.1', port: published[port]! } : undefined) };
}

const container: Container = { name: 'app', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] };
const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'uid-1' }, spec: { containers: [container] } };

function target(access: PodNetworkAccess | undefined, exec?: (command: string[]) => ExecSyncResult): ProbeTarget {
  return {
    pod,
    container,
    containerId: 'c1',
    timeoutMs: 1000,
    settleMs: 50,
    network: access,
    runtime: { execSync: async (_id, command) => (exec ? exec(command) : { exitCode: 1, stdout: '', stderr: 'no exec here' }) },
  };
}

describe('httpGet probe', () => {
  const seen: Seen[] = [];
  let handler: RequestListener = (_req, res) => res.end('ok');
  let server: Server;
  let port: number;
  let access: PodNetworkAccess;

  before(async () => {
    server = createHttpServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders });
      handler(req, res);
    });
    port = await listen(server);
    access = network({ 8080: port });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function serve(next: RequestListener): void {
    seen.length = 0;
    handler = next;
  }

  test('sends GET with the kubelet headers and succeeds on 200 with the body as output', async () => {
    serve((_req, res) => res.end('healthy'));
    const output = await probeHttp({ path: '/healthz?full=1', port: 8080, httpHeaders: [{ name: 'x-custom', value: 'a' }] }, target(access));
    assert.deepEqual(output, { status: 'success', output: 'healthy' });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.url, '/healthz?full=1');
    assert.equal(seen[0]!.headers['user-agent'], 'kube-probe/1.32');
    assert.equal(seen[0]!.headers.accept, '*/*');
    assert.equal(seen[0]!.headers.host, `${POD_IP}:8080`);
    assert.ok(seen[0]!.rawHeaders.includes('X-Custom'), 'header names are sent in Go canonical form');
    assert.equal(seen[0]!.headers['x-custom'], 'a');
  });

  test('a named port, a Host header, a User-Agent and an emptied Accept from the probe are honoured', async () => {
    serve((_req, res) => res.end());
    const output = await probeHttp(
      { port: 'http', httpHeaders: [{ name: 'Host', value: 'example.test' }, { name: 'User-Agent', value: 'mine' }, { name: 'Accept', value: '' }] },
      target(access),
    );
    assert.equal(output.status, 'success');
    assert.equal(seen[0]!.url, '/');
    assert.equal(seen[0]!.headers.host, 'example.test');
    assert.equal(seen[0]!.headers['user-agent'], 'mine');
    assert.equal(seen[0]!.headers.accept, undefined);
  });

  test('statuses 400 and up fail with the status code and without the body', async () => {
    for (const status of [404, 500]) {
      serve((_req, res) => {
        res.statusCode = status;
        res.end('secret details');
      });
      assert.deepEqual(await probeHttp({ path: '/nope', port: 8080 }, target(access)), { status: 'failure', output: `HTTP probe failed with statuscode: ${status}` });
    }
  });

  test('a redirect to the same host is followed', async () => {
    serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { Location: '/new' });
        res.end();
      } else res.end(`at ${req.url}`);
    });
    assert.deepEqual(await probeHttp({ path: '/old', port: 8080 }, target(access)), { status: 'success', output: 'at /new' });
    assert.deepEqual(seen.map((s) => s.url), ['/old', '/new']);
    assert.equal(seen[1]!.headers['user-agent'], 'kube-probe/1.32');
  });

  test('a redirect to another host is not followed: success with a warning that carries the body', async () => {
    serve((_req, res) => {
      res.writeHead(301, { Location: 'http://elsewhere.example/' });
      res.end('moved');
    });
    assert.deepEqual(await probeHttp({ port: 8080 }, target(access)), { status: 'warning', output: 'Probe terminated redirects, Response body: moved' });
    assert.equal(seen.length, 1);
  });

  test('a redirect loop stops after 10 requests', async () => {
    serve((_req, res) => {
      res.writeHead(302, { Location: '/loop' });
      res.end();
    });
    assert.deepEqual(await probeHttp({ path: '/loop', port: 8080 }, target(access)), { status: 'failure', output: 'Get "/loop": stopped after 10 redirects' });
    assert.equal(seen.length, 10);
  });

  test('the body is read up to 10 KiB', async () => {
    serve((_req, res) => res.end('x'.repeat(50_000)));
    const output = await probeHttp({ port: 8080 }, target(access));
    assert.equal(output.status, 'success');
    assert.equal(output.output.length, 10 * 1024);
  });

  test('a port that is not a number nor a declared name errors as strconv does', async () => {
    assert.deepEqual(await probeHttp({ port: 'metrics' }, target(access)), { status: 'unknown', output: '', error: 'strconv.Atoi: parsing "metrics": invalid syntax' });
  });

  test('nothing listening behind the published port fails as a refused dial to the pod IP', async () => {
    const refused = network({ 8080: await closedPort() });
    assert.deepEqual(await probeHttp({ path: '/healthz', port: 8080 }, target(refused)), {
      status: 'failure',
      output: `Get "http://${POD_IP}:8080/healthz": dial tcp ${POD_IP}:8080: connect: connection refused`,
    });
  });

  test("a port proxy that accepts and hangs up (nothing listens in the pod) reads as refused too", async () => {
    const proxy = createTcpServer((socket) => socket.destroy());
    const proxyPort = await listen(proxy);
    try {
      const output = await probeHttp({ port: 8080 }, target(network({ 8080: proxyPort })));
      assert.deepEqual(output, { status: 'failure', output: `Get "http://${POD_IP}:8080": dial tcp ${POD_IP}:8080: connect: connection refused` });
    } finally {
      proxy.close();
    }
  });

  test('HTTPS skips certificate verification, as the kubelet does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probes-https-'));
    const pki = loadOrCreatePki(dir, 'probes-test');
    const tls = createHttpsServer({ cert: pki.serverCert, key: pki.serverKey }, (_req, res) => res.end('secure'));
    const tlsPort = await listen(tls);
    try {
      assert.deepEqual(await probeHttp({ scheme: 'HTTPS', port: 8443 }, target(network({ 8443: tlsPort }))), { status: 'success', output: 'secure' });
    } finally {
      tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without a ready sandbox the probe errors instead of failing', async () => {
    const output = await probeHttp({ port: 8080 }, target(undefined));
    assert.equal(output.status, 'unknown');
    assert.match(output.error ?? '', /no ready sandbox/);
  });

  describe('a port the sandbox does not publish is reached with nc inside the pod', () => {
    test('the raw request goes to the pod IP and the answer is judged the same way', async () => {
      const commands: string[][] = [];
      const output = await probeHttp(
        { path: '/ready', port: 9090 },
        target(access, (command) => {
          commands.push(command);
          return { exitCode: 0, stdout: '', stderr: 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy' };
        }),
      );
      assert.deepEqual(output, { status: 'failure', output: 'HTTP probe failed with statuscode: 503' });
      const command = commands[0]!;
      assert.deepEqual(command.slice(0, 5), ['nc', '-w', '1', POD_IP, '9090']);
      const request = command.at(-1)!;
      assert.match(request, /^GET \/ready HTTP\/1\.1\r\nHost: 10\.244\.0\.5:9090\r\n/);
      assert.match(request, /\r\nUser-Agent: kube-probe\/1\.32\r\n/);
      assert.match(request, /\r\nConnection: close\r\n\r\n$/);
    });

    test('a chunked 200 is a success with the decoded body', async () => {
      const output = await probeHttp(
        { port: 9090 },
        target(access, () => ({ exitCode: 0, stdout: '', stderr: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n' })),
      );
      assert.deepEqual(output, { status: 'success', output: 'ok!!!' });
    });

    test("nc's refusal becomes the dial error", async () => {
      const output = await probeHttp(
        { port: 9090 },
        target(access, () => ({ exitCode: 1, stdout: '', stderr: "nc: can't connect to remote host (10.244.0.5): Connection refused\n" })),
      );
      assert.deepEqual(output, { status: 'failure', output: `Get "http://${POD_IP}:9090": dial tcp ${POD_IP}:9090: connect: connection refused` });
    });

    test('an image without nc errors and says why', async () => {
      const output = await probeHttp(
        { port: 9090 },
        target(access, () => ({ exitCode: 126, stdout: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nc": executable file not found in $PATH: unknown\r\n', stderr: '' })),
      );
      assert.equal(output.status, 'unknown');
      assert.match(output.error ?? '', /^port 9090 is not published by the pod's sandbox, and the container has no nc/);
    });
  });
});
