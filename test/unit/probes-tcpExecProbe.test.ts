// tcpSocket and exec probes, with sockets on 127.0.0.1 standing in for a pod's
// published ports and a fake runtime for exec.

import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, test } from 'node:test';
import { probeExec } from '../../main/kubelet/probes/execProbe.ts';
import type { PodNetworkAccess } from '../../main/kubelet/probes/podNetwork.ts';
import type { ProbeTarget } from '../../main/kubelet/probes/probeTarget.ts';
import { probeTcp } from '../../main/kubelet/probes/tcpProbe.ts';
import type { Container, Pod } from '../../main/kubelet/types.ts';
import { ConflictError, TimeoutError, type ExecSyncResult } from '../../main/runtime/runtime.ts';

const POD_IP = '10.244.0.7';
const container: Container = { name: 'app', image: 'busybox', ports: [{ name: 'db', containerPort: 5432 }], env: [{ name: 'FILE', value: '/tmp/healthy' }, { name: 'FROM_FIELD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] };
const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db', namespace: 'default', uid: 'uid-2' }, spec: { containers: [container] } };

async function listening(onConnection: (socket: import('node:net').Socket) => void = () => {}): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function target(options: { published?: Record<number, number>; exec?: (command: string[], timeoutMs: number) => Promise<ExecSyncResult> }): ProbeTarget {
  const published = options.published ?? {};
  const network: PodNetworkAccess = { podIP: POD_IP, published: (port) => (published[port] ? { host: '127.0.0.1', port: published[port]! } : undefined) };
  return {
    pod,
    container,
    containerId: 'c2',
    timeoutMs: 1000,
    settleMs: 50,
    network,
    runtime: { execSync: (_id, command, timeoutMs) => (options.exec ? options.exec(command, timeoutMs) : Promise.reject(new Error('no exec'))) },
  };
}

describe('tcpSocket probe', () => {
  test('a listening port (named) is a success', async () => {
    const { server, port } = await listening();
    try {
      assert.deepEqual(await probeTcp({ port: 'db' }, target({ published: { 5432: port } })), { status: 'success', output: '' });
    } finally {
      server.close();
    }
  });

  test('a server that greets at once is a success even through a port proxy', async () => {
    const { server, port } = await listening((socket) => socket.end('220 ready\r\n'));
    try {
      assert.equal((await probeTcp({ port: 5432 }, target({ published: { 5432: port } }))).status, 'success');
    } finally {
      server.close();
    }
  });

  test('a port proxy hanging up with nothing behind it fails as a refused dial to the pod IP', async () => {
    const { server, port } = await listening((socket) => socket.destroy());
    try {
      assert.deepEqual(await probeTcp({ port: 5432 }, target({ published: { 5432: port } })), { status: 'failure', output: `dial tcp ${POD_IP}:5432: connect: connection refused` });
    } finally {
      server.close();
    }
  });

  test('a closed published port fails as a refused dial', async () => {
    const { server, port } = await listening();
    await new Promise((resolve) => server.close(resolve));
    assert.deepEqual(await probeTcp({ port: 5432 }, target({ published: { 5432: port } })), { status: 'failure', output: `dial tcp ${POD_IP}:5432: connect: connection refused` });
  });

  test('an unpublished port is dialed with nc from inside the pod', async () => {
    const commands: string[][] = [];
    const ok = await probeTcp({ port: 6379 }, target({ exec: async (command) => (commands.push(command), { exitCode: 0, stdout: '', stderr: '' }) }));
    assert.deepEqual(ok, { status: 'success', output: '' });
    assert.deepEqual(commands[0], ['nc', '-w', '1', POD_IP, '6379']);
    const refused = await probeTcp({ port: 6379 }, target({ exec: async () => ({ exitCode: 1, stdout: '', stderr: "nc: can't connect to remote host (10.244.0.7): Connection refused\n" }) }));
    assert.deepEqual(refused, { status: 'failure', output: `dial tcp ${POD_IP}:6379: connect: connection refused` });
    const slow = await probeTcp({ port: 6379 }, target({ exec: () => Promise.reject(new TimeoutError('exec timed out')) }));
    assert.deepEqual(slow, { status: 'failure', output: `dial tcp ${POD_IP}:6379: i/o timeout` });
  });

  test('an invalid port errors as Kubernetes does', async () => {
    assert.deepEqual(await probeTcp({ port: 70000 }, target({})), { status: 'unknown', output: '', error: 'invalid port number: 70000' });
  });
});

describe('exec probe', () => {
  const run = (result: ExecSyncResult | Error, command = ['cat', '$(FILE)']) => {
    const seen: { command?: string[]; timeoutMs?: number } = {};
    const output = probeExec({ command }, target({ exec: async (c, timeoutMs) => {
      Object.assign(seen, { command: c, timeoutMs });
      if (result instanceof Error) throw result;
      return result;
    } }));
    return { output, seen };
  };

  test('exit 0 is a success; the command expands $(VAR) from literal env values only', async () => {
    const { output, seen } = run({ exitCode: 0, stdout: 'fine\n', stderr: '' }, ['sh', '-c', 'cat $(FILE) $(FROM_FIELD) $(MISSING) $$(FILE)']);
    assert.deepEqual(await output, { status: 'success', output: 'fine\n' });
    assert.deepEqual(seen.command, ['sh', '-c', 'cat /tmp/healthy  $(MISSING) $(FILE)']);
    assert.equal(seen.timeoutMs, 1000);
  });

  test('another exit code fails with the output, stdout then stderr', async () => {
    const { output } = run({ exitCode: 1, stdout: 'partial\n', stderr: "cat: can't open '/tmp/healthy': No such file or directory\n" });
    assert.deepEqual(await output, { status: 'failure', output: "partial\ncat: can't open '/tmp/healthy': No such file or directory\n" });
  });

  test('a timeout fails with the message of the kubelet CRI client', async () => {
    const { output } = run(new TimeoutError('command ["sleep","10"] timed out after 1000 ms'), ['sleep', '10']);
    assert.deepEqual(await output, { status: 'failure', output: 'command "sleep 10" timed out' });
  });

  test('an exec that cannot start errors', async () => {
    const missing = run({ exitCode: 126, stdout: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown\r\n', stderr: '' });
    assert.equal((await missing.output).status, 'unknown');
    assert.match((await missing.output).error ?? '', /executable file not found/);
    const stopped = run(new ConflictError('Container c2 is not running'));
    assert.deepEqual(await stopped.output, { status: 'unknown', output: '', error: 'Container c2 is not running' });
  });

  test('a shell that cannot find a program is a plain failure: the exec itself ran', async () => {
    const { output } = run({ exitCode: 127, stdout: '', stderr: 'sh: curl: not found\n' });
    assert.deepEqual(await output, { status: 'failure', output: 'sh: curl: not found\n' });
  });

  test('output is cut at 10 KiB', async () => {
    const { output } = run({ exitCode: 1, stdout: 'y'.repeat(20_000), stderr: '' });
    assert.equal((await output).output.length, 10 * 1024);
  });
});
