#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run here; otherwise one clear
// line saying why, and the same app in a browser (`podlab ui`, which prints
// the `UI:` URL to open, then starts the last cluster with its progress on
// the page). Arguments after `npm start --` go to `podlab ui` in that case
// (e.g. `--runtime simulated`), which runs in this process from its bundle.
// The bundles and the UI are built first when missing or stale.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, mainOutputs } from '../scripts/build-state.cjs';
import { podlabNodeFlags } from '../scripts/node-flags.cjs';
import { loadBundle } from '../scripts/load-bundle.cjs';
import { electronBinary } from '../scripts/electron-binary.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');
// `npm start -- --flag` passes the `--` along on some npm versions.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));

/** The Electron executable, or why the window cannot open here. */
function startableElectron() {
  const found = electronBinary();
  if (found.binary && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  return found;
}

function relay(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

async function browserMode(reason) {
  console.log(`Electron cannot start: ${reason}. Serving the same UI in your browser instead: open the UI: URL below.`);
  const { runPodlab } = loadBundle(mainOutputs().cli);
  await runPodlab(['ui', ...args]);
}

async function main() {
  ensureBuilt({ ui: true });
  const { binary, reason } = startableElectron();
  if (!binary) return browserMode(reason);
  // The same V8 flags as the podlab command (bin/podlab.cjs says why).
  const child = spawn(binary, [`--js-flags=${podlabNodeFlags().join(' ')}`, root], { cwd: root, stdio: 'inherit' });
  let started = false;
  child.once('spawn', () => (started = true));
  child.once('error', (err) => {
    if (!started) void browserMode(`starting ${binary} failed (${err.message})`);
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
