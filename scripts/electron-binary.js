// Where the Electron executable is, found the way the electron package finds
// it (node_modules/electron/path.txt names it inside dist/, or inside
// ELECTRON_OVERRIDE_DIST_PATH) but without its fallback of downloading the
// binary, which offline only prints a stack trace before failing. The npm
// package no longer downloads it at install time (`npx install-electron` does).
// `npm start` and `npm run dist` both ask here.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');

/** `{ binary }` when the executable is on disk, else `{ reason }`: one clause saying what is missing. */
export function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing; run `npx install-electron` where the download works)' };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(pkg, 'dist', relative);
  if (!existsSync(binary)) return { reason: `the Electron binary is missing (${binary})` };
  return { binary };
}
