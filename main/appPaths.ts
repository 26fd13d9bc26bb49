// Where PodLab's own files are: resources/ (OpenAPI definitions, samples,
// icons), the built UI and preload, and the prebuilt add-on program. All are
// found from the app's root, the nearest directory above this module that
// holds PodLab's package.json, so the same code finds them whether it runs
// from main/ (tsx: tests), from a bundle in dist/main/ (`podlab`, the desktop
// app) or from inside the desktop app's asar archive.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

function findAppRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'podlab') return dir;
    if (dirname(dir) === dir) throw new Error(`PodLab's package.json is not in any directory above ${from}`);
  }
}

export const appRoot = findAppRoot(dirname(here));

/** True when this code runs from the TypeScript sources, not from a bundle (which is built from them). */
export const runsFromSources = here.endsWith('.ts');

export const appPaths = {
  openapiDefinitions: join(appRoot, 'resources', 'openapi', 'definitions.json'),
  samples: join(appRoot, 'resources', 'samples'),
  icon: join(appRoot, 'resources', 'icons', 'icon.png'),
  renderer: join(appRoot, 'dist', 'renderer'),
  preload: join(appRoot, 'dist', 'preload', 'index.cjs'),
  /** Written by scripts/build-main.js; read only by bundles (a source run bundles main/addon itself). */
  addonProgram: join(appRoot, 'dist', 'main', 'podlab-addon.mjs'),
  /** The store's writer thread (main/store/sqliteWriterThread.ts), built by scripts/build-main.js; a source run compiles it itself. */
  storeWriterThread: join(appRoot, 'dist', 'main', 'store-writer.cjs'),
};
