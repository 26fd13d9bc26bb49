// `kubectl port-forward` as users run it: the real kubectl against `podlab
// serve` on the Docker runtime, to a busybox httpd pod. kubectl 1.31+ tunnels
// SPDY/3.1 through a WebSocket and falls back to a direct SPDY upgrade
// (forced here with KUBECTL_PORT_FORWARD_WEBSOCKETS=false); both must carry
// several megabytes (past every 64 KiB flow-control window) and concurrent
// connections, to pods, Services and Deployments alike, report a refused port
// in kubectl's words, and end when the pod goes away, leaving no connection
// to the pod behind.

import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { get as httpGet, request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { rawRequest, targetFromKubeconfig } from '../helpers/apiClient.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectlBinary, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `pfw-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('port-forward');
const docker = new Docker();
let serve: PodlabServe;
let kc: string;
/** The Deployment's pod, and the md5 of the file written into it. */
let podName: string;
let bigFileMd5: string;
const BIG_FILE_BYTES = 4 * 1024 * 1024;

// httpd on 8080 (declared: reached through the sandbox's published port) and
// 8081 (not declared: reached through the cluster add-on's tunnel); nothing on 8082.
const httpdScript =
  'mkdir -p /www /www2 && echo "hello from $(hostname)" > /www/index.html && echo "second port" > /www2/index.html && httpd -p 8081 -h /www2 && exec httpd -f -p 8080 -h /www';

// CGI scripts for busybox httpd (their headers end in CRLF: Node's HTTP parser insists): an
// answer that never ends, and the md5 of what was posted.
const cgiScripts = {
  zeros: '#!/bin/sh\nprintf "Content-Type: application/octet-stream\\r\\n\\r\\n"\nexec cat /dev/zero\n',
  md5: '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nhead -c "$CONTENT_LENGTH" | md5sum\n',
};

function podSpec(): string {
  return `
    terminationGracePeriodSeconds: 1
    containers:
    - name: httpd
      image: busybox:1.36
      imagePullPolicy: IfNotPresent
      command: [sh, -c, '${httpdScript}']
      ports: [{containerPort: 8080}]`;
}

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:${podSpec().replace(/\n {4}/g, '\n      ')}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

interface PortForwardProcess {
  child: ChildProcessWithoutNullStreams;
  /** stdout and stderr as kubectl printed them so far. */
  output(): string;
  /** The local port of the `index`-th `Forwarding from 127.0.0.1:PORT` line. */
  localPort(index?: number): Promise<number>;
  exit: Promise<number | null>;
  stop(): Promise<void>;
}

const started: PortForwardProcess[] = [];

function portForward(args: string[], env: Record<string, string> = {}): PortForwardProcess {
  const child = spawn(kubectlBinary, ['port-forward', ...args], { env: { ...process.env, KUBECONFIG: kc, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const forward: PortForwardProcess = {
    child,
    output: () => output,
    async localPort(index = 0) {
      return eventually(`kubectl port-forward ${args.join(' ')} to listen`, async () => {
        const ports = [...output.matchAll(/^Forwarding from 127\.0\.0\.1:(\d+) -> \d+$/gm)].map((m) => Number(m[1]));
        if (child.exitCode !== null) throw new Error(`kubectl exited (${child.exitCode}):\n${output}`);
        return ports.length > index ? ports[index] : undefined;
      });
    },
    exit,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exit;
    },
  };
  started.push(forward);
  return forward;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A GET on its own connection (every request is a new forwarded connection). */
function get(port: number, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpGet({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** POSTs `body` to the md5 CGI script: what the pod received, as md5sum prints it. */
function postForMd5(port: number, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: '/cgi-bin/md5', method: 'POST', agent: false, headers: { 'Content-Length': body.length } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve(text.split(/\s/)[0]!));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Established connections of the podlab process to 127.0.0.1:port (the pod's published port). */
async function podlabConnectionsTo(port: number): Promise<number> {
  const { stdout } = await promisify(execFile)('ss', ['-Htnp', 'state', 'established', 'dst', `127.0.0.1:${port}`]);
  return stdout.split('\n').filter((line) => line.includes(`pid=${serve.process.pid},`)).length;
}

/** Where the pod's sandbox publishes its container port 8080 on the host. */
async function publishedPort(pod: string): Promise<number> {
  const [sandbox] = await docker.listContainers({ filters: JSON.stringify({ label: [`io.kubernetes.pod.name=${pod}`, 'io.kubernetes.docker.type=podsandbox', `podlab.cluster=${cluster}`] }) });
  const port = sandbox?.Ports.find((p) => p.PrivatePort === 8080 && p.IP === '127.0.0.1')?.PublicPort;
  assert.ok(port, `the sandbox of ${pod} publishes 8080`);
  return port;
}

describe('kubectl port-forward', { timeout: 300_000 }, () => {
  before(async () => {
    await reserveSubnet(dataDir);
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '1'], dataDir);
    kc = serve.kubeconfig;
    await kubectlOk(kc, ['apply', '-f', '-'], manifests);
    await kubectlOk(kc, ['rollout', 'status', 'deployment/web', '--timeout=120s']);
    podName = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    // Written through kubectl exec, read back through the forward: several MB of random bytes.
    const sum = await kubectlOk(kc, ['exec', podName, '--', 'sh', '-c', `head -c ${BIG_FILE_BYTES} /dev/urandom > /www/big.bin && md5sum /www/big.bin`]);
    bigFileMd5 = sum.split(/\s/)[0]!;
    for (const [name, script] of Object.entries(cgiScripts)) {
      await kubectlOk(kc, ['exec', '-i', podName, '--', 'sh', '-c', `mkdir -p /www/cgi-bin && cat > /www/cgi-bin/${name} && chmod +x /www/cgi-bin/${name}`], script);
    }
  });

  after(async () => {
    for (const forward of started) await forward.stop();
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  it('pod/NAME LOCAL:8080 through the WebSocket tunnel: pages, 4 MB each way and concurrent connections', async () => {
    const local = await freePort();
    const forward = portForward([`pod/${podName}`, `${local}:8080`, '-v=6']);
    assert.equal(await forward.localPort(), local);
    // kubectl 1.32 asked for the tunnel and got it: no fallback to SPDY.
    assert.match(forward.output(), /GET https:\/\/\S+\/namespaces\/default\/pods\/\S+\/portforward 101 Switching Protocols/);
    assert.match(forward.output(), /negotiated protocol: portforward\.k8s\.io/);
    assert.doesNotMatch(forward.output(), /fallback to secondary dialer/);

    const index = await get(local, '/index.html');
    assert.equal(index.status, 200);
    assert.equal(index.body.toString(), `hello from ${podName}\n`);

    const big = await get(local, '/big.bin');
    assert.equal(big.body.length, BIG_FILE_BYTES);
    assert.equal(md5(big.body), bigFileMd5);

    const concurrent = await Promise.all([...Array.from({ length: 6 }, () => get(local, '/big.bin')), get(local, '/index.html'), get(local, '/missing')]);
    for (const response of concurrent.slice(0, 6)) assert.equal(md5(response.body), bigFileMd5);
    assert.equal(concurrent[6]!.body.toString(), `hello from ${podName}\n`);
    assert.equal(concurrent[7]!.status, 404);
    assert.equal((forward.output().match(/^Handling connection for \d+$/gm) ?? []).length, 10);

    // And the other way: megabytes posted through the forward reach the pod whole.
    const upload = randomBytes(BIG_FILE_BYTES);
    assert.equal(await postForMd5(local, upload), md5(upload));
    await forward.stop();
  });

  it('several ports at once, one declared by the pod and one not', async () => {
    const [first, second] = [await freePort(), await freePort()];
    const forward = portForward([`pod/${podName}`, `${first}:8080`, `${second}:8081`]);
    await forward.localPort(1);
    assert.equal((await get(first, '/index.html')).body.toString(), `hello from ${podName}\n`);
    assert.equal((await get(second, '/index.html')).body.toString(), 'second port\n');
    await forward.stop();
  });

  it('the direct SPDY/3.1 upgrade (KUBECTL_PORT_FORWARD_WEBSOCKETS=false) carries the same, both ways at once', async () => {
    const local = await freePort();
    const forward = portForward([`pod/${podName}`, `${local}:8080`, '-v=6'], { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    await forward.localPort();
    assert.match(forward.output(), /POST https:\/\/\S+\/namespaces\/default\/pods\/\S+\/portforward 101 Switching Protocols/);
    assert.doesNotMatch(forward.output(), /tunneling_dialer/);
    const upload = randomBytes(BIG_FILE_BYTES);
    const [big, index, uploaded] = await Promise.all([get(local, '/big.bin'), get(local, '/index.html'), postForMd5(local, upload)]);
    assert.equal(md5(big.body), bigFileMd5);
    assert.equal(index.body.toString(), `hello from ${podName}\n`);
    assert.equal(uploaded, md5(upload));
    await forward.stop();
  });

  it('svc/NAME LOCAL:80 goes to the targetPort of a pod behind the Service', async () => {
    const local = await freePort();
    const forward = portForward(['svc/web', `${local}:80`]);
    await forward.localPort();
    assert.match(forward.output(), new RegExp(`Forwarding from 127\\.0\\.0\\.1:${local} -> 8080`));
    assert.equal((await get(local, '/index.html')).body.toString(), `hello from ${podName}\n`);
    await forward.stop();
  });

  it('deploy/NAME :8080 picks a free local port', async () => {
    const forward = portForward(['deploy/web', ':8080']);
    const local = await forward.localPort();
    assert.equal(md5((await get(local, '/big.bin')).body), bigFileMd5);
    await forward.stop();
  });

  it('a port nothing listens on: kubectl prints the error stream’s text naming connection refused', async () => {
    const local = await freePort();
    const forward = portForward([`pod/${podName}`, `${local}:8082`]);
    await forward.localPort();
    await assert.rejects(get(local, '/'));
    await eventually('the error from the error stream', async () => /error forwarding port 8082 to pod [0-9a-f]{64}, uid : dial tcp4 [\d.]+:8082: connect: connection refused/.test(forward.output()));
    assert.match(forward.output(), /an error occurred forwarding \d+ -> 8082/);
    // kubectl (since 1.23) closes the whole connection after an error on a forwarded connection, and says so.
    assert.notEqual(await forward.exit, 0);
    assert.match(forward.output(), /lost connection to pod/);
    // The server goes on serving: a new forward works.
    const again = portForward([`pod/${podName}`, ':8080']);
    assert.equal((await get(await again.localPort(), '/index.html')).status, 200);
    await again.stop();
  });

  it('leaves no connection to the pod behind when kubectl goes away mid-transfer', async () => {
    const hostPort = await publishedPort(podName);
    const local = await freePort();
    const forward = portForward([`pod/${podName}`, `${local}:8080`]);
    await forward.localPort();
    // An endless answer to a client that never reads: the transfer stalls with every buffer on the way full.
    const stalled = connect({ host: '127.0.0.1', port: local });
    stalled.on('error', () => undefined);
    stalled.write('GET /cgi-bin/zeros HTTP/1.0\r\n\r\n');
    stalled.pause();
    await eventually('the forwarded connection to reach the pod', async () => (await podlabConnectionsTo(hostPort)) > 0);
    forward.child.kill('SIGKILL');
    await forward.exit;
    stalled.destroy();
    await eventually('podlab to close its connections to the pod', async () => (await podlabConnectionsTo(hostPort)) === 0);
  });

  it('the upgrade is authenticated and checked as exec’s is, refusals answered as Status objects', async () => {
    const api = targetFromKubeconfig(kc);
    const path = `/api/v1/namespaces/default/pods/${podName}/portforward`;
    const webSocket = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') };
    const spdy = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1' };
    const anonymous = { anonymous: true };
    assert.equal((await rawRequest(api, 'GET', path, undefined, { ...webSocket, 'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io' }, anonymous)).status, 401);
    assert.equal((await rawRequest(api, 'POST', path, undefined, { ...spdy, 'X-Stream-Protocol-Version': 'portforward.k8s.io' }, anonymous)).status, 401);
    // The plain channel protocol is the kubelet's WebSocket port forwarding: it needs ?ports=.
    const channels = await rawRequest(api, 'GET', path, undefined, { ...webSocket, 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' });
    assert.equal(channels.status, 400);
    assert.equal(channels.json().message, 'query parameter "port" is required');
    const badTunnel = await rawRequest(api, 'GET', path, undefined, { ...webSocket, 'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.example.com' });
    assert.equal(badTunnel.status, 400);
    assert.equal(badTunnel.json().message, 'unable to upgrade: no tunneling spdy protocols provided');
    const unknown = await rawRequest(api, 'POST', path, undefined, { ...spdy, 'X-Stream-Protocol-Version': 'portforward.example.com' });
    assert.equal(unknown.status, 403);
    assert.match(unknown.json().message, /unable to negotiate protocol: client supports \[portforward\.example\.com\], server accepts \[portforward\.k8s\.io\]/);
    const plain = await rawRequest(api, 'GET', path);
    assert.equal(plain.status, 400);
    assert.equal(plain.json().message, 'Upgrade request required');
    await kubectlOk(kc, ['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: nowhere}\nspec:\n  nodeSelector: {no: where}\n  containers: [{name: c, image: busybox:1.36}]\n');
    const unscheduled = await rawRequest(api, 'POST', '/api/v1/namespaces/default/pods/nowhere/portforward', undefined, { ...spdy, 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
    assert.equal(unscheduled.status, 400);
    assert.equal(unscheduled.json().message, 'pod nowhere does not have a host assigned');
  });

  it('RBAC decides as for exec: pods/portforward, create for the SPDY upgrade, get for the WebSocket one', async () => {
    const user = 'system:serviceaccount:default:forwarder';
    await kubectlOk(kc, ['create', 'serviceaccount', 'forwarder']);
    await kubectlOk(kc, ['create', 'role', 'pod-reader', '--verb=get', '--resource=pods']);
    await kubectlOk(kc, ['create', 'rolebinding', 'forwarder-reads', '--role=pod-reader', '--serviceaccount=default:forwarder']);
    const token = (await kubectlOk(kc, ['create', 'token', 'forwarder'])).trim();
    const denied = portForward([`pod/${podName}`, ':8080', `--token=${token}`]);
    assert.notEqual(await denied.exit, 0);
    // The WebSocket upgrade (a GET) is refused, kubectl falls back to SPDY (a POST), refused too: its words are printed.
    assert.match(denied.output(), new RegExp(`error upgrading connection: pods "${podName}" is forbidden: User "${user}" cannot create resource "pods/portforward" in API group "" in the namespace "default"`));
    await kubectlOk(kc, ['create', 'role', 'pod-forwarder', '--verb=create', '--resource=pods/portforward']);
    await kubectlOk(kc, ['create', 'rolebinding', 'forwarder-forwards', '--role=pod-forwarder', '--serviceaccount=default:forwarder']);
    const allowed = portForward([`pod/${podName}`, ':8080', `--token=${token}`, '-v=6']);
    assert.equal((await get(await allowed.localPort(), '/index.html')).body.toString(), `hello from ${podName}\n`);
    // As with Kubernetes 1.32: create alone does not let the WebSocket GET through (that takes get); the SPDY fallback goes.
    assert.match(allowed.output(), /fallback to secondary dialer/);
    assert.match(allowed.output(), /POST https:\/\/\S+\/portforward 101 Switching Protocols/);
    await allowed.stop();
  });

  it('ends when the pod goes away: kubectl reports the lost connection', async () => {
    await kubectlOk(kc, ['apply', '-f', '-'], `apiVersion: v1\nkind: Pod\nmetadata: {name: short-lived}\nspec:${podSpec().replace(/\n {4}/g, '\n  ')}\n`);
    await kubectlOk(kc, ['wait', '--for=condition=Ready', 'pod/short-lived', '--timeout=120s']);
    const forward = portForward(['pod/short-lived', ':8080']);
    assert.equal((await get(await forward.localPort(), '/index.html')).body.toString(), 'hello from short-lived\n');
    await kubectlOk(kc, ['delete', 'pod', 'short-lived', '--wait=false']);
    assert.notEqual(await forward.exit, 0);
    assert.match(forward.output(), /lost connection to pod/);
  });
});
