#!/usr/bin/env node
// Builds the renderer into dist/renderer when it is missing or older than its
// sources (`--force`: always). `npm install` (prepare), `npm start`, the first
// `podlab serve`/`podlab ui`, `npm run dist` and the e2e tests call it, so
// nobody has to remember a separate build step. The build is written beside
// the output directory and renamed into place: two builds at once (parallel
// tests) never mix their files.

import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rendererIsCurrent } from './build-state.cjs';

export const root = join(fileURLToPath(import.meta.url), '..', '..');
export const rendererOut = join(root, 'dist', 'renderer');

/** `outDir` replaces vite.config.ts's dist/renderer (the packaging test builds into a temporary app). */
export async function buildRenderer({ force = false, outDir = rendererOut, log = console.log } = {}) {
  if (!force && rendererIsCurrent(outDir)) return false;
  log('Building the PodLab UI (vite)...');
  const { build } = await import('vite');
  const staging = `${outDir}.${process.pid}.tmp`;
  await build({ configFile: join(root, 'vite.config.ts'), build: { outDir: staging } });
  const previous = `${outDir}.${process.pid}.old`;
  // Another build may rename its output in between: then move that one aside too.
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(outDir, previous);
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
    try {
      renameSync(staging, outDir);
      break;
    } catch (err) {
      if (!['ENOTEMPTY', 'EEXIST'].includes(err.code) || attempt === 3) throw err;
    }
    rmSync(previous, { recursive: true, force: true });
  }
  rmSync(previous, { recursive: true, force: true });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildRenderer({ force: process.argv.includes('--force') }).then(
    (built) => console.log(built ? `UI built in ${rendererOut}` : `UI is up to date in ${rendererOut}`),
    (err) => {
      console.error(`podlab: building the UI failed: ${err.message}`);
      process.exit(1);
    },
  );
}
