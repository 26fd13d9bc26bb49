// The simulated runtime: the Runtime contract in memory, with an injected
// clock, so none of these tests sleeps for log lines to appear.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IpAllocator } from '../../main/runtime/simulated/ipAllocator.ts';
import { SimulatedRuntime } from '../../main/runtime/simulated/simulatedRuntime.ts';
import {
  ImagePullError,
  LABEL_ATTEMPT,
  LABEL_CLUSTER,
  LABEL_CONTAINER_NAME,
  LABEL_CONTAINER_TYPE,
  LABEL_NODE,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_SANDBOX_ID,
  type ContainerConfig,
  type ContainerEvent,
  type LogLine,
  type PodSandboxConfig,
  type PullProgress,
} from '../../main/runtime/runtime.ts';

class FakeClock {
  time = Date.parse('2026-01-01T00:00:00.000Z');
  now = () => new Date(this.time);
  advance(ms: number) {
    this.time += ms;
  }
}

function setup(options: { ips?: IpAllocator; node?: string } = {}) {
  const clock = new FakeClock();
  const runtime = new SimulatedRuntime({ cluster: 'sim', node: options.node ?? 'node-1', now: clock.now, logIntervalMs: 10_000, ...(options.ips ? { ips: options.ips } : {}) });
  return { clock, runtime };
}

let uid = 0;
function pod(name: string, overrides: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return { metadata: { name, namespace: 'default', uid: `uid-${++uid}`, attempt: 0 }, ...overrides };
}

function container(name: string, overrides: Partial<ContainerConfig> = {}): ContainerConfig {
  return { metadata: { name, attempt: 0 }, image: 'busybox:latest', ...overrides };
}

