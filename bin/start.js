#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run here; otherwise one clear
// line saying why, and the same UI in browser mode (`podlab serve`, which
// prints the `UI:` URL to open). Arguments after `npm start --` go to
// `podlab serve` in browser mode (e.g. `--runtime simulated`).

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRenderer } from '../scripts/build-renderer.js';
import { bundleDesktop } from '../scripts/bundle-desktop.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');
// `npm start -- --flag` passes the `--` along on some npm versions.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));

/**
 * The Electron executable, found the way the electron package finds it but
 * without its fallback of downloading the binary (which, offline, only
 * prints a stack trace before failing).
 */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing; run `npx install-electron` where the download works)' };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(pkg, 'dist', relative);
  if (!existsSync(binary)) return { reason: `the Electron binary is missing (${binary})` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  return { binary };
}

function relay(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

function browserMode(reason) {
  console.log(`Electron cannot start: ${reason}. Serving the same UI in your browser instead: open the UI: URL below.`);
  const child = spawn(process.execPath, [join(root, 'bin', 'podlab.js'), 'serve', ...args], { cwd: root, stdio: 'inherit' });
  relay(child);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

async function main() {
  await buildRenderer();
  const { binary, reason } = electronBinary();
  if (!binary) return browserMode(reason);
  await bundleDesktop();
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit' });
  let started = false;
  child.once('spawn', () => (started = true));
  child.once('error', (err) => {
    if (!started) browserMode(`starting ${binary} failed (${err.message})`);
  });
  child.on('exit', (code) => {
    if (started) process.exit(code ?? 0);
  });
  relay(child);
}

main().catch((err) => {
  console.error(`podlab: ${err.message}`);
  process.exit(1);
});
