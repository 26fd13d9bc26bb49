// Container logs on the real Docker engine: stdout/stderr apart and in order,
// timestamps, tail, since, follow, and a previous instance's logs.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { containerLogs } from '../../main/runtime/docker/logs.ts';
import { LABEL_CLUSTER, type LogLine } from '../../main/runtime/runtime.ts';
import { collect, createDockerFixture, eventually, runPod, TEST_LABELS, type DockerFixture } from './runtime-docker-fixture.ts';

describe('Docker runtime: logs', () => {
  let fixture: DockerFixture;
  before(async () => {
    fixture = await createDockerFixture();
  });
  after(async () => {
    await fixture?.cleanup();
  });

  async function exited(containerId: string): Promise<void> {
    await eventually(`${containerId} to exit`, async () => ((await fixture.runtime.containerStatus(containerId)).state === 'exited' ? true : undefined));
  }

  test('lines keep their stream and, within it, their order; each has an RFC 3339 nanosecond timestamp', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('writer'), [
      fixture.shell('main', 'echo one; echo two >&2; echo three; echo four >&2; printf "no newline"'),
    ]);
    await exited(containerIds[0]!);
    const lines = await collect(fixture.runtime.logs(containerIds[0]!));
    // stdout and stderr are two pipes the engine reads apart: across them, neither file order nor
    // timestamps follow the order the process wrote in (the same on any Kubernetes node).
    const of = (stream: string) => lines.filter((l) => l.stream === stream).map((l) => l.line);
    assert.deepEqual(of('stdout'), ['one', 'three', 'no newline']);
    assert.deepEqual(of('stderr'), ['two', 'four']);
    for (const { timestamp } of lines) assert.match(timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    for (const stream of ['stdout', 'stderr']) {
      const times = lines.filter((l) => l.stream === stream).map((l) => l.timestamp);
      assert.deepEqual([...times].sort(), times);
    }
  });

  test('a line longer than the engine keeps in one entry (16 KiB) comes back whole, without the timestamp of its second part', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('long-line'), [
      fixture.shell('main', 'i=0; s=""; while [ $i -lt 2000 ]; do s="${s}abcdefghi-"; i=$((i+1)); done; echo "START${s}END"; echo next'),
    ]);
    await exited(containerIds[0]!);
    for (const follow of [false, true]) {
      const lines = await collect(fixture.runtime.logs(containerIds[0]!, { follow }));
      assert.deepEqual(lines.map((l) => l.line), [`START${'abcdefghi-'.repeat(2000)}END`, 'next']);
    }
  });

  test('tailLines returns only the last lines', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('tail'), [fixture.shell('main', 'for i in 1 2 3 4 5; do echo "line $i"; done')]);
    await exited(containerIds[0]!);
    const lines = await collect(fixture.runtime.logs(containerIds[0]!, { tailLines: 2 }));
    assert.deepEqual(lines.map((l) => l.line), ['line 4', 'line 5']);
  });

  test('since drops lines written before it', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('since'), [fixture.shell('main', 'echo early; sleep 1; echo late')]);
    await exited(containerIds[0]!);
    const all = await collect(fixture.runtime.logs(containerIds[0]!));
    const early = all.find((l) => l.line === 'early')!;
    const since = new Date(Date.parse(early.timestamp) + 1);
    const lines = await collect(fixture.runtime.logs(containerIds[0]!, { since }));
    assert.deepEqual(lines.map((l) => l.line), ['late']);
  });

  test('follow delivers lines as they are written and ends when the container exits', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('follow'), [
      fixture.shell('main', 'for i in 1 2 3 4; do echo "tick $i"; sleep 0.2; done'),
    ]);
    const lines = await collect(fixture.runtime.logs(containerIds[0]!, { follow: true }));
    assert.deepEqual(lines.map((l) => l.line), ['tick 1', 'tick 2', 'tick 3', 'tick 4']);
  });

  /**
   * Follows a container of the cluster (so cleanup removes it) writing 20,000 numbered lines of ~70 bytes, its
   * json-file log rotating at `maxSize`; answers the numbers the follow handed out and how many went back.
   */
  async function followThroughRotations(maxSize: string, maxFile: string, pause: string): Promise<{ numbers: number[]; backwards: number }> {
    const container = await fixture.docker.createContainer({
      Image: 'busybox:latest',
      Cmd: ['sh', '-c', `i=0; while [ $i -lt 20000 ]; do echo "n $i padding to make the line about seventy bytes long"; i=$((i+1)); ${pause} done; true`],
      Labels: { ...TEST_LABELS, [LABEL_CLUSTER]: fixture.cluster },
      HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'json-file', Config: { 'max-size': maxSize, 'max-file': maxFile } } },
    });
    await container.start();
    const lines = await collect(containerLogs(fixture.docker, container.id, { follow: true }));
    const numbers = lines.filter((l) => l.line.startsWith('n ')).map((l) => Number(l.line.split(' ')[1]));
    return { numbers, backwards: numbers.filter((n, i) => i > 0 && n <= numbers[i - 1]!).length };
  }

  test('a follow across log rotations hands out no line twice (Docker 20.10 goes back in the file when it rotates)', async () => {
    // 100 KB files, and short pauses that let the follow keep up.
    const { numbers, backwards } = await followThroughRotations('100k', '5', '[ $((i % 200)) -eq 0 ] && usleep 2000;');
    assert.equal(backwards, 0, `${backwards} of ${numbers.length} lines went back`);
    // Past the first rotation (~1,400 lines), where the repeats began.
    assert.ok(numbers.at(-1)! > 5000, `the follow ended at line ${numbers.at(-1)}`);
  });

  test('a follow the engine ends when its file was rotated away goes on from its last line to the end', async () => {
    // 10 KB files, two kept, and no pauses: the follow falls behind and Docker 20.10 ends it with "Error grabbing logs".
    const { numbers, backwards } = await followThroughRotations('10k', '2', '');
    assert.equal(backwards, 0, `${backwards} of ${numbers.length} lines went back`);
    // Lines rotated away while it was behind are lost (the engine says so in the stream); the end is not.
    assert.equal(numbers.at(-1), 19_999, `the follow ended at line ${numbers.at(-1)}`);
  });

  test('following stops cleanly when its signal aborts', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('endless'), [fixture.shell('main', 'i=0; while true; do i=$((i+1)); echo "n $i"; sleep 0.1; done')]);
    const controller = new AbortController();
    const seen: LogLine[] = [];
    for await (const line of fixture.runtime.logs(containerIds[0]!, { follow: true, signal: controller.signal })) {
      seen.push(line);
      if (seen.length === 3) controller.abort();
    }
    assert.deepEqual(seen.map((l) => l.line), ['n 1', 'n 2', 'n 3']);
  });

  test('breaking out of a follow releases it', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('break'), [fixture.shell('main', 'while true; do echo tick; sleep 0.1; done')]);
    let count = 0;
    for await (const line of fixture.runtime.logs(containerIds[0]!, { follow: true })) {
      assert.equal(line.line, 'tick');
      if (++count === 2) break;
    }
    assert.equal(count, 2);
  });

  test('a tty container logs lines without carriage returns', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('tty'), [fixture.shell('main', 'echo on a terminal; echo err >&2', { tty: true })]);
    await exited(containerIds[0]!);
    const lines = await collect(fixture.runtime.logs(containerIds[0]!));
    assert.deepEqual(lines.map(({ stream, line }) => ({ stream, line })), [
      { stream: 'stdout', line: 'on a terminal' },
      { stream: 'stdout', line: 'err' },
    ]);
  });

  test("the previous instance's logs stay readable after the container is recreated", async () => {
    const sandbox = fixture.pod('restarted');
    const sandboxId = await fixture.runtime.runPodSandbox(sandbox);
    const first = await fixture.runtime.createContainer(sandboxId, fixture.shell('app', 'echo first instance; exit 1'), sandbox);
    await fixture.runtime.startContainer(first);
    await exited(first);
    const second = await fixture.runtime.createContainer(sandboxId, fixture.shell('app', 'echo second instance; exec sleep 3600', { metadata: { name: 'app', attempt: 1 } }), sandbox);
    await fixture.runtime.startContainer(second);

    const instances = await fixture.runtime.listContainers({ sandboxId, labels: { 'io.kubernetes.container.name': 'app' } });
    const previous = instances.find((c) => c.metadata.attempt === 0);
    assert.equal(previous?.id, first);
    assert.equal(previous?.state, 'exited');
    assert.deepEqual((await collect(fixture.runtime.logs(previous!.id))).map((l) => l.line), ['first instance']);
    const current = await eventually('the second instance to log', async () => {
      const lines = await collect(fixture.runtime.logs(second));
      return lines.length > 0 ? lines : undefined;
    });
    assert.deepEqual(current.map((l) => l.line), ['second instance']);
  });

  test('logs of a container that does not exist is a NotFoundError', async () => {
    await assert.rejects(collect(fixture.runtime.logs('no-such-container-id')), { name: 'NotFoundError' });
  });
});
