// The Docker runtime's pure translations, without an engine: the stream
// frame format, address planning, and config/status conversions whose edge
// cases are hard to reach on a real engine.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type Docker from 'dockerode';
import { planAddresses } from '../../main/network/clusterNetwork.ts';
import { containerCreateOptions, toContainerStatus } from '../../main/runtime/docker/containers.ts';
import { dockerMessage } from '../../main/runtime/docker/engine.ts';
import { readFrames } from '../../main/runtime/docker/frames.ts';
import { sandboxCreateOptions } from '../../main/runtime/docker/sandboxes.ts';
import type { PodSandboxConfig } from '../../main/runtime/runtime.ts';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function* chunks(buffer: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < buffer.length; offset += size) yield buffer.subarray(offset, offset + size);
}

const placement = { cluster: 'c1', node: 'n1' };
const sandbox: PodSandboxConfig = { metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 1 } };

describe('Docker stream frames', () => {
  test('frames split anywhere across chunks come out whole, in order, on the right stream', async () => {
    const stream = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two\n')]);
    for (const size of [1, 3, 8, 9, 1000]) {
      const frames = [];
      for await (const f of readFrames(chunks(stream, size), false)) frames.push([f.stream, f.data.toString()]);
      assert.deepEqual(frames, [['stdout', 'out one\n'], ['stderr', 'err\n'], ['stdout', 'out two\n']], `chunk size ${size}`);
    }
  });

  test('a tty stream is raw stdout', async () => {
    const frames = [];
    for await (const f of readFrames(chunks(Buffer.from('\x01raw'), 2), true)) frames.push(f.data.toString());
    assert.equal(frames.join(''), '\x01raw');
  });
});

describe('cluster network addresses', () => {
  test('the lower half of the subnet is for pods, the upper half for Services', () => {
    assert.deepEqual(planAddresses('10.244.0.0/16'), { subnet: '10.244.0.0/16', gateway: '10.244.0.1', podRange: '10.244.0.0/17', serviceRange: '10.244.128.0/17' });
    assert.deepEqual(planAddresses('10.1.2.77/24'), { subnet: '10.1.2.0/24', gateway: '10.1.2.1', podRange: '10.1.2.0/25', serviceRange: '10.1.2.128/25' });
    assert.throws(() => planAddresses('10.0.0.0/30'), RangeError);
    assert.throws(() => planAddresses('not-a-cidr'), RangeError);
  });
});

describe('Docker create options', () => {
  test('a hostNetwork sandbox joins the node container and sets no hostname, DNS or ports', () => {
    const options = sandboxCreateOptions(
      { ...sandbox, namespaces: { network: 'node', pid: 'node', ipc: 'node' }, dns: { servers: ['1.2.3.4'], searches: [], options: [] }, portMappings: [{ containerPort: 80 }] },
      { ...placement, network: 'podlab-c1', pauseImage: 'pause:test' },
    );
    assert.equal(options.name, 'k8s_POD_web_default_u1_1');
    assert.equal(options.HostConfig?.NetworkMode, 'container:podlab-c1-n1');
    assert.equal(options.HostConfig?.IpcMode, 'container:podlab-c1-n1');
    assert.equal(options.HostConfig?.PidMode, 'container:podlab-c1-n1');
    assert.equal(options.Hostname, undefined);
    assert.equal(options.HostConfig?.Dns, undefined);
    assert.equal(options.HostConfig?.PortBindings, undefined);
    assert.equal(options.Labels?.['podlab.namespaces'], 'network=node,pid=node,ipc=node');
  });

  test('a pod-network sandbox publishes each port on 127.0.0.1, ephemeral unless fixed', () => {
    const options = sandboxCreateOptions(
      { ...sandbox, hostname: 'a'.repeat(70), portMappings: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }] },
      { ...placement, network: 'podlab-c1', pauseImage: 'pause:test' },
    );
    assert.equal(options.Hostname, 'a'.repeat(63));
    assert.equal(options.HostConfig?.IpcMode, 'shareable');
    assert.deepEqual(options.HostConfig?.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }] });
  });

  test('app containers: Kubernetes command/args, CPU request as shares, runAsGroup alone keeps the image user', () => {
    const options = containerCreateOptions(
      'sandbox-id',
      { metadata: { name: 'app', attempt: 2 }, image: 'busybox', command: [], args: ['sh'], resources: { cpuRequestMillis: 1 }, securityContext: { runAsGroup: 3000 } },
      { ...sandbox, namespaces: { pid: 'pod' } },
      placement,
      'nobody',
    );
    assert.equal(options.name, 'k8s_app_web_default_u1_2');
    assert.equal(options.Entrypoint, undefined, 'an empty command means the image entrypoint');
    assert.deepEqual(options.Cmd, ['sh']);
    assert.equal(options.HostConfig?.CpuShares, 2, 'the kubelet floor');
    assert.equal(options.User, 'nobody:3000');
    assert.equal(options.HostConfig?.PidMode, 'container:sandbox-id');
    assert.equal(options.HostConfig?.RestartPolicy?.Name, 'no');
  });
});

describe('Docker container status', () => {
  const inspect = (state: Partial<Docker.ContainerInspectInfo['State']>) =>
    ({
      Id: 'id',
      Created: '2026-01-01T00:00:00Z',
      Image: 'sha256:abc',
      Config: { Image: 'busybox', Labels: { 'io.kubernetes.container.name': 'app', 'podlab.attempt': '1', 'io.kubernetes.pod.name': 'web' } },
      State: { Status: 'created', Running: false, OOMKilled: false, ExitCode: 0, Error: '', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z', ...state },
    }) as unknown as Docker.ContainerInspectInfo;

  test('created, never-started-with-error (ContainerCannotRun), and OOM even with exit code 0', () => {
    assert.equal(toContainerStatus(inspect({})).state, 'created');
    const cannotRun = toContainerStatus(inspect({ Status: 'created', ExitCode: 127, Error: 'exec: "x": executable file not found' }));
    assert.deepEqual([cannotRun.state, cannotRun.reason, cannotRun.exitCode, cannotRun.message], ['exited', 'ContainerCannotRun', 127, 'exec: "x": executable file not found']);
    const oom = toContainerStatus(inspect({ Status: 'exited', OOMKilled: true, ExitCode: 0, StartedAt: '2026-01-01T00:00:01Z', FinishedAt: '2026-01-01T00:00:02Z' }));
    assert.equal(oom.reason, 'OOMKilled');
    assert.deepEqual(oom.metadata, { name: 'app', attempt: 1 });
  });

  test("docker-modem's prefix is stripped from the engine's message", () => {
    const error = Object.assign(new Error('(HTTP code 404) no such container - No such container: abc '), { statusCode: 404 });
    assert.equal(dockerMessage(error), 'No such container: abc');
  });
});
