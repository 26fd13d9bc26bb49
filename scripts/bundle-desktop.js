#!/usr/bin/env node
// Bundles the Electron main process (main/desktop/main.ts and the whole
// control plane it embeds) and the preload script with esbuild: Electron
// runs JavaScript, not the TypeScript sources tsx runs elsewhere. npm
// packages stay external (electron-builder ships node_modules; native ones
// such as better-sqlite3 must be loaded from there).

import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');

export async function bundleDesktop({ log = console.log } = {}) {
  const { build } = await import('esbuild');
  log('Bundling the desktop main process and preload (esbuild)...');
  await build({
    entryPoints: [join(root, 'main', 'desktop', 'main.ts')],
    outfile: join(root, 'dist', 'main', 'desktop', 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // Sandboxed preloads are classic scripts: CommonJS, with only `electron` to require.
  await build({
    entryPoints: [join(root, 'preload', 'index.ts')],
    outfile: join(root, 'dist', 'preload', 'index.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  bundleDesktop().catch((err) => {
    console.error(`podlab: bundling the desktop app failed: ${err.message}`);
    process.exit(1);
  });
}
