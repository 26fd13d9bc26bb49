// The engine's version for the kubelets' runtime checks, on the real engine
// (through a socket the test can cut): asked once and shared, each later
// check a ping, forgotten when a ping fails, asked again after a minute.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ASK_SHARED_MS, engineVersion, VERSION_KEPT_MS } from '../../main/runtime/docker/engineVersion.ts';
import { EngineProxy } from '../helpers/engineProxy.ts';
import { recordingDocker } from '../helpers/recordingDocker.ts';

const dir = mkdtempSync(join(tmpdir(), 'podlab-engine-version-'));
const proxy = new EngineProxy(join(dir, 'docker.sock'));

before(() => proxy.open());
after(async () => {
  await proxy.cut();
  rmSync(dir, { recursive: true, force: true });
});

/** What `call` does while the engine's socket is cut: fail as with a stopped engine. */
async function failsWhileCut(call: () => Promise<unknown>): Promise<void> {
  await proxy.cut();
  try {
    await assert.rejects(call(), { name: 'EngineUnavailableError' });
  } finally {
    await proxy.open();
  }
}

test('callers side by side share one request; later ones ping and get the same version', async () => {
  const { docker, asked } = recordingDocker({ socketPath: proxy.path });
  let now = 0;
  const clock = () => now;
  const [a, b] = await Promise.all([engineVersion(docker, clock), engineVersion(docker, clock)]);
  assert.deepEqual(asked, ['/version']);
  assert.equal(a, b);
  assert.match(a.Version, /\d+\.\d+/);
  now += VERSION_KEPT_MS - 1;
  assert.equal((await engineVersion(docker, clock)).Version, a.Version);
  assert.deepEqual(asked, ['/version', '/_ping']);
  now += 1;
  await engineVersion(docker, clock);
  assert.deepEqual(asked, ['/version', '/_ping', '/version'], 'asked again after a minute');
});

test('a failed ping is thrown and forgets the version: once the engine is back it is asked again', async () => {
  const { docker, asked } = recordingDocker({ socketPath: proxy.path });
  const clock = () => 0;
  await engineVersion(docker, clock);
  await failsWhileCut(() => engineVersion(docker, clock));
  await engineVersion(docker, clock);
  assert.deepEqual(asked, ['/version', '/_ping', '/version']);
});

test('a version that could not be asked is not kept', async () => {
  const { docker, asked } = recordingDocker({ socketPath: proxy.path });
  const clock = () => 0;
  await failsWhileCut(() => engineVersion(docker, clock));
  await engineVersion(docker, clock);
  assert.deepEqual(asked, ['/version', '/version']);
});

test("a hung engine's unanswered ask is shared for a few seconds only, then asked again", async () => {
  // An engine that accepts connections and never answers.
  const sockets = new Set<Socket>();
  const hung = createServer((socket) => sockets.add(socket));
  const path = join(dir, 'hung.sock');
  await new Promise<void>((resolve) => hung.listen(path, resolve));
  try {
    const { docker, asked } = recordingDocker({ socketPath: path });
    let now = 0;
    const pending = [engineVersion(docker, () => now), engineVersion(docker, () => now)];
    for (const ask of pending) ask.catch(() => undefined);
    now += ASK_SHARED_MS - 1;
    pending.push(engineVersion(docker, () => now));
    assert.deepEqual(asked, ['/version'], 'shared while fresh');
    now += 1;
    pending.push(engineVersion(docker, () => now));
    assert.deepEqual(asked, ['/version', '/version'], 'asked again');
    for (const ask of pending) ask.catch(() => undefined);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
  }
});
