// Loads the `podlab` command's bundle (CommonJS, dist/main/cli/podlab.cjs)
// with V8's code cache: compiling the 2 MB bundle and the functions a start
// runs was a third of the time before a restarted cluster's API answered.
// Node 20 keeps no code cache of its own (module.enableCompileCache is 22's),
// and only a classic script can be given one, hence CommonJS.
//
// The cache lies next to the bundle, named by the bundle's size and mtime
// (V8 checks the source's length and its own version and flags, not the
// text, so a rebuilt bundle must never meet an older cache). It is written a
// couple of seconds after a start, once the start's functions are compiled,
// when there was none or V8 refused it; where dist/ is read-only it is
// simply not kept.

'use strict';

const { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { basename, dirname, join } = require('node:path');
const { constants, Script } = require('node:vm');

const SAVE_AFTER_MS = 2000;

function codeCacheFile(bundle) {
  const { size, mtimeMs } = statSync(bundle);
  return `${bundle}.${size}-${Math.trunc(mtimeMs)}.v8cache`;
}

function readCache(file) {
  try {
    return readFileSync(file);
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

/** The bundle's exports, as `require(bundle)` would give them. */
function loadBundle(bundle) {
  // PODLAB_DEBUG=1's stacks name the TypeScript sources: that needs Node's own loader, which reads the source map.
  if (process.env.PODLAB_DEBUG) return createRequire(bundle)(bundle);
  const cacheFile = codeCacheFile(bundle);
  const cachedData = readCache(cacheFile);
  // The bundle is ASCII (scripts/build-main.js: charset 'ascii'), so latin1 reads the same text without UTF-8
  // decoding: 0.7 ms against 20 ms for the 2.3 MB at a start.
  const source = readFileSync(bundle, 'latin1');
  const script = new Script(Module.wrap(source), {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    // import() of a package the bundle leaves external resolves as in any module of the app.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = new Module(bundle);
  module.filename = bundle;
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  module.loaded = true;
  if (!cachedData || script.cachedDataRejected) setTimeout(() => saveCache(script, bundle, cacheFile), SAVE_AFTER_MS).unref();
  return module.exports;
}

module.exports = { codeCacheFile, loadBundle };
