// Whether the built main process and UI are there and current, and building
// them when not: what bin/podlab.cjs and bin/start.js ask before every start. Kept apart
// from build-main.js, so a start reads this small module only, and child_process
// loads only when a build has to run. CommonJS, as bin/podlab.cjs is: Node
// starts a CommonJS entry ~10 ms sooner than an ES module one.

'use strict';

const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const distDir = join(root, 'dist');

/** What the build writes under `outDir` (a packaging test builds into a temporary app). */
function mainOutputs(outDir = distDir) {
  return {
    cli: join(outDir, 'main', 'cli', 'podlab.cjs'),
    main: join(outDir, 'main', 'desktop', 'main.js'),
    addon: join(outDir, 'main', 'podlab-addon.mjs'),
    storeWriter: join(outDir, 'main', 'store-writer.cjs'),
    preload: join(outDir, 'preload', 'index.cjs'),
  };
}

// Everything the bundles are made of; the renderer has its own build (build-renderer.js).
const sources = ['main', 'preload', 'package.json', 'scripts/build-main.js', 'scripts/build-state.cjs', 'scripts/load-bundle.cjs'];
// What the UI is made of: the renderer and what it imports from elsewhere.
const rendererSources = ['renderer', 'preload/api.ts', 'main/insight', 'main/apiserver/resources/shared', 'main/apiserver/validation/quantity.ts', 'resources/icons', 'vite.config.ts'];

/**
 * Whether `path`, or anything under it, was modified after `time` (a directory's
 * own time covers files added, removed or renamed in it). It runs before every
 * `podlab` command in a checkout, over some 800 files: one stat each (directory
 * entries come with their types), and the walk ends at the first newer one.
 */
function modifiedAfter(path, time) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return false;
  if (stat.mtimeMs > time) return true;
  if (!stat.isDirectory()) return false;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = `${path}/${entry.name}`;
    if (entry.isFile() ? statSync(child).mtimeMs > time : modifiedAfter(child, time)) return true;
  }
  return false;
}

/** Every output exists and, where the sources are here (a checkout), none is older than them. */
function mainIsCurrent(outDir = distDir) {
  const outputs = Object.values(mainOutputs(outDir)).map((file) => statSync(file, { throwIfNoEntry: false }));
  if (!outputs.every(Boolean)) return false;
  if (!existsSync(join(root, 'main'))) return true;
  const built = Math.min(...outputs.map((stat) => stat.mtimeMs));
  return !sources.some((s) => modifiedAfter(join(root, s), built));
}

/** The built UI exists and, in a checkout, none of its sources is newer (an installed package has none). */
function rendererIsCurrent(outDir = join(distDir, 'renderer')) {
  const index = statSync(join(outDir, 'index.html'), { throwIfNoEntry: false });
  return !!index && !rendererSources.some((s) => modifiedAfter(join(root, s), index.mtimeMs));
}

/**
 * For bin/podlab.cjs and `npm start`: builds the main process when it is missing
 * or stale, and the UI too when `ui` (for the commands that serve it), each in
 * a child process that ends with its build tools. Whether a build is needed is
 * decided here, by a walk that ends at the first newer file, so a start with
 * nothing to build spawns nothing. Build messages go to stderr: stdout belongs
 * to the command (`podlab kubeconfig > file`).
 */
function ensureBuilt({ ui = false } = {}) {
  const run = (script, args = []) => {
    const { spawnSync } = require('node:child_process');
    const result = spawnSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) {
      process.stderr.write(`podlab: the build (node scripts/${script}) failed; see above.\n`);
      process.exit(1);
    }
  };
  if (!mainIsCurrent()) run('build-main.js');
  if (ui && !rendererIsCurrent()) run('build-renderer.js');
}

module.exports = { root, distDir, mainOutputs, mainIsCurrent, rendererIsCurrent, ensureBuilt };
