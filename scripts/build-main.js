#!/usr/bin/env node
// Builds PodLab's main process into JavaScript with esbuild, once, so nothing
// compiles TypeScript when PodLab runs:
//  - dist/main/cli/podlab.cjs: the `podlab` command (bin/podlab.cjs loads it
//    with V8's code cache, scripts/load-bundle.cjs: only a classic script can
//    have one in Node 20, so this bundle is CommonJS);
//  - dist/main/desktop/main.js: the Electron main process (package.json "main");
//  - dist/main/store-writer.cjs: the SQLite store's writer thread, which both
//    bundles start under load (main/store/writerThread.ts);
//  - dist/main/podlab-addon.mjs: the cluster add-on's program, which the
//    bundles read and copy into the add-on container (main/network/addonProgram.ts);
//  - dist/preload/index.cjs: the desktop window's preload script.
// npm packages stay external (node_modules ships them; native ones such as
// better-sqlite3 must be loaded from there). The bundles find resources/ and
// dist/renderer from the app's root (main/appPaths.ts), wherever they lie.
//
// `npm install` runs it (the `prepare` script); bin/podlab.cjs and `npm start`
// run it again, in a child process, when a bundle is missing or older than
// the sources, so a checkout being worked on never runs stale code. Outputs
// are renamed into place, so two builds at once (parallel tests) never leave
// a half-written file.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export { root, distDir, mainOutputs, mainIsCurrent, rendererIsCurrent, ensureBuilt } from './build-state.cjs';
import { root, distDir, mainOutputs } from './build-state.cjs';
import { BUNDLE_HEAD, BUNDLE_TAIL } from './load-bundle.cjs';

/**
 * The bundle as ASCII: esbuild escapes strings and identifiers, but leaves the
 * comments it keeps and regular expressions as they are, and one `→` or `µ`
 * there makes the whole 2 MB source a two-byte string, which bin/podlab.cjs
 * then decodes from UTF-8 at twice the cost on every start. `\uXXXX` means the same
 * in a regular expression and nothing in a comment (a raw template string
 * would see the escape, but esbuild escapes those itself).
 */
function asciiOnly(contents) {
  const text = Buffer.from(contents).toString('utf8');
  if (!/[^\x00-\x7f]/.test(text)) return contents;
  return Buffer.from(text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function writeAtomically(file, contents) {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/**
 * Builds every output (`clean`: empties dist/main and dist/preload first, for
 * packaging, which ships all of them). Returns the output files and esbuild's
 * metafiles (what each bundle imports from outside).
 */
export async function buildMain({ outDir = distDir, clean = false, log = console.log } = {}) {
  const esbuild = await import('esbuild');
  const outputs = mainOutputs(outDir);
  log('Building the PodLab main process, the cluster add-on and the preload (esbuild)...');
  if (clean) for (const dir of ['main', 'preload']) rmSync(join(outDir, dir), { recursive: true, force: true });
  try {
    const nodeBundle = {
      bundle: true,
      platform: 'node',
      // The oldest Node.js `podlab` runs on (package.json engines); Electron's is newer.
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      // Without indentation and line breaks the bundle is 22% smaller: a restart reads and loads it ~7 ms sooner
      // (178-183 against 165-175 ms to a loaded bundle, 5 runs each). Names stay; stacks map back with PODLAB_DEBUG=1.
      minifyWhitespace: true,
      metafile: true,
      write: false,
      logLevel: 'warning',
    };
    const mainResult = await esbuild.build({ ...nodeBundle, entryPoints: [join(root, 'main', 'desktop', 'main.ts')], outfile: outputs.main, format: 'esm' });
    const cliResult = await esbuild.build({
      ...nodeBundle,
      entryPoints: [join(root, 'main', 'cli', 'index.ts')],
      outfile: outputs.cli,
      format: 'cjs',
      // The sources' import.meta.url (appPaths, createRequire), as the ES module form would have it.
      define: { 'import.meta.url': '__podlabBundleUrl' },
      // Wrapped as Node wraps a module, so the file is the script scripts/load-bundle.cjs compiles as it is.
      // "use strict" first in the function: after the banner's statement, esbuild's own directive is no directive
      // and the bundle would run in sloppy mode (a write to a frozen object silently ignored instead of a TypeError).
      banner: { js: `${BUNDLE_HEAD}"use strict";\nvar __podlabBundleUrl = require("node:url").pathToFileURL(__filename).href;` },
      footer: { js: BUNDLE_TAIL },
    });
    const storeWriterResult = await esbuild.build({ ...nodeBundle, entryPoints: [join(root, 'main', 'store', 'sqliteWriterThread.ts')], outfile: outputs.storeWriter, format: 'cjs' });
    // The same bundle a source run makes on first use, so both run the same add-on (its hash names the version).
    const addonTemporary = `${outputs.addon}.${process.pid}.tmp`;
    mkdirSync(dirname(addonTemporary), { recursive: true });
    const { tsImport } = await import('tsx/esm/api');
    const { buildAddonProgram } = await tsImport('../main/network/addonProgram.ts', import.meta.url);
    await buildAddonProgram(addonTemporary);
    // Sandboxed preloads are classic scripts: CommonJS, with only `electron` to require.
    const preloadResult = await esbuild.build({
      entryPoints: [join(root, 'preload', 'index.ts')],
      outfile: outputs.preload,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
      metafile: true,
      write: false,
      logLevel: 'warning',
    });
    for (const file of [...mainResult.outputFiles, ...cliResult.outputFiles, ...storeWriterResult.outputFiles, ...preloadResult.outputFiles]) writeAtomically(file.path, file.path === outputs.cli ? asciiOnly(file.contents) : file.contents);
    renameSync(addonTemporary, outputs.addon);
    return { ...outputs, metafiles: { main: mainResult.metafile, cli: cliResult.metafile, storeWriter: storeWriterResult.metafile, preload: preloadResult.metafile } };
  } finally {
    // esbuild's service process would otherwise live as long as this one.
    await esbuild.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildMain({ clean: process.argv.includes('--clean') }).catch((err) => {
    console.error(`podlab: building the main process failed: ${err.message}`);
    process.exit(1);
  });
}
