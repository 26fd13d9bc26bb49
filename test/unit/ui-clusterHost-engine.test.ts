// The app's start when the Docker engine does not answer. A cluster that ran
// before opens its store and starts its API server while the engine is asked
// (nothing there needs the engine), but the window says "running" only once
// the engine answered, and an engine that never does ends the start with the
// plain "Docker does not answer" screen. A new cluster is not made at all
// without an engine: nothing is written for it.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ClusterStatus } from '../../preload/api.ts';
import { ClusterHost } from '../../main/ui/clusterHost.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const home = tempDir('host-engine');
// An engine that accepts a connection and says nothing until the test lets it go, as a hung Docker does.
const held: Socket[] = [];
const socketPath = join(home, 'hung-docker.sock');
const hungEngine = createServer((socket) => held.push(socket));
await new Promise<void>((resolve) => hungEngine.listen(socketPath, resolve));
process.env.DOCKER_HOST = `unix://${socketPath}`;
const host = new ClusterHost({ mode: 'browser', home, samplesDir: home, upstreamDns: false });
after(async () => {
  // A start still waiting for the engine (a failed test) ends once it hangs up.
  for (const socket of held.splice(0)) socket.destroy();
  await host.stop();
  hungEngine.close();
  removeDir(home);
});

const settingsOf = (name: string) => join(home, 'clusters', name, 'cluster.json');

// The timeout only ends a start that waits for the engine before its API server (what this test is against).
test('a cluster that ran before serves its API while the engine is asked, and fails plainly when it never answers', { timeout: 60_000 }, async () => {
  // What a Docker cluster's first start leaves: its settings, with no port yet.
  mkdirSync(join(home, 'clusters', 'was-running'), { recursive: true });
  writeFileSync(settingsOf('was-running'), JSON.stringify({ name: 'was-running', apiPort: 0, store: 'sqlite', runtime: 'docker', nodes: 1, subnet: '10.251.0.0/16' }));
  const phases: ClusterStatus['phase'][] = [];
  host.status.subscribe((status) => phases.push(status.phase));
  const started = host.start('was-running');

  // The API server listens (its port is written down) while the engine's answer is still awaited.
  while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
  while (JSON.parse(readFileSync(settingsOf('was-running'), 'utf8')).apiPort === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(host.status.get().phase, 'starting');
  assert.equal(host.status.get().progress?.step, 'checking that Docker answers');

  // The engine hangs up without a word.
  for (const socket of held.splice(0)) socket.destroy();
  await started;
  const last = host.status.get();
  assert.equal(last.phase, 'failed');
  assert.equal(last.docker.state, 'unreachable');
  assert.equal(last.message, `Docker does not answer at unix://${socketPath}, and cluster "was-running" runs its pods in Docker.`);
  assert.ok(!phases.includes('running'), `never said running: ${phases.join(' → ')}`);
  assert.throws(() => host.connection(), /is not running/);
});

test('a new cluster is not made while the engine does not answer', async () => {
  hungEngine.close();
  await host.start('never-made', 'docker');
  const last = host.status.get();
  assert.equal(last.phase, 'failed');
  assert.match(last.message ?? '', /^Docker does not answer at unix:\/\//);
  assert.equal(existsSync(join(home, 'clusters', 'never-made')), false, 'no data directory');
});
