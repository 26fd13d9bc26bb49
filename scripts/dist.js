#!/usr/bin/env node
// `npm run dist`: build the main process bundles and preload afresh, the renderer,
// then package installers with electron-builder (AppImage and deb on Linux,
// dmg on macOS, nsis on Windows; by default for the machine's own platform,
// or pass electron-builder flags such as `-- --linux`). electron-builder
// downloads Electron and its tools: without network access that step fails,
// and this script says so in one line instead of a stack trace — before it
// starts when Electron is neither installed nor downloadable.

import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRenderer } from './build-renderer.js';
import { buildMain } from './build-main.js';
import { electronBinary } from './electron-binary.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');

function electronBuilder(args) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, [join(root, 'node_modules', 'electron-builder', 'cli.js'), '--config', 'electron-builder.yml', '--publish', 'never', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        process.stdout.write(chunk);
      });
    }
    child.on('error', (err) => resolve({ code: 1, output: `${output}\n${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * electron-builder rebuilds native modules in node_modules for Electron's ABI,
 * in place — and a failed rebuild leaves none at all. Either way Node.js
 * (podlab serve, the tests) could no longer load better-sqlite3, so its build
 * is put back afterwards.
 */
async function keepingNodeNativeBuild(work) {
  const build = join(root, 'node_modules', 'better-sqlite3', 'build');
  const saved = existsSync(build) ? join(mkdtempSync(join(tmpdir(), 'podlab-dist-')), 'build') : undefined;
  if (saved) cpSync(build, saved, { recursive: true });
  try {
    return await work();
  } finally {
    if (saved) {
      rmSync(build, { recursive: true, force: true });
      cpSync(saved, build, { recursive: true });
      rmSync(join(saved, '..'), { recursive: true, force: true });
    }
  }
}

/**
 * Why electron-builder cannot get Electron here, or undefined when it may.
 * It fetches Electron's zip through @electron/get's cache, where
 * `npx install-electron` may have left it when the binary is installed;
 * otherwise it needs the mirror's host (github.com unless ELECTRON_MIRROR says).
 * A local binary is no proof the rest is cached: electron-builder's own
 * failure is still turned into one line below.
 */
async function electronUnobtainable() {
  const { binary, reason } = electronBinary();
  if (binary) return undefined;
  let host = 'github.com';
  const mirror = process.env.ELECTRON_MIRROR ?? process.env.npm_config_electron_mirror;
  if (mirror) {
    try {
      host = new URL(mirror).hostname;
    } catch {
      return undefined; // electron-builder reports a bad mirror itself
    }
  }
  try {
    await lookup(host);
    return undefined;
  } catch (err) {
    return `${reason}, and electron-builder cannot download it: ${host} does not resolve (${err.code ?? err.message}). Package where ${host} is reachable`;
  }
}

async function main() {
  const unobtainable = await electronUnobtainable();
  if (unobtainable) {
    console.error(`podlab: cannot package the desktop app here: ${unobtainable}.`);
    process.exit(1);
  }
  await buildMain({ clean: true });
  await buildRenderer({ force: true });
  console.log('Packaging with electron-builder...');
  const { code, output } = await keepingNodeNativeBuild(() => electronBuilder(process.argv.slice(2).filter((a) => a !== '--')));
  if (code === 0) {
    console.log(`Installers are in ${join(root, 'out')}`);
    return;
  }
  const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|fetch failed|getaddrinfo|unable to download|cannot download|network connectivity/i.test(output);
  console.error(
    offline
      ? 'podlab: packaging failed because electron-builder could not download what it needs (Electron, or the Electron headers to rebuild better-sqlite3): there is no network access here. The bundles in dist/ are ready; run `npm run dist` on a machine that can reach the download servers.'
      : `podlab: electron-builder failed (exit code ${code}); see its output above.`,
  );
  process.exit(1);
}

main().catch((err) => {
  console.error(`podlab: ${err.message}`);
  process.exit(1);
});
