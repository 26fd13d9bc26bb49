// The podlab command's bundle loaded with V8's code cache: the same exports
// as require, a cache written after the start (timers mocked, never waited
// for), named so that a rebuilt bundle never meets an older one, a cache V8
// refuses (or garbage) costing nothing but a rewrite, and a file that is not
// wrapped as the build wraps it refused with what to do.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, mock, test } from 'node:test';
// @ts-expect-error: a plain JavaScript script of the build, without types.
import { BUNDLE_HEAD, BUNDLE_TAIL, codeCacheFile, loadBundle } from '../../scripts/load-bundle.cjs';

const dir = mkdtempSync(join(tmpdir(), 'podlab-load-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A module's text, wrapped as scripts/build-main.js wraps the command's bundle. */
function writeBundle(name: string, answer: number, wrap = true): string {
  const file = join(dir, name);
  const module = `'use strict';\nconst { join } = require('node:path');\nexports.answer = () => ${answer};\nexports.where = () => join(__dirname, 'x');\nexports.url = require('node:url').pathToFileURL(__filename).href;\n`;
  writeFileSync(file, wrap ? `${BUNDLE_HEAD}${module}${BUNDLE_TAIL}\n` : module);
  return file;
}

const caches = (name: string) => readdirSync(dir).filter((f) => f.startsWith(`${name}.`) && f.endsWith('.v8cache'));

test('exports as require gives them; the code cache is written after the start and used next time', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const bundle = writeBundle('a.cjs', 42);
    const first = loadBundle(bundle);
    assert.equal(first.answer(), 42);
    assert.equal(first.where(), join(dir, 'x'));
    assert.deepEqual(caches('a.cjs'), [], 'nothing written during the start');
    mock.timers.tick(2000);
    assert.deepEqual(caches('a.cjs'), [codeCacheFile(bundle).slice(dir.length + 1)]);
    const written = readFileSync(codeCacheFile(bundle));
    assert.ok(written.length > 0);
    // With an accepted cache nothing is written again.
    assert.equal(loadBundle(bundle).answer(), 42);
    mock.timers.tick(2000);
    assert.ok(readFileSync(codeCacheFile(bundle)).equals(written));
  } finally {
    mock.timers.reset();
  }
});

test('a rebuilt bundle of the same length gets a new cache name, and the old cache is removed once the new one is written', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const bundle = writeBundle('b.cjs', 1);
    loadBundle(bundle);
    mock.timers.tick(2000);
    const old = codeCacheFile(bundle);
    writeBundle('b.cjs', 2);
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    assert.notEqual(codeCacheFile(bundle), old);
    assert.equal(loadBundle(bundle).answer(), 2, 'the new text runs, not the cached one');
    mock.timers.tick(2000);
    assert.deepEqual(caches('b.cjs'), [codeCacheFile(bundle).slice(dir.length + 1)]);
  } finally {
    mock.timers.reset();
  }
});

test('a cache V8 refuses is replaced, and the bundle still runs', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const bundle = writeBundle('c.cjs', 7);
    writeFileSync(codeCacheFile(bundle), 'not a code cache');
    assert.equal(loadBundle(bundle).answer(), 7);
    mock.timers.tick(2000);
    assert.notEqual(readFileSync(codeCacheFile(bundle), 'utf8'), 'not a code cache');
  } finally {
    mock.timers.reset();
  }
});

test('with PODLAB_DEBUG the same exports come through Node\'s own loader (which maps stacks to the sources), and no cache is written', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  process.env.PODLAB_DEBUG = '1';
  try {
    const bundle = writeBundle('d.cjs', 9);
    const loaded = loadBundle(bundle);
    assert.equal(loaded.answer(), 9);
    assert.equal(loaded.where(), join(dir, 'x'));
    mock.timers.tick(2000);
    assert.deepEqual(caches('d.cjs'), []);
  } finally {
    delete process.env.PODLAB_DEBUG;
    mock.timers.reset();
  }
});

test('a file not wrapped as the build wraps the bundle (an older build) is refused with how to rebuild it', () => {
  const bundle = writeBundle('e.cjs', 3, false);
  assert.throws(() => loadBundle(bundle), /e\.cjs is not a bundle of this PodLab's build \(rebuild it: node scripts\/build-main\.js\)/);
});
