// One Docker client per endpoint: every step of a start gets the same one
// (docker-modem looks for the local socket once, not before each new client's
// first request), and a changed DOCKER_HOST (the UI's Docker endpoint
// setting) gets a client of its own.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { dockerClient } from '../../main/runtime/docker/engine.ts';

const inherited = process.env.DOCKER_HOST;
after(() => {
  if (inherited === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = inherited;
});

test('the same client for the same DOCKER_HOST, a new one when it changes', () => {
  process.env.DOCKER_HOST = 'unix:///run/podlab-test-a.sock';
  const first = dockerClient();
  assert.equal(dockerClient(), first);
  assert.equal((first.modem as { socketPath?: unknown }).socketPath, '/run/podlab-test-a.sock');
  process.env.DOCKER_HOST = 'unix:///run/podlab-test-b.sock';
  const second = dockerClient();
  assert.notEqual(second, first);
  assert.equal((second.modem as { socketPath?: unknown }).socketPath, '/run/podlab-test-b.sock');
  delete process.env.DOCKER_HOST;
  const local = dockerClient();
  assert.notEqual(local, second);
  assert.equal(dockerClient(), local);
});