async function runPod(runtime: SimulatedRuntime, sandbox: PodSandboxConfig, configs: ContainerConfig[]) {
  for (const config of configs) await runtime.pullImage(config.image);
  const sandboxId = await runtime.runPodSandbox(sandbox);
  const containerIds: string[] = [];
  for (const config of configs) {
    const id = await runtime.createContainer(sandboxId, config, sandbox);
    await runtime.startContainer(id);
    containerIds.push(id);
  }
  return { sandboxId, containerIds };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('SimulatedRuntime: sandboxes', () => {
  test('a sandbox is ready at once with a deterministic IP; the same operations give the same IPs', async () => {
    const ipsOf = async () => {
      const { runtime } = setup();
      const first = await runtime.runPodSandbox(pod('a'));
      const second = await runtime.runPodSandbox(pod('b'));
      await runtime.stopPodSandbox(first);
      const third = await runtime.runPodSandbox(pod('c'));
      return Promise.all([first, second, third].map(async (id) => (await runtime.podSandboxStatus(id)).ip));
    };
    const ips = await ipsOf();
    assert.deepEqual(ips, [undefined, '10.244.0.4', '10.244.0.5']);
    assert.deepEqual(await ipsOf(), ips);
  });

  test('nodes sharing one allocator never hand out the same IP; hostNetwork pods report the node IP', async () => {
    const ips = new IpAllocator('10.9.0.0/24');
    const one = setup({ ips, node: 'node-1' }).runtime;
    const two = setup({ ips, node: 'node-2' }).runtime;
    const addresses = new Set<string | undefined>([one.nodeIp, two.nodeIp]);
    for (let i = 0; i < 5; i++) {
      addresses.add((await one.podSandboxStatus(await one.runPodSandbox(pod(`one-${i}`)))).ip);
      addresses.add((await two.podSandboxStatus(await two.runPodSandbox(pod(`two-${i}`)))).ip);
    }
    assert.equal(addresses.size, 12);
    const host = await one.podSandboxStatus(await one.runPodSandbox(pod('host', { namespaces: { network: 'node' } })));
    assert.equal(host.ip, one.nodeIp);
    assert.deepEqual(host.namespaces, { network: 'node', pid: 'container', ipc: 'pod' });
  });

  test('stop makes it notready and kills what runs; remove deletes it and its containers; both idempotent', async () => {
    const { runtime } = setup();
    const { sandboxId, containerIds } = await runPod(runtime, pod('web'), [container('main')]);
    await runtime.stopPodSandbox(sandboxId);
    await runtime.stopPodSandbox(sandboxId);
    const status = await runtime.podSandboxStatus(sandboxId);
    assert.equal(status.state, 'notready');
    assert.equal(status.ip, undefined);
    const main = await runtime.containerStatus(containerIds[0]!);
    assert.deepEqual([main.state, main.exitCode, main.reason], ['exited', 137, 'Error']);
    await runtime.removePodSandbox(sandboxId);
    await runtime.removePodSandbox(sandboxId);
    await assert.rejects(runtime.podSandboxStatus(sandboxId), { name: 'NotFoundError' });
    await assert.rejects(runtime.containerStatus(containerIds[0]!), { name: 'NotFoundError' });
    assert.deepEqual(await runtime.listContainers(), []);
  });

  test('sandboxes carry the same labels as on Docker; annotations round-trip; lists filter', async () => {
    const { runtime } = setup();
    const config = pod('labeled', { labels: { app: 'web' }, annotations: { 'example.com/note': 'kept' } });
    const id = await runtime.runPodSandbox(config);
    await runtime.runPodSandbox(pod('other', { labels: { app: 'db' } }));
    const [listed] = await runtime.listPodSandboxes({ labels: { app: 'web' } });
    assert.equal(listed?.id, id);
    assert.deepEqual(listed?.metadata, config.metadata);
    assert.deepEqual(listed?.annotations, { 'example.com/note': 'kept' });
    assert.equal(listed?.labels[LABEL_POD_NAME], 'labeled');
    assert.equal(listed?.labels[LABEL_POD_NAMESPACE], 'default');
    assert.equal(listed?.labels[LABEL_POD_UID], config.metadata.uid);
    assert.equal(listed?.labels[LABEL_CONTAINER_NAME], 'POD');
    assert.equal(listed?.labels[LABEL_CONTAINER_TYPE], 'podsandbox');
    assert.equal(listed?.labels[LABEL_CLUSTER], 'sim');
    assert.equal(listed?.labels[LABEL_NODE], 'node-1');
    assert.equal((await runtime.listPodSandboxes({ state: 'ready' })).length, 2);
    await runtime.stopPodSandbox(id);
    assert.deepEqual((await runtime.listPodSandboxes({ state: 'notready' })).map((s) => s.id), [id]);
    assert.deepEqual((await runtime.listPodSandboxes({ id: id.slice(0, 12) })).map((s) => s.id), [id]);
  });

  test("a pod's uid label lists its sandboxes and containers only, through every attempt and after removal", async () => {
    const { runtime } = setup();
    const web = pod('web');
    const first = await runPod(runtime, web, [container('app')]);
    const second = await runPod(runtime, { ...web, metadata: { ...web.metadata, attempt: 1 } }, [container('app', { metadata: { name: 'app', attempt: 1 } })]);
    const db = pod('db');
    const other = await runPod(runtime, db, [container('db')]);
    const byUid = { [LABEL_POD_UID]: web.metadata.uid };
    assert.deepEqual((await runtime.listPodSandboxes({ labels: byUid })).map((s) => s.id).sort(), [first.sandboxId, second.sandboxId].sort());
    assert.deepEqual((await runtime.listContainers({ labels: byUid })).map((c) => c.id).sort(), [...first.containerIds, ...second.containerIds].sort());
    assert.deepEqual((await runtime.listContainers({ labels: { ...byUid, [LABEL_ATTEMPT]: '1' } })).map((c) => c.id), second.containerIds);
    await runtime.removePodSandbox(first.sandboxId);
    assert.deepEqual((await runtime.listPodSandboxes({ labels: byUid })).map((s) => s.id), [second.sandboxId]);
    await runtime.removePodSandbox(second.sandboxId);
    assert.deepEqual(await runtime.listPodSandboxes({ labels: byUid }), []);
    assert.deepEqual(await runtime.listContainers({ labels: byUid }), []);
    assert.deepEqual((await runtime.listContainers({ labels: { [LABEL_POD_UID]: db.metadata.uid } })).map((c) => c.id), other.containerIds);
  });
});

describe('SimulatedRuntime: containers', () => {
  test('containers run from start until stopped; stop exits 0 (Completed)', async () => {
    const { runtime, clock } = setup();
    const sandbox = pod('web');
    await runtime.pullImage('busybox');
    const sandboxId = await runtime.runPodSandbox(sandbox);
    const id = await runtime.createContainer(sandboxId, container('main'), sandbox);
    assert.equal((await runtime.containerStatus(id)).state, 'created');
    clock.advance(1000);
    await runtime.startContainer(id);
    const running = await runtime.containerStatus(id);
    assert.equal(running.state, 'running');
    assert.deepEqual(running.startedAt, clock.now());
    clock.advance(60_000);
    assert.equal((await runtime.containerStatus(id)).state, 'running');
    await runtime.stopContainer(id, 30);
    await runtime.stopContainer(id, 30);
    const stopped = await runtime.containerStatus(id);
    assert.deepEqual([stopped.state, stopped.exitCode, stopped.reason], ['exited', 0, 'Completed']);
    assert.deepEqual(stopped.finishedAt, clock.now());
    assert.deepEqual(stopped.pod, { name: 'web', namespace: 'default', uid: sandbox.metadata.uid });
    await runtime.removeContainer(id);
    await runtime.removeContainer(id);
    await assert.rejects(runtime.containerStatus(id), { name: 'NotFoundError' });
  });

  test('exitContainer produces crashes, completions and OOM kills', async () => {
    const { runtime } = setup();
    const { containerIds } = await runPod(runtime, pod('crashy'), [container('a'), container('b'), container('c')]);
    const [a, b, c] = containerIds as [string, string, string];
    runtime.exitContainer(a, 1);
    runtime.exitContainer(b, 0);
    runtime.exitContainer(c, 137, { oomKilled: true });
    const reasons = await Promise.all(containerIds.map(async (id) => {
      const s = await runtime.containerStatus(id);
      return [s.exitCode, s.reason];
    }));
    assert.deepEqual(reasons, [[1, 'Error'], [0, 'Completed'], [137, 'OOMKilled']]);
    assert.throws(() => runtime.exitContainer(a, 1), { name: 'RuntimeError' });
  });

  test('container labels, annotations and metadata; lists filter by sandbox, state and labels', async () => {
    const { runtime } = setup();
    const { sandboxId, containerIds } = await runPod(runtime, pod('web'), [
      container('main', { metadata: { name: 'main', attempt: 3 }, labels: { tier: 'front' }, annotations: { 'io.kubernetes.container.restartCount': '3' } }),
      container('side'),
    ]);
    await runPod(runtime, pod('elsewhere'), [container('main')]);
    runtime.exitContainer(containerIds[1]!, 0);

    const status = await runtime.containerStatus(containerIds[0]!);
    assert.deepEqual(status.metadata, { name: 'main', attempt: 3 });
    assert.equal(status.sandboxId, sandboxId);
    assert.equal(status.labels[LABEL_SANDBOX_ID], sandboxId);
    assert.equal(status.labels[LABEL_ATTEMPT], '3');
    assert.equal(status.labels[LABEL_CONTAINER_TYPE], 'container');
    assert.equal(status.labels.tier, 'front');
    assert.deepEqual(status.annotations, { 'io.kubernetes.container.restartCount': '3' });
    assert.match(status.imageRef, /^sha256:[0-9a-f]{64}$/);

    assert.equal((await runtime.listContainers()).length, 3);
    assert.deepEqual((await runtime.listContainers({ sandboxId })).map((c) => c.id).sort(), [...containerIds].sort());
    assert.deepEqual((await runtime.listContainers({ sandboxId, state: 'exited' })).map((c) => c.metadata.name), ['side']);
    assert.deepEqual((await runtime.listContainers({ labels: { tier: 'front' } })).map((c) => c.id), [containerIds[0]]);
  });

  test('a container needs a pulled image and a ready sandbox', async () => {
    const { runtime } = setup();
    const sandbox = pod('web');
    const sandboxId = await runtime.runPodSandbox(sandbox);
    await assert.rejects(runtime.createContainer(sandboxId, container('main', { image: 'nginx:1.27' }), sandbox), { name: 'ImageNotPresentError', image: 'nginx:1.27' });
    await runtime.pullImage('nginx:1.27');
    const id = await runtime.createContainer(sandboxId, container('main', { image: 'nginx:1.27' }), sandbox);
    await runtime.stopPodSandbox(sandboxId);
    await assert.rejects(runtime.startContainer(id), { name: 'RuntimeError' });
    await assert.rejects(runtime.createContainer('no-such-sandbox', container('x'), sandbox), { name: 'NotFoundError' });
  });
});

describe('SimulatedRuntime: images', () => {
  test('pull reports progress and makes the image present under its normalized name', async () => {
    const { runtime } = setup();
    const progress: PullProgress[] = [];
    const id = await runtime.pullImage('busybox', { onProgress: (p) => progress.push(p) });
    assert.ok(progress.some((p) => p.status === 'Pull complete'));
    assert.ok(progress.some((p) => p.total !== undefined && p.current === p.total));
    assert.deepEqual((await runtime.imageStatus('busybox:latest'))?.repoTags, ['busybox:latest']);
    assert.equal((await runtime.imageStatus('busybox'))?.id, id);
    assert.equal(await runtime.pullImage('busybox:latest'), id, 'pulls are deterministic');
    assert.deepEqual((await runtime.listImages()).map((i) => i.id), [id]);
    await runtime.removeImage('busybox');
    await runtime.removeImage('busybox');
    assert.equal(await runtime.imageStatus('busybox'), undefined);
  });

  test('images under the reserved .invalid domain, or refused by imageExists, fail with ImagePullError', async () => {
    const { runtime } = setup();
    await assert.rejects(runtime.pullImage('registry.invalid/app:1'), (error: unknown) => {
      assert.ok(error instanceof ImagePullError);
      assert.equal(error.notFound, true);
      assert.match(error.message, /failed to pull image "registry\.invalid\/app:1": manifest for registry\.invalid\/app:1 not found/);
      return true;
    });
    const picky = new SimulatedRuntime({ cluster: 'sim', node: 'n', imageExists: (image) => (image.startsWith('nginx') ? true : 'pull access denied') });
    await picky.pullImage('nginx:1.27');
    await assert.rejects(picky.pullImage('busybox'), { name: 'ImagePullError', message: 'failed to pull image "busybox": pull access denied' });
  });
});

describe('SimulatedRuntime: logs', () => {
  test('synthetic lines appear with the clock: a start line, heartbeats, an exit line', async () => {
    const { runtime, clock } = setup();
    const { containerIds } = await runPod(runtime, pod('web', { metadata: { name: 'web', namespace: 'shop', uid: 'u', attempt: 0 } }), [container('main')]);
    const id = containerIds[0]!;
    clock.advance(35_000);
    const lines = await collect(runtime.logs(id));
    assert.deepEqual(lines.map((l) => l.line), [
      'simulated container main of pod shop/web started (image busybox:latest)',
      'heartbeat 1: main is running',
      'heartbeat 2: main is running',
      'heartbeat 3: main is running',
    ]);
    assert.deepEqual(lines.map((l) => l.timestamp), [
      '2026-01-01T00:00:00.000000000Z',
      '2026-01-01T00:00:10.000000000Z',
      '2026-01-01T00:00:20.000000000Z',
      '2026-01-01T00:00:30.000000000Z',
    ]);
    assert.ok(lines.every((l) => l.stream === 'stdout'));

    assert.deepEqual((await collect(runtime.logs(id, { tailLines: 2 }))).map((l) => l.line), ['heartbeat 2: main is running', 'heartbeat 3: main is running']);
    assert.deepEqual((await collect(runtime.logs(id, { since: new Date('2026-01-01T00:00:15Z') }))).map((l) => l.timestamp), [
      '2026-01-01T00:00:20.000000000Z',
      '2026-01-01T00:00:30.000000000Z',
    ]);

    clock.advance(2_000);
    runtime.exitContainer(id, 2);
    clock.advance(60_000);
    const after = await collect(runtime.logs(id));
    assert.equal(after.length, 5);
    assert.deepEqual(after.at(-1), { stream: 'stdout', timestamp: '2026-01-01T00:00:37.000000000Z', line: 'simulated container main exited with code 2' });
  });

  test("a previous instance's logs stay readable after the container is recreated", async () => {
    const { runtime, clock } = setup();
    const sandbox = pod('web');
    const { sandboxId, containerIds } = await runPod(runtime, sandbox, [container('app')]);
    clock.advance(5_000);
    runtime.exitContainer(containerIds[0]!, 1);
    const second = await runtime.createContainer(sandboxId, container('app', { metadata: { name: 'app', attempt: 1 } }), sandbox);
    await runtime.startContainer(second);
    const previous = (await runtime.listContainers({ sandboxId })).find((c) => c.metadata.attempt === 0)!;
    assert.deepEqual((await collect(runtime.logs(previous.id))).map((l) => l.line).at(-1), 'simulated container app exited with code 1');
    assert.equal((await collect(runtime.logs(second))).length, 1);
  });

  test('follow delivers what exists, then new lines, and ends when the container exits', async () => {
    const { runtime, clock } = setup();
    const { containerIds } = await runPod(runtime, pod('web'), [container('main')]);
    const id = containerIds[0]!;
    clock.advance(10_000);
    const seen: LogLine[] = [];
    const following = (async () => {
      for await (const line of runtime.logs(id, { follow: true })) seen.push(line);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(seen.length, 2);
    clock.advance(1_000);
    runtime.exitContainer(id, 0);
    await following;
    assert.deepEqual(seen.map((l) => l.line).at(-1), 'simulated container main exited with code 0');
    assert.equal(seen.length, 3);
  });

  test('follow ends when its signal aborts', async () => {
    const { runtime } = setup();
    const { containerIds } = await runPod(runtime, pod('web'), [container('main')]);
    const controller = new AbortController();
    const following = collect(runtime.logs(containerIds[0]!, { follow: true, signal: controller.signal }));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    assert.equal((await following).length, 1);
  });
});

describe('SimulatedRuntime: exec, attach, events, stats', () => {
  test('exec, execSync and attach answer a clear NotSupportedError', async () => {
    const { runtime } = setup();
    const { containerIds } = await runPod(runtime, pod('web'), [container('main')]);
    const id = containerIds[0]!;
    await assert.rejects(runtime.exec(id, { command: ['true'] }), { name: 'NotSupportedError', message: 'exec is not supported in the simulated runtime: its containers run no processes' });
    await assert.rejects(runtime.execSync(id, ['true'], 1000), { name: 'NotSupportedError' });
    await assert.rejects(runtime.attach(id), { name: 'NotSupportedError', message: /^attach is not supported in the simulated runtime/ });
  });

  test('events: created, started, died with exit code, oom, removed, with the pod labels', async () => {
    const { runtime } = setup();
    const controller = new AbortController();
    const stream = runtime.events({ signal: controller.signal });
    await stream.ready;
    const sandbox = pod('evented');
    const { sandboxId, containerIds } = await runPod(runtime, sandbox, [container('dies'), container('oom')]);
    runtime.exitContainer(containerIds[0]!, 4);
    runtime.exitContainer(containerIds[1]!, 137, { oomKilled: true });
    await runtime.removeContainer(containerIds[0]!);
    const events: ContainerEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (event.type === 'removed') controller.abort();
    }
    const of = (id: string) => events.filter((e) => e.containerId === id).map((e) => e.type);
    assert.deepEqual(of(sandboxId), ['created', 'started']);
    assert.deepEqual(of(containerIds[0]!), ['created', 'started', 'died', 'removed']);
    assert.deepEqual(of(containerIds[1]!), ['created', 'started', 'oom', 'died']);
    const died = events.find((e) => e.type === 'died')!;
    assert.equal(died.exitCode, 4);
    assert.equal(died.isSandbox, false);
    assert.equal(died.labels[LABEL_POD_UID], sandbox.metadata.uid);
    assert.equal(died.labels[LABEL_CONTAINER_NAME], 'dies');
    assert.equal(events[0]?.isSandbox, true);
  });

  test('stats: a running container uses a little CPU and memory, an exited one none', async () => {
    const { runtime, clock } = setup();
    const { containerIds } = await runPod(runtime, pod('web'), [container('main', { resources: { memoryLimitBytes: 64 * 1024 * 1024 } })]);
    clock.advance(10_000);
    const stats = await runtime.containerStats(containerIds[0]!);
    assert.equal(stats.cpu.usageCoreNanoSeconds, 10_000_000);
    assert.ok(stats.cpu.usageNanoCores > 0);
    assert.ok(stats.memory.workingSetBytes > 0);
    assert.equal(stats.memory.limitBytes, 64 * 1024 * 1024);
    runtime.exitContainer(containerIds[0]!, 0);
    assert.equal((await runtime.containerStats(containerIds[0]!)).memory.workingSetBytes, 0);
  });

  test('volumes are created and removed idempotently', async () => {
    const { runtime } = setup();
    await runtime.createVolume({ name: 'scratch' });
    assert.ok(runtime.hasVolume('scratch'));
    await runtime.removeVolume('scratch');
    await runtime.removeVolume('scratch');
    assert.ok(!runtime.hasVolume('scratch'));
  });
});

describe('SimulatedRuntime: scale', () => {
  test('holds 10,000 running pods, each with its own IP, and still filters them', async (t) => {
    const { runtime } = setup();
    await runtime.pullImage('busybox');
    const heapBefore = process.memoryUsage().heapUsed;
    const ips = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const sandbox = pod(`pod-${i}`, { labels: { app: `app-${i % 100}` } });
      const sandboxId = await runtime.runPodSandbox(sandbox);
      const id = await runtime.createContainer(sandboxId, container('main'), sandbox);
      await runtime.startContainer(id);
      if (i % 1000 === 0) ips.add((await runtime.podSandboxStatus(sandboxId)).ip!);
    }
    t.diagnostic(`heap growth for 10,000 pods: ${((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024).toFixed(1)} MiB`);
    assert.equal(ips.size, 10);
    assert.equal((await runtime.listPodSandboxes()).length, 10_000);
    assert.equal((await runtime.listPodSandboxes({ labels: { app: 'app-7' } })).length, 100);
    assert.equal((await runtime.listContainers({ state: 'running' })).length, 10_000);
  });
});
