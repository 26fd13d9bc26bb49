// The UI's port forwards against a real PodLab API server on Docker, through
// the API alone (pods/portforward, v4.channel.k8s.io), as they work on any
// cluster of a kubeconfig: a local port on 127.0.0.1 carries an HTTP GET and
// a POST echoed back byte for byte, two connections at once, each counted;
// what the API or the node refuses (403 with its can-i, a port nothing
// listens on, a pod not running) reaches the forward and the local
// connection closes cleanly; stopping a forward, or deleting its pod, closes
// its listener and its connections.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PortForwardEvent, PortForwardInfo } from '../../preload/api.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { issueClientCertificate } from '../../main/cluster/pki.ts';
import { fixedEndpoint, type ApiEndpoint } from '../../main/kube/client/apiEndpoint.ts';
import { HttpKubeClient } from '../../main/kube/client/httpClient.ts';
import type { KubeClient } from '../../main/kube/client/types.ts';
import { kubePodStreams } from '../../main/ui/kubePodStreams.ts';
import { PortForwards } from '../../main/ui/portForwards.ts';
import type { PodStreams } from '../../main/ui/podStreams.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';

const name = `uipf-${randomBytes(3).toString('hex')}`;
const pods = { group: '', version: 'v1', plural: 'pods' };

// httpd on 8080 with a CGI that answers what was posted; nothing listens on 8082.
const webScript = [
  'mkdir -p /www/cgi-bin',
  'echo hello-from-web > /www/index.html',
  `printf '#!/bin/sh\\nprintf "Content-Type: application/octet-stream\\\\r\\\\n\\\\r\\\\n"\\nhead -c "$CONTENT_LENGTH"\\n' > /www/cgi-bin/echo`,
  'chmod +x /www/cgi-bin/echo',
  'exec httpd -f -p 8080 -h /www',
].join(' && ');

