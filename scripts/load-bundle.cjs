// Loads the `podlab` command's bundle (CommonJS, dist/main/cli/podlab.cjs)
// with V8's code cache: compiling the 2 MB bundle and the functions a start
// runs was a third of the time before a restarted cluster's API answered.
// Node 20 keeps no code cache of its own (module.enableCompileCache is 22's),
// and only a classic script can be given one, hence CommonJS.
//
// The bundle is written already wrapped as Node wraps a CommonJS module
// (BUNDLE_HEAD ... BUNDLE_TAIL, scripts/build-main.js), so the text read is
// the script compiled: wrapping it here made a second 2 MB string that V8
// copied again to compile it. And the code cache is read into the buffer the
// text was read into. Each fresh page costs a fault, and on a VM a fault can
// cost 12-16 us (measured here): the two saved ~850 faults, 8-10 ms of a start.
//
// The cache lies next to the bundle, named by the bundle's size and mtime
// (V8 checks the source's length and its own version and flags, not the
// text, so a rebuilt bundle must never meet an older cache). It is written a
// couple of seconds after a start, once the start's functions are compiled,
// when there was none or V8 refused it; where dist/ is read-only it is
// simply not kept.

'use strict';

const { closeSync, fstatSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { basename, dirname, join } = require('node:path');
const { constants, Script } = require('node:vm');

const SAVE_AFTER_MS = 2000;

function codeCacheFile(bundle) {
  const { size, mtimeMs } = statSync(bundle);
  return `${bundle}.${size}-${Math.trunc(mtimeMs)}.v8cache`;
}

/** What the bundle's file begins and ends with: Node's own CommonJS wrapper, so the file is a script whose value is the module's function. */
const BUNDLE_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const BUNDLE_TAIL = '})';

/** Reads `file` whole into the start of `buffer` (a new one when it is too small); throws as readFileSync does. */
function readInto(file, buffer) {
  const fd = openSync(file, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > buffer.length) buffer = Buffer.allocUnsafeSlow(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The code cache read into `buffer`, or undefined when there is none (or it cannot be read). */
function readCache(file, buffer) {
  try {
    return readInto(file, buffer);
  } catch {
    return undefined;
  }
}

function saveCache(script, bundle, file) {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, file);
    // Caches of earlier builds of this bundle are of no use any more.
    const prefix = `${basename(bundle)}.`;
    for (const entry of readdirSync(dirname(file))) {
      if (entry.startsWith(prefix) && entry.endsWith('.v8cache') && entry !== basename(file)) rmSync(join(dirname(file), entry), { force: true });
    }
  } catch {
    rmSync(temporary, { force: true });
  }
}

/** The module function the bundle's text evaluates to, compiled by Node's own loader, which maps stacks to the sources. */
function compileWithNodeLoader(bundle, source) {
  const module = new Module(bundle);
  module.filename = bundle;
  module.paths = Module._nodeModulePaths(dirname(bundle));
  // The assignment goes on the wrapper's line, which maps to no source: every mapped line and column stays as built.
  module._compile(`module.exports = ${source}`, bundle);
  return module.exports;
}

/** The bundle's exports, as `require(bundle)` would give them. */
function loadBundle(bundle) {
  const cacheFile = codeCacheFile(bundle);
  const text = readInto(bundle, Buffer.alloc(0));
  // The bundle is ASCII (scripts/build-main.js: charset 'ascii'), so latin1 reads the same text without UTF-8
  // decoding: 0.7 ms against 20 ms for the 2 MB at a start.
  const source = text.toString('latin1');
  if (!source.startsWith(BUNDLE_HEAD)) throw new Error(`${bundle} is not a bundle of this PodLab's build (rebuild it: node scripts/build-main.js)`);
  const module = new Module(bundle);
  module.filename = bundle;
  const run = (moduleFunction) => {
    moduleFunction(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
    module.loaded = true;
    return module.exports;
  };
  // PODLAB_DEBUG=1's stacks name the TypeScript sources: that needs Node's own loader, which reads the source map.
  if (process.env.PODLAB_DEBUG) return run(compileWithNodeLoader(bundle, source));
  // The text is now a string of its own: the cache goes into the same buffer, whose pages are already there.
  const cachedData = readCache(cacheFile, text);
  const script = new Script(source, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    // import() of a package the bundle leaves external resolves as in any module of the app.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (!cachedData || script.cachedDataRejected) setTimeout(() => saveCache(script, bundle, cacheFile), SAVE_AFTER_MS).unref();
  return run(script.runInThisContext());
}

module.exports = { BUNDLE_HEAD, BUNDLE_TAIL, codeCacheFile, loadBundle };
