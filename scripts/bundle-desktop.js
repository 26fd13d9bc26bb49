#!/usr/bin/env node
// Bundles the Electron main process (main/desktop/main.ts and the whole
// control plane it embeds) and the preload script with esbuild: Electron
// runs JavaScript, not the TypeScript sources tsx runs elsewhere. npm
// packages stay external (electron-builder ships node_modules; native ones
// such as better-sqlite3 must be loaded from there).
//
// The main bundle is dist/main/desktop/main.js, so whatever the bundled code
// finds relative to its own module (import.meta.url) is found from there:
//  - podlab-addon.mjs, the cluster add-on's program (main/network/addonProgram.ts
//    looks for it next to itself; a package has neither the add-on's sources
//    nor esbuild to bundle them), is written next to main.js;
//  - resources/openapi/definitions.json is three directories up, the app root,
//    as it is from main/apiserver/openapi/ in the sources.
// Both are read into memory with fs (the add-on is copied into its container
// through Docker's archive API), which Electron serves from inside app.asar.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
export const distDir = join(root, 'dist');

/**
 * Writes `<outDir>/main/desktop/main.js` (ES module, with its source map),
 * `<outDir>/main/desktop/podlab-addon.mjs` and `<outDir>/preload/index.cjs`,
 * replacing whatever those two directories held. Returns the files and
 * esbuild's metafiles (what each bundle imports from outside).
 */
export async function bundleDesktop({ outDir = distDir, log = console.log } = {}) {
  const { build } = await import('esbuild');
  const main = join(outDir, 'main', 'desktop', 'main.js');
  const addon = join(outDir, 'main', 'desktop', 'podlab-addon.mjs');
  const preload = join(outDir, 'preload', 'index.cjs');
  log('Bundling the desktop main process, the cluster add-on and the preload (esbuild)...');
  // electron-builder ships all of dist/main and dist/preload: nothing stale may stay there.
  for (const dir of ['main', 'preload']) rmSync(join(outDir, dir), { recursive: true, force: true });
  const mainResult = await build({
    entryPoints: [join(root, 'main', 'desktop', 'main.ts')],
    outfile: main,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  // The same bundle the sources make on first use, so both run the same add-on (its hash names the version).
  const { tsImport } = await import('tsx/esm/api');
  const { buildAddonProgram } = await tsImport('../main/network/addonProgram.ts', import.meta.url);
  await buildAddonProgram(addon);
  // Sandboxed preloads are classic scripts: CommonJS, with only `electron` to require.
  const preloadResult = await build({
    entryPoints: [join(root, 'preload', 'index.ts')],
    outfile: preload,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    metafile: true,
    logLevel: 'warning',
  });
  return { main, addon, preload, metafiles: { main: mainResult.metafile, preload: preloadResult.metafile } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  bundleDesktop().catch((err) => {
    console.error(`podlab: bundling the desktop app failed: ${err.message}`);
    process.exit(1);
  });
}
