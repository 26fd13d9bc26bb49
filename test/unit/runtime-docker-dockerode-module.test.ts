// dockerode loaded without its BuildKit session (gRPC) and docker-modem's SSH
// transport (ssh2) until one is used: checked in a fresh process, whose
// module cache no other test has filled.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { repoRoot } from '../helpers/podlabProcess.ts';

const probe = `
import { createRequire } from 'node:module';
import { dockerode } from './main/runtime/docker/dockerodeModule.ts';
const require = createRequire(import.meta.url);
const loaded = (part) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + part + '/'));
const Docker = dockerode();
const modem = new Docker({ socketPath: '/nonexistent.sock' }).modem;
const before = { grpc: loaded('@grpc/grpc-js'), ssh2: loaded('ssh2'), protobufjs: loaded('protobufjs') };
// The SSH transport still works when asked for: it makes an http.Agent over ssh2 (no connection until a request).
const sshAgent = require(require.resolve('docker-modem/lib/ssh.js', { paths: [require.resolve('dockerode')] }))({ host: '127.0.0.1' });
const after = { ssh2: loaded('ssh2'), agent: typeof sshAgent.createConnection };
console.log(JSON.stringify({ before, after, modem: typeof modem.dial, same: dockerode() === Docker }));
`;

test('dockerode loads without gRPC, protobufjs and ssh2, and its SSH transport still loads when used', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
  assert.deepEqual(result, {
    before: { grpc: false, ssh2: false, protobufjs: false },
    after: { ssh2: true, agent: 'function' },
    modem: 'function',
    same: true,
  });
});
