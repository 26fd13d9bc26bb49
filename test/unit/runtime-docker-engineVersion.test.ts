// The engine's version for the kubelets' runtime checks, on the real engine
// (through a socket the test can cut): asked once and shared, each later
// check a ping, forgotten when a ping fails, asked again after a minute.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { engineVersion, VERSION_KEPT_MS } from '../../main/runtime/docker/engineVersion.ts';
import { EngineProxy } from '../helpers/engineProxy.ts';

const dir = mkdtempSync(join(tmpdir(), 'podlab-engine-version-'));
const proxy = new EngineProxy(join(dir, 'docker.sock'));

before(() => proxy.open());
after(async () => {
  await proxy.cut();
  rmSync(dir, { recursive: true, force: true });
});

/** A client of the proxied engine that records the paths it asks for. */
function recordingClient(): { docker: Docker; asked: string[] } {
  const docker = new Docker({ socketPath: proxy.path });
  const asked: string[] = [];
  const modem = docker.modem as unknown as { dial(options: { path: string }, callback: unknown): unknown };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    asked.push(options.path.replace(/\?.*$/, ''));
    return dial(options, callback);
  };
  return { docker, asked };
}

test('callers side by side share one request; later ones ping and get the same version', async () => {
  const { docker, asked } = recordingClient();
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
  const { docker, asked } = recordingClient();
  const clock = () => 0;
  await engineVersion(docker, clock);
  await proxy.cut();
  try {
    await assert.rejects(engineVersion(docker, clock), { name: 'EngineUnavailableError' });
  } finally {
    await proxy.open();
  }
  await engineVersion(docker, clock);
  assert.deepEqual(asked, ['/version', '/_ping', '/version']);
});

test('a version that could not be asked is not kept', async () => {
  const { docker, asked } = recordingClient();
  const clock = () => 0;
  await proxy.cut();
  try {
    await assert.rejects(engineVersion(docker, clock), { name: 'EngineUnavailableError' });
  } finally {
    await proxy.open();
  }
  await engineVersion(docker, clock);
  assert.deepEqual(asked, ['/version', '/version']);
});
