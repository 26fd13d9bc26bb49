// Exec and attach on the real Docker engine: output, exit codes, stdin, tty.

import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createDockerFixture, eventually, runPod, type DockerFixture } from './runtime-docker-fixture.ts';

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

function readUntil(stream: Readable, expected: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(expected)) {
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
  });
}

describe('Docker runtime: exec and attach', () => {
  let fixture: DockerFixture;
  let containerId: string;
  before(async () => {
    fixture = await createDockerFixture();
    containerId = (await runPod(fixture, fixture.pod('exec-target'), [fixture.shell('main', 'exec sleep 3600')])).containerIds[0]!;
  });
  after(async () => {
    await fixture?.cleanup();
  });

  test('exec of hostname prints the pod name and exits 0', async () => {
    const session = await fixture.runtime.exec(containerId, { command: ['hostname'] });
    const [stdout, stderr, exitCode] = await Promise.all([readAll(session.stdout), readAll(session.stderr), session.exitCode]);
    assert.deepEqual({ stdout, stderr, exitCode }, { stdout: 'exec-target\n', stderr: '', exitCode: 0 });
  });

  test('exec reports a non-zero exit code and keeps stdout and stderr apart', async () => {
    const result = await fixture.runtime.execSync(containerId, ['sh', '-c', 'echo out; echo err >&2; exit 7'], 5000);
    assert.deepEqual(result, { exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  test('exec of a missing program fails with exit code 126 or 127', async () => {
    const result = await fixture.runtime.execSync(containerId, ['no-such-program'], 5000);
    assert.ok(result.exitCode === 126 || result.exitCode === 127, `exit code ${result.exitCode}`);
  });

  test('exec with stdin: the process reads what is written and sees EOF on end()', async () => {
    const session = await fixture.runtime.exec(containerId, { command: ['sh', '-c', 'tr a-z A-Z'], stdin: true });
    assert.ok(session.stdin);
    const output = readAll(session.stdout);
    session.stdin.write('hello ');
    session.stdin.end('stdin\n');
    assert.equal(await output, 'HELLO STDIN\n');
    assert.equal(await session.exitCode, 0);
  });

  test('exec with a tty: one output stream, a terminal, and resize', async () => {
    const session = await fixture.runtime.exec(containerId, { command: ['sh'], tty: true, stdin: true });
    await session.resize({ columns: 123, rows: 45 });
    const answer = readUntil(session.stdout, '45 123');
    session.stdin!.write('stty size; tty\n');
    const text = await answer;
    assert.match(text, /45 123/);
    session.stdin!.write('exit 3\n');
    assert.equal(await session.exitCode, 3);
    assert.equal(await readAll(session.stderr), '');
  });

  test('execSync gives up after its timeout with a TimeoutError', async () => {
    await assert.rejects(fixture.runtime.execSync(containerId, ['sleep', '5'], 300), { name: 'TimeoutError' });
  });

  test('exec in a container that does not exist is a NotFoundError', async () => {
    await assert.rejects(fixture.runtime.exec('no-such-container-id', { command: ['true'] }), { name: 'NotFoundError' });
  });

  test('attach to a container with stdin open: input reaches it, output comes back', async () => {
    const sandbox = fixture.pod('attach-target');
    const { containerIds } = await runPod(fixture, sandbox, [fixture.shell('echo', 'while read line; do echo "got: $line"; done', { stdin: true })]);
    const session = await fixture.runtime.attach(containerIds[0]!, { stdin: true });
    const answer = readUntil(session.stdout, 'got: ping');
    session.stdin!.write('ping\n');
    assert.match(await answer, /got: ping/);
    session.close();
    // The container keeps running after the attach ends.
    await eventually('the container to still run', async () => ((await fixture.runtime.containerStatus(containerIds[0]!)).state === 'running' ? true : undefined));
  });

  test('attach: the end of the client\'s stdin does not cut the output short (no stdinOnce), nor end a stdinOnce container\'s', async () => {
    for (const stdinOnce of [false, true]) {
      const sandbox = fixture.pod(`attach-eof-${stdinOnce}`);
      const { containerIds } = await runPod(fixture, sandbox, [fixture.shell('sh', 'read line; sleep 0.2; echo "got: $line"', { stdin: true, stdinOnce })]);
      const session = await fixture.runtime.attach(containerIds[0]!, { stdin: true, stdinOnce });
      const answer = readUntil(session.stdout, 'got: last words');
      // Input and its end at once, as `echo ... | kubectl attach -i` sends them: the answer comes after.
      session.stdin!.end('last words\n');
      assert.match(await answer, /got: last words/, `stdinOnce ${stdinOnce}`);
      session.close();
    }
  });
});
