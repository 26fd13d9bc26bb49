// pods/log, exec and attach as a kubectl user sees them: the real kubectl
// against a PodLab API server whose node runtime is the real Docker engine.
// The test plays the kubelet: it runs each pod's sandbox and containers with
// the DockerRuntime and writes the pod status that names them.

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ResourceClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { installPodStreaming } from '../../main/kubelet/streaming/podStreams.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { buildCertificateKubeconfig, clusterOfKubeconfig, kubeconfigYaml } from '../../main/cluster/kubeconfig.ts';
import { issueClientCertificate } from '../../main/cluster/pki.ts';
import WebSocket from 'ws';
import type { ContainerConfig } from '../../main/runtime/runtime.ts';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { kubectl, kubectlBinary, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';
import { createDockerFixture, eventually, NODE, type DockerFixture } from './runtime-docker-fixture.ts';

interface TestContainer {
  name: string;
  script: string;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
}

type ContainerStatusObject = Record<string, unknown>;

describe('pod streams with the real kubectl', () => {
  let fixture: DockerFixture;
  let cluster: Cluster;
  let dataDir: string;
  let kc: string;
  let api: ApiTarget;
  let pods: ResourceClient;

  before(async () => {
    fixture = await createDockerFixture();
    dataDir = tempDir('streaming');
    cluster = await Cluster.start({ name: fixture.cluster, dataDir, runtime: 'simulated', nodes: 0 });
    installPodStreaming(cluster.apiServer, (node) => (node === NODE ? fixture.runtime : undefined));
    kc = cluster.paths.kubeconfig;
    api = targetFromKubeconfig(kc);
    pods = cluster.client('streaming-test').resource({ group: '', version: 'v1', plural: 'pods' });
  });

  after(async () => {
    await cluster?.stop();
    await fixture?.cleanup();
    if (dataDir) removeDir(dataDir);
  });

  // --- the test's kubelet --------------------------------------------------

  function containerConfig(c: TestContainer, attempt = 0): ContainerConfig {
    return fixture.shell(c.name, c.script, { metadata: { name: c.name, attempt }, tty: c.tty, stdin: c.stdin, stdinOnce: c.stdinOnce });
  }

  /** nodeName null: not scheduled. */
  async function createPodObject(name: string, containers: TestContainer[], nodeName: string | null = NODE): Promise<void> {
    await pods.create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        ...(nodeName ? { nodeName } : {}),
        containers: containers.map((c) => ({ name: c.name, image: 'busybox:latest', command: ['sh', '-c', c.script], tty: c.tty, stdin: c.stdin, stdinOnce: c.stdinOnce })),
      },
    });
  }

  async function writeStatus(name: string, phase: string, containerStatuses: ContainerStatusObject[]): Promise<void> {
    const current = await pods.get('default', name);
    await pods.updateStatus('default', { ...current, status: { ...(current.status as object), phase, containerStatuses } });
  }

  function running(name: string, id: string, extra: ContainerStatusObject = {}): ContainerStatusObject {
    return { name, state: { running: { startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } }, lastState: {}, ready: true, restartCount: 0, image: 'busybox:latest', imageID: '', containerID: `docker://${id}`, started: true, ...extra };
  }

  /** Runs the pod in Docker and records it Running; returns the container IDs by name. */
  async function runPod(name: string, containers: TestContainer[]): Promise<Record<string, string>> {
    await createPodObject(name, containers);
    const sandbox = fixture.pod(name);
    const sandboxId = await fixture.runtime.runPodSandbox(sandbox);
    const ids: Record<string, string> = {};
    for (const c of containers) {
      ids[c.name] = await fixture.runtime.createContainer(sandboxId, containerConfig(c), sandbox);
      await fixture.runtime.startContainer(ids[c.name]!);
    }
    await writeStatus(name, 'Running', containers.map((c) => running(c.name, ids[c.name]!)));
    return ids;
  }

  async function loggedLines(containerId: string, count: number): Promise<void> {
    await eventually(`${count} lines from ${containerId}`, async () => {
      let n = 0;
      for await (const _ of fixture.runtime.logs(containerId)) n++;
      return n >= count ? true : undefined;
    });
  }

  async function exited(containerId: string): Promise<void> {
    await eventually(`${containerId} to exit`, async () => ((await fixture.runtime.containerStatus(containerId)).state === 'exited' ? true : undefined));
  }

  /** kubectl left running: its output so far, and its end. */
  function background(args: string[], command = kubectlBinary): { child: ChildProcessWithoutNullStreams; output: () => string; errors: () => string; exit: Promise<number | null>; waitFor: (text: string, timeoutMs?: number) => Promise<string> } {
    const child = spawn(command, args, { env: { ...process.env, KUBECONFIG: kc } });
    let stdout = '';
    let stderr = '';
    const waiters: Array<() => void> = [];
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      waiters.forEach((w) => w());
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    const waitFor = (text: string, timeoutMs = 15_000) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}; stdout so far: ${JSON.stringify(stdout)}, stderr: ${JSON.stringify(stderr)}`)), timeoutMs);
        const check = () => {
          if (stdout.includes(text)) {
            clearTimeout(timer);
            resolve(stdout);
          }
        };
        waiters.push(check);
        check();
      });
    return { child, output: () => stdout, errors: () => stderr, exit, waitFor };
  }

  async function rawStatus(path: string): Promise<{ code: number; status: KubeObject & { message?: string; reason?: string; code?: number } }> {
    const response = await rawRequest(api, 'GET', path);
    return { code: response.status, status: response.json() };
  }

  // --- logs ------------------------------------------------------------------

  describe('kubectl logs', () => {
    let webId: string;
    before(async () => {
      // Short pauses between the streams: the engine orders stdout against stderr only by arrival.
      ({ app: webId } = (await runPod('web-1', [{ name: 'app', script: 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; exec sleep 3600' }])) as { app: string });
      await loggedLines(webId, 3);
    });

    test('prints stdout and stderr interleaved, in order', async () => {
      assert.equal(await kubectlOk(kc, ['logs', 'web-1']), 'one\ntwo\nthree\n');
    });

    test('--tail=2 prints the last two lines', async () => {
      assert.equal(await kubectlOk(kc, ['logs', 'web-1', '--tail=2']), 'two\nthree\n');
    });

    test('--timestamps puts each line\'s RFC 3339 nanosecond time first', async () => {
      const lines = (await kubectlOk(kc, ['logs', 'web-1', '--timestamps'])).trimEnd().split('\n');
      assert.equal(lines.length, 3);
      lines.forEach((line, i) => assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z ${['one', 'two', 'three'][i]}$`)));
    });

    test('--limit-bytes cuts the output mid-line; --since-time in the future shows nothing', async () => {
      assert.equal(await kubectlOk(kc, ['logs', 'web-1', '--limit-bytes=6']), 'one\ntw');
      const future = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      assert.equal(await kubectlOk(kc, ['logs', 'web-1', `--since-time=${future}`]), '');
      assert.equal(await kubectlOk(kc, ['logs', 'web-1', '--since=1h']), 'one\ntwo\nthree\n');
    });

    test('-f shows lines as they are written and ends when the container exits', async () => {
      await runPod('ticker-1', [{ name: 'app', script: 'for i in 1 2 3 4 5; do echo tick $i; sleep 0.6; done' }]);
      const follow = background(['logs', '-f', 'ticker-1']);
      const early = await follow.waitFor('tick 1');
      assert.ok(!early.includes('tick 5'), `all lines came at once: ${JSON.stringify(early)}`);
      assert.equal(await follow.exit, 0, follow.errors());
      assert.equal(follow.output(), 'tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');
    });

    test('-f stops when the client goes away, and the server stays usable', async () => {
      const follow = background(['logs', '-f', 'web-1']);
      await follow.waitFor('three');
      follow.child.kill('SIGINT');
      await follow.exit;
      assert.equal(await kubectlOk(kc, ['logs', 'web-1', '--tail=1']), 'three\n');
    });

    test('--previous reads the instance recorded in lastState', async () => {
      const app = { name: 'app', script: 'echo first life' };
      await createPodObject('restarted-1', [app]);
      const sandbox = fixture.pod('restarted-1');
      const sandboxId = await fixture.runtime.runPodSandbox(sandbox);
      const first = await fixture.runtime.createContainer(sandboxId, containerConfig(app), sandbox);
      await fixture.runtime.startContainer(first);
      await exited(first);
      const second = await fixture.runtime.createContainer(sandboxId, containerConfig({ ...app, script: 'echo second life; exec sleep 3600' }, 1), sandbox);
      await fixture.runtime.startContainer(second);
      await loggedLines(second, 1);
      await writeStatus('restarted-1', 'Running', [
        running('app', second, { restartCount: 1, lastState: { terminated: { exitCode: 0, reason: 'Completed', containerID: `docker://${first}` } } }),
      ]);
      assert.equal(await kubectlOk(kc, ['logs', 'restarted-1', '--previous']), 'first life\n');
      assert.equal(await kubectlOk(kc, ['logs', 'restarted-1']), 'second life\n');
    });

    test('--previous without a previous instance is a 400 in the kubelet\'s words', async () => {
      const result = await kubectl(kc, ['logs', 'web-1', '--previous']);
      assert.equal(result.code, 1);
      assert.equal(result.stderr.trim(), 'Error from server (BadRequest): previous terminated container "app" in pod "web-1" not found');
      const { code, status } = await rawStatus('/api/v1/namespaces/default/pods/web-1/log?previous=true');
      assert.deepEqual([code, status.reason, status.code], [400, 'BadRequest', 400]);
    });
  });

  describe('logs refused, each as a Status', () => {
    before(async () => {
      await runPod('web-2', [
        { name: 'app', script: 'echo from app; exec sleep 3600' },
        { name: 'sidecar', script: 'echo from sidecar; exec sleep 3600' },
      ]);
      await createPodObject('pending-1', [{ name: 'app', script: 'true' }]);
      await writeStatus('pending-1', 'Pending', [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: 'busybox:latest', imageID: '' }]);
      await createPodObject('elsewhere-1', [{ name: 'app', script: 'true' }], 'node-9');
      await createPodObject('unscheduled-1', [{ name: 'app', script: 'true' }], null);
    });

    test('no container named in a multi-container pod: 400 listing the choices', async () => {
      const { code, status } = await rawStatus('/api/v1/namespaces/default/pods/web-2/log');
      assert.equal(code, 400);
      assert.equal(status.reason, 'BadRequest');
      assert.equal(status.message, 'a container name must be specified for pod web-2, choose one of: [app sidecar]');
      // kubectl itself picks the first container, and says so.
      const result = await kubectl(kc, ['logs', 'web-2']);
      assert.equal(result.stdout, 'from app\n');
      assert.match(result.stderr, /Defaulted container "app" out of: app, sidecar/);
      assert.equal(await kubectlOk(kc, ['logs', 'web-2', '-c', 'sidecar']), 'from sidecar\n');
    });

    test('an unknown container: 400', async () => {
      const { code, status } = await rawStatus('/api/v1/namespaces/default/pods/web-2/log?container=x');
      assert.deepEqual([code, status.message], [400, 'container x is not valid for pod web-2']);
      // kubectl 1.32 checks the name itself first, in the same words.
      assert.equal((await kubectl(kc, ['logs', 'web-2', '-c', 'x'])).stderr.trim(), 'error: container x is not valid for pod web-2');
    });

    test('a container still being created: 400 with its waiting reason', async () => {
      const result = await kubectl(kc, ['logs', 'pending-1']);
      assert.equal(result.stderr.trim(), 'Error from server (BadRequest): container "app" in pod "pending-1" is waiting to start: ContainerCreating');
    });

    test('a node without a runtime: 503 that says so', async () => {
      const { code, status } = await rawStatus('/api/v1/namespaces/default/pods/elsewhere-1/log');
      assert.equal(code, 503);
      assert.equal(status.reason, 'ServiceUnavailable');
      assert.match(status.message ?? '', /no container runtime is serving node "node-9"/);
    });

    test('an unscheduled pod has no logs yet: an empty 200, as kube-apiserver answers', async () => {
      const response = await rawRequest(api, 'GET', '/api/v1/namespaces/default/pods/unscheduled-1/log');
      assert.deepEqual([response.status, response.body], [200, '']);
    });

    test('invalid options: 422 PodLogOptions', async () => {
      const negative = await rawStatus('/api/v1/namespaces/default/pods/web-1/log?tailLines=-1');
      assert.equal(negative.code, 422);
      assert.equal(negative.status.message, 'PodLogOptions "web-1" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
      const both = await rawStatus(`/api/v1/namespaces/default/pods/web-1/log?sinceSeconds=5&sinceTime=${encodeURIComponent('2024-01-01T00:00:00Z')}`);
      assert.equal(both.code, 422);
    });

    test('port forwarding without an upgrade is a 400, as Kubernetes answers (test/kubectl/port-forward.test.ts forwards for real)', async () => {
      const { code, status } = await rawStatus('/api/v1/namespaces/default/pods/web-1/portforward?ports=80');
      assert.equal(code, 400);
      assert.match(status.message ?? '', /Upgrade request required/);
    });
  });

  // --- exec and attach ------------------------------------------------------------

  describe('kubectl exec', () => {
    test('runs a command: `kubectl exec web-1 -- hostname`', async () => {
      assert.equal(await kubectlOk(kc, ['exec', 'web-1', '--', 'hostname']), 'web-1\n');
    });

    test('keeps stdout and stderr apart', async () => {
      const result = await kubectl(kc, ['exec', 'web-1', '--', 'sh', '-c', 'echo out; echo err >&2']);
      assert.deepEqual(result, { code: 0, stdout: 'out\n', stderr: 'err\n' });
    });

    test('a non-zero exit: kubectl exits with it and says so', async () => {
      const result = await kubectl(kc, ['exec', 'web-1', '--', 'sh', '-c', 'exit 3']);
      assert.equal(result.code, 3);
      assert.equal(result.stderr.trim(), 'command terminated with exit code 3');
    });

    test('a WebSocket exec is authorized as get, as in kube-apiserver 1.32; with AuthorizePodWebsocketUpgradeCreatePermission (1.35) on, create too', async (t) => {
      const user = 'exec-getter';
      const { certPem, keyPem } = issueClientCertificate(dataDir, { user, groups: [], validityMs: 3_600_000 });
      const { server, caCert } = clusterOfKubeconfig(kc);
      const userKubeconfig = join(dataDir, 'exec-getter.kubeconfig');
      writeFileSync(userKubeconfig, kubeconfigYaml(buildCertificateKubeconfig({ clusterName: fixture.cluster, server, caCert }, { name: user, certPem, keyPem })));
      await kubectlOk(kc, ['create', 'role', 'exec-get', '--verb=get', '--resource=pods,pods/exec']);
      await kubectlOk(kc, ['create', 'rolebinding', 'exec-get', '--role=exec-get', `--user=${user}`]);
      // 1.32: kubectl's WebSocket upgrade is a GET, and get is all it needs.
      assert.equal(await kubectlOk(userKubeconfig, ['exec', 'web-1', '--', 'hostname']), 'web-1\n');
      cluster.apiServer.subresources.websocketUpgradeNeedsCreate = true;
      t.after(() => (cluster.apiServer.subresources.websocketUpgradeNeedsCreate = false));
      // With the gate: the added check asks `create` and answers NewForbidden with RBAC's (empty) reason.
      const refused = await new Promise<{ code: number; body: string }>((resolve, reject) => {
        const ws = new WebSocket(`${server.replace(/^https/, 'wss')}/api/v1/namespaces/default/pods/web-1/exec?command=hostname&stdout=true`, ['v5.channel.k8s.io'], { ca: caCert, cert: certPem, key: keyPem });
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
        });
        ws.on('open', () => reject(new Error('the exec WebSocket was accepted with get alone')));
        ws.on('error', reject);
      });
      assert.equal(refused.code, 403);
      assert.deepEqual(JSON.parse(refused.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "web-1" is forbidden: ', reason: 'Forbidden', details: { name: 'web-1', kind: 'pods' }, code: 403 });
      // kubectl falls back to SPDY's POST, which the filter itself refuses as create.
      const spdy = await kubectl(userKubeconfig, ['exec', 'web-1', '--', 'hostname']);
      assert.notEqual(spdy.code, 0);
      assert.match(spdy.stderr, /User "exec-getter" cannot create resource "pods\/exec" in API group "" in the namespace "default"/);
      await kubectlOk(kc, ['create', 'role', 'exec-create', '--verb=create', '--resource=pods/exec']);
      await kubectlOk(kc, ['create', 'rolebinding', 'exec-create', '--role=exec-create', `--user=${user}`]);
      assert.equal(await kubectlOk(userKubeconfig, ['exec', 'web-1', '--', 'hostname']), 'web-1\n');
    });

    test('-i passes stdin through, and its end as EOF', async () => {
      assert.equal(await kubectlOk(kc, ['exec', '-i', 'web-1', '--', 'cat'], 'hello\nworld\n'), 'hello\nworld\n');
      const big = 'x'.repeat(300_000);
      assert.equal((await kubectlOk(kc, ['exec', '-i', 'web-1', '--', 'wc', '-c'], big)).trim(), '300000');
    });

    test('large output arrives whole', async () => {
      const out = await kubectlOk(kc, ['exec', 'web-1', '--', 'sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" a']);
      assert.equal(out.length, 3_000_000);
    });

    test('-it gives an interactive shell on a terminal of the client\'s size', async () => {
      // script(1) gives kubectl a terminal; stty sets that terminal's size, which kubectl sends on the resize channel.
      const shell = background(['-qec', `stty cols 100 rows 30; exec ${kubectlBinary} exec -it web-1 -- sh`, '/dev/null'], 'script');
      await shell.waitFor('# ');
      shell.child.stdin.write('stty size; echo sum=$((6*7))\n');
      await shell.waitFor('sum=42');
      assert.match(shell.output(), /30 100/);
      shell.child.stdin.write('exit 7\n');
      assert.equal(await shell.exit, 7);
    });

    test('a container that is not running: refused in the kubelet\'s words', async () => {
      const result = await kubectl(kc, ['exec', 'pending-1', '--', 'true']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /container not found \("app"\)/);
    });

    test('an unscheduled pod: 400 no host assigned', async () => {
      const { code, status } = await rawStatus('/api/v1/namespaces/default/pods/unscheduled-1/exec?command=true&stdout=true');
      assert.deepEqual([code, status.message], [400, 'pod unscheduled-1 does not have a host assigned']);
    });
  });

  describe('kubectl attach', () => {
    test('streams the output of the running process until it exits', async () => {
      await runPod('talker-1', [{ name: 'app', script: 'sleep 1; for i in 1 2 3 4 5 6; do echo talk $i; sleep 0.4; done' }]);
      const attach = background(['attach', 'talker-1']);
      assert.equal(await attach.exit, 0, attach.errors());
      assert.match(attach.output(), /talk 6\n$/);
    });

    test('-i writes to the process\'s stdin', async () => {
      await runPod('echoer-1', [{ name: 'app', script: 'while read line; do echo got $line; done; echo bye', stdin: true, stdinOnce: true }]);
      const result = await kubectl(kc, ['attach', '-i', 'echoer-1'], 'ping\npong\n');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /got ping\ngot pong\nbye\n$/);
    });
  });

  // Last: it stops the API server.
  test('stopping the API server ends open exec sessions instead of waiting for them', { timeout: 60_000 }, async () => {
    // The session would never end by itself: a stop that waited for it would never finish (the test's timeout says so).
    const session = background(['exec', 'web-1', '--', 'sleep', '86400']);
    await eventually('the exec session to start', async () => {
      const { stdout } = await kubectl(kc, ['exec', 'web-1', '--', 'ps']);
      return /sleep 86400/.test(stdout) ? true : undefined;
    });
    await cluster.stop();
    assert.notEqual(await session.exit, 0);
  });
});
