#!/usr/bin/env node
// `npm test`: prepares what the tests need (Docker engine, Chromium, etcd,
// local images), type-checks, runs every test file with node's test runner,
// and ends with one line `N passed, N failed`. A run in which nothing passed
// is a failure, never a green skip.
//
//   npm test                 all kinds: unit, integration, kubectl, e2e
//   npm test -- unit kubectl only these kinds
//   npm test -- --no-setup   skip the environment setup (it must already be done)

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const kinds = ['unit', 'integration', 'kubectl', 'e2e'];
const args = process.argv.slice(2);
const skipSetup = args.includes('--no-setup');
const selected = args.filter((a) => !a.startsWith('--'));
for (const kind of selected) {
  if (!kinds.includes(kind)) {
    console.error(`unknown test kind "${kind}": choose from ${kinds.join(', ')}`);
    process.exit(2);
  }
}
const wanted = selected.length ? selected : kinds;

function finish(passed, failed) {
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

function run(label, command, commandArgs) {
  console.log(`\n== ${label}`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

function testFiles(dir) {
  let found = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const entry of entries.sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found = found.concat(testFiles(path));
    else if (entry.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const needsEnvironment = wanted.some((k) => k !== 'unit');
if (needsEnvironment && !skipSetup && !run('test environment (npm run test:setup)', process.execPath, ['--import', 'tsx', 'test/setup/index.ts'])) {
  console.error('\nThe test environment could not be prepared: see the lines above for what is missing.');
  finish(0, 1);
}
if (!run('type check (tsc --noEmit)', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'])) {
  console.error('\nType check failed.');
  finish(0, 1);
}

const files = wanted.flatMap((kind) => testFiles(join(root, 'test', kind)));
if (files.length === 0) {
  console.error('no test files found');
  finish(0, 1);
}
console.log(`\n== tests (${wanted.join(', ')}): ${files.length} files`);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PODLAB_TEST: '1' } },
);
// The runner's summary (ℹ pass N ...) comes before the failures' details, so keep every summary line seen.
const summary = {};
let partial = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    const match = /^ℹ (pass|fail|cancelled) (\d+)$/.exec(line);
    if (match) summary[match[1]] = Number(match[2]);
  }
});
child.on('close', (code) => {
  const count = (name) => summary[name] ?? 0;
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  finish(passed, code !== 0 && failed === 0 ? 1 : failed);
});
