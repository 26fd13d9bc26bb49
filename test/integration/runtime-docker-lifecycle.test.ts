// Container lifecycle on the real Docker engine: stop with a grace period,
// exit reasons as the kubelet reports them, events, resources and security
// settings, volumes, and stats.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ContainerEvent } from '../../main/runtime/runtime.ts';
import { collect, createDockerFixture, eventually, runPod, type DockerFixture } from './runtime-docker-fixture.ts';

// dd's 64 MiB buffer cannot fit in 8 MiB, so the kernel kills dd. It waits a
// second first: the engine starts watching a container for OOM kills only
// after it started, and an OOM kill in the first milliseconds goes unnoticed
// (Docker then reports exit 137 without OOMKilled, and no oom event).
const OOM_SCRIPT = 'sleep 1; exec dd if=/dev/zero of=/dev/null bs=64M count=1';
const OOM_LIMIT = 8 * 1024 * 1024;

describe('Docker runtime: container lifecycle', () => {
  let fixture: DockerFixture;
  before(async () => {
    fixture = await createDockerFixture();
  });
  after(async () => {
    await fixture?.cleanup();
  });

  async function exitedStatus(containerId: string) {
    return eventually(`${containerId} to exit`, async () => {
      const status = await fixture.runtime.containerStatus(containerId);
      return status.state === 'exited' ? status : undefined;
    });
  }

  async function logLines(containerId: string): Promise<string[]> {
    return (await collect(fixture.runtime.logs(containerId))).map((l) => l.line);
  }

  test('stop sends SIGTERM first: a container that handles it exits 0 (Completed)', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('graceful'), [
      fixture.shell('main', 'trap "echo got TERM; exit 0" TERM; echo ready; while true; do sleep 0.1; done'),
    ]);
    const id = containerIds[0]!;
    await eventually('the trap to be set', async () => ((await logLines(id)).includes('ready') ? true : undefined));
    await fixture.runtime.stopContainer(id, 30);
    const status = await fixture.runtime.containerStatus(id);
    assert.equal(status.state, 'exited');
    assert.equal(status.exitCode, 0);
    assert.equal(status.reason, 'Completed');
    assert.ok(status.startedAt && status.finishedAt && status.finishedAt >= status.startedAt);
    assert.deepEqual(await logLines(id), ['ready', 'got TERM']);
  });

  test('stop sends SIGKILL when the grace period ends: a container ignoring SIGTERM exits 137 (Error)', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('stubborn'), [
      fixture.shell('main', 'trap "echo ignoring TERM" TERM; echo ready; while true; do sleep 0.1; done'),
    ]);
    const id = containerIds[0]!;
    await eventually('the trap to be set', async () => ((await logLines(id)).includes('ready') ? true : undefined));
    await fixture.runtime.stopContainer(id, 1);
    const status = await fixture.runtime.containerStatus(id);
    assert.equal(status.exitCode, 137);
    assert.equal(status.reason, 'Error');
    assert.deepEqual(await logLines(id), ['ready', 'ignoring TERM']);
    // Idempotent on a stopped container, and on one that is gone.
    await fixture.runtime.stopContainer(id, 1);
    await fixture.runtime.removeContainer(id);
    await fixture.runtime.removeContainer(id);
    await fixture.runtime.stopContainer(id, 1);
  });

  test('exit reasons: Completed, Error with the exit code, OOMKilled', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('reasons'), [
      fixture.shell('ok', 'exit 0'),
      fixture.shell('fails', 'exit 3'),
      fixture.shell('oom', OOM_SCRIPT, { resources: { memoryLimitBytes: OOM_LIMIT } }),
    ]);
    const [ok, fails, oom] = await Promise.all(containerIds.map(exitedStatus));
    assert.deepEqual([ok!.reason, ok!.exitCode], ['Completed', 0]);
    assert.deepEqual([fails!.reason, fails!.exitCode], ['Error', 3]);
    assert.equal(oom!.exitCode, 137);
    // Docker 20.10 sometimes misses an OOM kill on a loaded machine (its OOM notice races the exit:
    // State.OOMKilled stays false, no oom event). What PodLab maps is what the engine reports, so a
    // miss is retried with a fresh container, a few times at most.
    let reason = oom!.reason;
    for (let attempt = 1; reason !== 'OOMKilled' && attempt < 4; attempt++) {
      const again = await runPod(fixture, fixture.pod(`oom-${attempt}`), [fixture.shell('oom', OOM_SCRIPT, { resources: { memoryLimitBytes: OOM_LIMIT } })]);
      reason = (await exitedStatus(again.containerIds[0]!))!.reason;
    }
    assert.equal(reason, 'OOMKilled');
  });

  test('a container whose program cannot start fails at start and reports ContainerCannotRun', async () => {
    const sandbox = fixture.pod('cannot-run');
    const sandboxId = await fixture.runtime.runPodSandbox(sandbox);
    const id = await fixture.runtime.createContainer(sandboxId, { metadata: { name: 'main', attempt: 0 }, image: 'busybox:latest', command: ['/no/such/binary'], labels: { 'podlab.test': '1' } }, sandbox);
    assert.equal((await fixture.runtime.containerStatus(id)).state, 'created');
    await assert.rejects(fixture.runtime.startContainer(id), (error: Error) => error.name === 'RuntimeError' && /no such file/i.test(error.message));
    const status = await fixture.runtime.containerStatus(id);
    assert.equal(status.state, 'exited');
    assert.equal(status.reason, 'ContainerCannotRun');
    assert.ok(status.exitCode !== undefined && status.exitCode !== 0);
    assert.match(status.message ?? '', /no such file/i);
  });

  test('creating a container from an image that was never pulled is an ImageNotPresentError', async () => {
    const sandbox = fixture.pod('no-image');
    const sandboxId = await fixture.runtime.runPodSandbox(sandbox);
    await assert.rejects(
      fixture.runtime.createContainer(sandboxId, { metadata: { name: 'main', attempt: 0 }, image: 'podlab.invalid/never-pulled:1', labels: { 'podlab.test': '1' } }, sandbox),
      { name: 'ImageNotPresentError', image: 'podlab.invalid/never-pulled:1' },
    );
  });

  test('events: created, started and died (with exit code and labels), oom, removed', async () => {
    const controller = new AbortController();
    const events: ContainerEvent[] = [];
    const stream = fixture.runtime.events({ signal: controller.signal });
    await stream.ready;
    const watching = (async () => {
      for await (const event of stream) events.push(event);
    })();

    const sandbox = fixture.pod('evented');
    const { sandboxId, containerIds } = await runPod(fixture, sandbox, [
      fixture.shell('dies', 'exit 4'),
      fixture.shell('oom', OOM_SCRIPT, { resources: { memoryLimitBytes: OOM_LIMIT } }),
    ]);
    const [dies, oom] = containerIds as [string, string];
    await Promise.all(containerIds.map(exitedStatus));
    await fixture.runtime.removeContainer(dies);
    await eventually('the events to arrive', async () => (events.some((e) => e.type === 'removed' && e.containerId === dies) && events.some((e) => e.type === 'oom') ? true : undefined));
    controller.abort();
    await watching;

    const of = (id: string) => events.filter((e) => e.containerId === id).map((e) => e.type);
    assert.deepEqual(of(dies), ['created', 'started', 'died', 'removed']);
    assert.ok(of(oom).includes('oom'), `oom events: ${of(oom).join(',')}`);
    assert.deepEqual(of(sandboxId).slice(0, 2), ['created', 'started']);
    const died = events.find((e) => e.containerId === dies && e.type === 'died')!;
    assert.equal(died.exitCode, 4);
    assert.equal(died.isSandbox, false);
    assert.equal(died.labels['io.kubernetes.pod.name'], 'evented');
    assert.equal(died.labels['io.kubernetes.pod.uid'], sandbox.metadata.uid);
    assert.equal(died.labels['io.kubernetes.container.name'], 'dies');
    assert.equal(died.labels['io.kubernetes.sandbox.id'], sandboxId);
    assert.equal(events.find((e) => e.containerId === sandboxId)?.isSandbox, true);
  });

  test('command, args, env and workingDir follow Kubernetes semantics', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('semantics'), [
      // args alone replace the image's CMD (["sh"]) and keep its (empty) entrypoint.
      { metadata: { name: 'args', attempt: 0 }, image: 'busybox:latest', args: ['sh', '-c', 'echo "$GREETING from $(pwd)"'], env: [{ name: 'GREETING', value: 'hello' }], workingDir: '/var/www', labels: { 'podlab.test': '1' } },
      { metadata: { name: 'both', attempt: 0 }, image: 'busybox:latest', command: ['echo'], args: ['command', 'and', 'args'], labels: { 'podlab.test': '1' } },
    ]);
    await Promise.all(containerIds.map(exitedStatus));
    assert.deepEqual(await logLines(containerIds[0]!), ['hello from /var/www']);
    assert.deepEqual(await logLines(containerIds[1]!), ['command and args']);
  });

  test('resources and securityContext become Docker limits and settings that hold', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('restricted'), [
      fixture.shell('main', 'id -u; id -g; touch /probe 2>/dev/null && echo writable || echo read-only; touch /tmp/probe && echo tmp-writable; exec sleep 3600', {
        resources: { cpuLimitMillis: 500, cpuRequestMillis: 250, memoryLimitBytes: 64 * 1024 * 1024, pidsLimit: 50 },
        securityContext: { runAsUser: 65534, runAsGroup: 65534, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
        mounts: [{ containerPath: '/tmp', source: { type: 'tmpfs' } }],
      }),
    ]);
    const id = containerIds[0]!;
    const lines = await eventually('the checks to run', async () => {
      const lines = await logLines(id);
      return lines.length >= 4 ? lines : undefined;
    });
    assert.deepEqual(lines, ['65534', '65534', 'read-only', 'tmp-writable']);
    const host = (await fixture.docker.getContainer(id).inspect()).HostConfig;
    assert.equal(host.NanoCpus, 500_000_000);
    assert.equal(host.CpuShares, 256);
    assert.equal(host.Memory, 64 * 1024 * 1024);
    assert.equal(host.MemorySwap, 64 * 1024 * 1024);
    assert.equal(host.PidsLimit, 50);
    assert.deepEqual(host.CapDrop, ['ALL']);
    assert.deepEqual(host.CapAdd, ['NET_BIND_SERVICE']);
    assert.deepEqual(host.SecurityOpt, ['no-new-privileges']);
  });

  test('a volume created by the runtime is shared by the containers of a pod', async () => {
    const volume = `${fixture.cluster}-shared`;
    await fixture.runtime.createVolume({ name: volume, labels: { 'podlab.test': '1' } });
    const mounts = [{ containerPath: '/data', source: { type: 'volume' as const, name: volume } }];
    const { containerIds } = await runPod(fixture, fixture.pod('volumes'), [
      fixture.shell('writer', 'echo from-writer > /data/file; exec sleep 3600', { mounts }),
      fixture.shell('reader', 'exec sleep 3600', { mounts: [{ ...mounts[0]!, readOnly: true }] }),
    ]);
    const content = await eventually('the file to be written', async () => {
      const result = await fixture.runtime.execSync(containerIds[1]!, ['cat', '/data/file'], 5000);
      return result.exitCode === 0 ? result.stdout : undefined;
    });
    assert.equal(content, 'from-writer\n');
    const write = await fixture.runtime.execSync(containerIds[1]!, ['sh', '-c', 'echo x > /data/other'], 5000);
    assert.notEqual(write.exitCode, 0, 'the read-only mount refuses writes');
  });

  test('stats report CPU time, memory and processes of a running container', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('measured'), [fixture.shell('main', 'while true; do :; done', { resources: { memoryLimitBytes: 32 * 1024 * 1024 } })]);
    const stats = await fixture.runtime.containerStats(containerIds[0]!);
    assert.equal(stats.containerId, containerIds[0]);
    assert.ok(stats.cpu.usageCoreNanoSeconds > 0);
    assert.ok(stats.cpu.usageNanoCores > 0, 'a busy loop uses CPU');
    assert.ok(stats.memory.usageBytes > 0);
    assert.ok(stats.memory.workingSetBytes <= stats.memory.usageBytes);
    assert.equal(stats.memory.limitBytes, 32 * 1024 * 1024);
    assert.ok((stats.pids ?? 0) >= 1);
  });
});