/** Every byte a connection reads until the forward closes it. */
function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('port forwards from the UI over pods/portforward, on Docker', () => {
  let cluster: Cluster;
  let dataDir: string;
  let admin: ApiEndpoint;
  let client: KubeClient;
  let streams: PodStreams;
  let events: PortForwardEvent[] = [];
  let notify: () => void = () => undefined;
  const forwards = new PortForwards((event) => {
    events.push(event);
    notify();
  });

  /** The first event, from now on, that satisfies `check` (events arrive as connections come and go; nothing is timed). */
  function nextEvent(check: (event: PortForwardEvent) => boolean): Promise<PortForwardEvent> {
    return new Promise((resolve) => {
      const seen = () => {
        const found = events.find(check);
        if (found) resolve(found);
      };
      const previous = notify;
      notify = () => {
        previous();
        seen();
      };
      seen();
    });
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'podlab-ui-forward-'));
    await reserveSubnet(dataDir);
    // The 1.35 check (off by default, as in 1.32) on: the test covers both refusals a newer cluster gives.
    cluster = await Cluster.start({ name, dataDir, runtime: 'docker', nodes: 1, featureGates: { AuthorizePodWebsocketUpgradeCreatePermission: true } });
    admin = { url: cluster.apiServer.url, caCert: readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'), token: readFileSync(cluster.paths.adminToken, 'utf8').trim() };
    client = new HttpKubeClient(fixedEndpoint(admin));
    streams = kubePodStreams(admin);
    await client.resource(pods).create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'web', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', webScript], ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }],
      },
    });
    await eventually('pod web Ready', async () => ((await client.resource(pods).get('default', 'web')).status as { conditions?: Array<{ type: string; status: string }> })?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), 120_000, 500);
  });

  after(async () => {
    await forwards.stopAll();
    await cluster?.stop();
    await removeClusterObjects(name);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  let forward: PortForwardInfo;

  it('forwards a free port on 127.0.0.1: a GET, and a POST of 256 KiB echoed back byte for byte', async () => {
    forward = await forwards.start(client, streams, { namespace: 'default', pod: 'web', port: 8080 });
    assert.match(forward.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(forward.url, `http://127.0.0.1:${forward.localPort}`);
    const page = await fetch(forward.url);
    assert.equal(await page.text(), 'hello-from-web\n');
    const body = randomBytes(256 * 1024);
    const echoed = await fetch(`${forward.url}/cgi-bin/echo`, { method: 'POST', body });
    assert.equal(echoed.status, 200);
    assert.ok(Buffer.from(await echoed.arrayBuffer()).equals(body), 'the echo differs from what was posted');
    assert.deepEqual(forwards.list('default', 'web').map((f) => f.forwardId), [forward.forwardId]);
  });

  it('carries two connections at once, each counted while it is open', async () => {
    events = [];
    // The previous test's connections end once the pod has closed its side.
    if (forwards.list()[0]!.connections > 0) await nextEvent((e) => e.forward.forwardId === forward.forwardId && e.forward.connections === 0);
    events = [];
    const first = await connected(forward.localPort);
    const second = await connected(forward.localPort);
    await nextEvent((e) => e.forward.forwardId === forward.forwardId && e.forward.connections === 2);
    const answers = [readAll(first), readAll(second)];
    first.write('GET / HTTP/1.0\r\n\r\n');
    second.write('GET / HTTP/1.0\r\n\r\n');
    for (const answer of await Promise.all(answers)) assert.match(answer.toString(), /^HTTP\/1\.[01] 200 OK[\s\S]*\r\n\r\nhello-from-web\n$/);
    const idle = await nextEvent((e) => e.forward.forwardId === forward.forwardId && e.forward.connections === 0);
    assert.ok(idle.forward.totalConnections >= 3, `${idle.forward.totalConnections} connections in all`);
    assert.equal(idle.forward.error, undefined);
  });

  it('a port nothing listens on: the node\'s error reaches the forward, and the local connection is closed', async () => {
    events = [];
    const refused = await forwards.start(client, streams, { namespace: 'default', pod: 'web', port: 8082 });
    const answer = readAll(await connected(refused.localPort));
    assert.equal((await answer).length, 0);
    const failed = await nextEvent((e) => e.forward.forwardId === refused.forwardId && !!e.forward.error);
    assert.match(failed.forward.error!.message, /^error forwarding port 8082 to pod \w+, uid : dial tcp4 [\d.]+:8082: connect: connection refused$/);
    await forwards.stop(refused.forwardId);
  });

  it('a user without create on pods/portforward: the 403 reaches the forward with the can-i that checks it', async () => {
    const { certPem, keyPem } = issueClientCertificate(dataDir, { user: 'forwarder', groups: [], validityMs: 3_600_000 });
    const user: ApiEndpoint = { url: admin.url, caCert: admin.caCert, clientCert: certPem, clientKey: keyPem };
    const userForwards = new PortForwards((event) => {
      events.push(event);
      notify();
    });
    const kubeconfig = cluster.paths.kubeconfig;
    await kubectlOk(kubeconfig, ['create', 'role', 'pod-reader', '--verb=get', '--resource=pods']);
    await kubectlOk(kubeconfig, ['create', 'rolebinding', 'forwarder-reads', '--role=pod-reader', '--user=forwarder']);
    try {
      const asUser = await userForwards.start(new HttpKubeClient(fixedEndpoint(user)), kubePodStreams(user), { namespace: 'default', pod: 'web', port: 8080 });
      /** One connection's refusal as the forward shows it; the local side reads nothing and is closed. */
      const refusal = async () => {
        events = [];
        assert.equal((await readAll(await connected(asUser.localPort))).length, 0);
        return (await nextEvent((e) => e.forward.forwardId === asUser.forwardId && !!e.forward.error)).forward.error!;
      };
      const noGet = await refusal();
      assert.equal(noGet.status?.code, 403);
      assert.equal(
        noGet.message,
        'pods "web" is forbidden: User "forwarder" cannot get resource "pods/portforward" in API group "" in the namespace "default". Your kubeconfig user lacks this right; check with: kubectl auth can-i get pods --subresource=portforward -n default',
      );

      // get alone lets the WebSocket's GET through the filter; kube-apiserver's added check asks create.
      await kubectlOk(kubeconfig, ['create', 'role', 'forward-get', '--verb=get', '--resource=pods/portforward']);
      await kubectlOk(kubeconfig, ['create', 'rolebinding', 'forwarder-get', '--role=forward-get', '--user=forwarder']);
      const noCreate = 'pods "web" is forbidden: a WebSocket to pods/portforward needs both get and create on it; check with: kubectl auth can-i create pods --subresource=portforward -n default';
      // The role is read from the store's watch: the first connection may still see the old rules.
      await eventually('the refusal of create', async () => (await refusal()).message === noCreate);

      await kubectlOk(kubeconfig, ['create', 'role', 'forward-create', '--verb=create', '--resource=pods/portforward']);
      await kubectlOk(kubeconfig, ['create', 'rolebinding', 'forwarder-create', '--role=forward-create', '--user=forwarder']);
      await eventually('the forward with get and create', async () => (await (await fetch(asUser.url)).text()) === 'hello-from-web\n');
    } finally {
      await userForwards.stopAll();
    }
  });

  it('refuses a pod that is not running, or that does not exist, before it listens', async () => {
    await client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nowhere' }, spec: { nodeName: 'no-such-node', containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    await assert.rejects(forwards.start(client, streams, { namespace: 'default', pod: 'nowhere', port: 80 }), { message: 'unable to forward port because pod is not running. Current status=Pending' });
    await assert.rejects(forwards.start(client, streams, { namespace: 'default', pod: 'absent', port: 80 }), /pods "absent" not found/);
  });

  it('a local port the user gives; one already taken is refused; stop closes the listener and its connections', async () => {
    const probe = createServer();
    const wanted = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
    await assert.rejects(forwards.start(client, streams, { namespace: 'default', pod: 'web', port: 8080, localPort: wanted }), { message: `127.0.0.1:${wanted} is already in use on this machine: choose another local port, or leave it empty for a free one` });
    await new Promise((resolve) => probe.close(resolve));
    const given = await forwards.start(client, streams, { namespace: 'default', pod: 'web', port: 8080, localPort: wanted });
    assert.equal(given.localPort, wanted);
    events = [];
    const open = await connected(wanted);
    const closed = readAll(open);
    await nextEvent((e) => e.forward.forwardId === given.forwardId && e.forward.connections === 1);
    await forwards.stop(given.forwardId);
    await closed;
    assert.ok(events.some((e) => e.forward.forwardId === given.forwardId && e.ended));
    await assert.rejects(connected(wanted), { code: 'ECONNREFUSED' });
    await forwards.stop(forward.forwardId);
    assert.deepEqual(forwards.list(), []);
    await assert.rejects(connected(forward.localPort), { code: 'ECONNREFUSED' });
  });

  it('ends when its pod is deleted, as kubectl port-forward does, saying why', async () => {
    const gone = await forwards.start(client, streams, { namespace: 'default', pod: 'web', port: 8080 });
    events = [];
    await client.resource(pods).delete('default', 'web');
    const ended = await nextEvent((e) => e.forward.forwardId === gone.forwardId && e.ended === true);
    assert.match(ended.forward.error?.message ?? '', /^lost connection to pod: default\/web was deleted or replaced/);
    assert.deepEqual(forwards.list(), []);
    await assert.rejects(connected(gone.localPort), { code: 'ECONNREFUSED' });
  });
});
