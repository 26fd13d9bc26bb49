// The packaged desktop app: the real build step (scripts/build-main.js)
// and renderer build write a temporary app directory laid out as the one
// electron-builder packs (package.json, dist/**, resources/**), and its files
// are matched with electron-builder's own file matcher against the `files`
// patterns of electron-builder.yml. Electron itself cannot run here, so what
// the bundled main process reads at run time is checked as paths: everything
// main/appPaths.ts names from the app's root must be a shipped file.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { parse } from 'yaml';
import { appPaths, appRoot } from '../../main/appPaths.ts';
import { addonProgram, buildAddonProgram } from '../../main/network/addonProgram.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import type { WriterJob, WriterReply } from '../../main/store/writerMessages.ts';
import { podlabNodeFlags } from '../../scripts/node-flags.cjs';
// @ts-expect-error: a plain JavaScript script of the build, without types.
import { BUNDLE_HEAD, BUNDLE_TAIL } from '../../scripts/load-bundle.cjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; type: string; dependencies: Record<string, string> };
const builderConfig = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { files: string[] };

interface Metafile {
  outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[] }>;
}
interface Bundled {
  cli: string;
  main: string;
  addon: string;
  storeWriter: string;
  preload: string;
  metafiles: { main: Metafile; cli: Metafile; preload: Metafile };
}
type FileFilter = (file: string, stat: Stats) => boolean;
interface FileMatcherClass {
  new (from: string, to: string, macroExpander: (s: string) => string, patterns: string[]): { createFilter(): FileFilter };
}

// electron-builder's matcher, from the app-builder-lib electron-builder itself loads.
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const { FileMatcher } = builderRequire('app-builder-lib/out/fileMatcher') as { FileMatcher: FileMatcherClass };

/** The files under `dir` that electron-builder would copy for these patterns (it skips directories the filter rejects). */
function matchedFiles(dir: string, patterns: string[]): string[] {
  const filter = new FileMatcher(dir, '/app', (s) => s, patterns).createFilter();
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry);
      const stat = statSync(full);
      if (!filter(full, stat)) continue;
      if (stat.isDirectory()) walk(full);
      else found.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return found;
}

/** `@scope/name` or `name`: the npm package an import specifier loads from. */
function packageName(specifier: string): string {
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

function externals(metafile: Metafile, entryPoint?: string): { path: string; kind: string }[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint && (!entryPoint || o.entryPoint.endsWith(entryPoint)));
  assert.ok(output, 'the metafile names the entry point output');
  return output.imports.filter((i) => i.external).map(({ path, kind }) => ({ path, kind }));
}

describe('the packaged desktop app', () => {
  let app: string;
  let bundled: Bundled;
  let shipped: string[];
  let build: { buildMain: (o: object) => Promise<Bundled>; mainIsCurrent: (outDir: string) => boolean; rendererIsCurrent: (outDir: string) => boolean };

  before(async () => {
    app = mkdtempSync(join(tmpdir(), 'podlab-package-'));
    // @ts-expect-error: a plain JavaScript module without types.
    build = await import('../../scripts/build-main.js');
    // @ts-expect-error: a plain JavaScript module without types.
    const { buildRenderer } = (await import('../../scripts/build-renderer.js')) as { buildRenderer: (o: object) => Promise<boolean> };
    bundled = await build.buildMain({ outDir: join(app, 'dist'), log: () => undefined });
    await buildRenderer({ outDir: join(app, 'dist', 'renderer'), force: true, log: () => undefined });
    cpSync(join(root, 'package.json'), join(app, 'package.json'));
    cpSync(join(root, 'resources'), join(app, 'resources'), { recursive: true });
    shipped = matchedFiles(app, builderConfig.files);
  });

  after(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  test('npm start and npm run serve start Node with the podlab command\'s flags (its shebang, which the launchers read)', () => {
    const flags = podlabNodeFlags();
    assert.ok(flags.length > 0, 'bin/podlab.cjs names its flags');
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const name of ['start', 'serve']) assert.equal(scripts[name]!.split(' bin/')[0], ['node', ...flags].join(' '), `npm run ${name}`);
  });

  test('the main bundle is the ES module package.json names as "main"', () => {
    assert.equal(packageJson.type, 'module');
    assert.equal(resolve(app, packageJson.main), bundled.main);
    assert.ok(existsSync(bundled.main));
    execFileSync(process.execPath, ['--check', bundled.main]);
    assert.ok(shipped.includes(packageJson.main));
  });

  test('the podlab command\'s bundle is the module\'s function, wrapped as Node wraps a module, and runs in strict mode: its first statement is the "use strict" directive', () => {
    const code = readFileSync(bundled.cli, 'latin1');
    // A directive counts only before any other statement; in sloppy mode a write to a frozen object is silently dropped.
    assert.ok(code.startsWith(`${BUNDLE_HEAD}"use strict";\n`), code.slice(0, 120));
    assert.match(code, new RegExp(`\\n${BUNDLE_TAIL.replace(/[()]/g, '\\$&')}\\n//# sourceMappingURL=podlab\\.cjs\\.map\\n$`));
    const moduleFunction = new Script(`${code.slice(0, code.indexOf('\n'))} return this; })`).runInThisContext();
    assert.equal(moduleFunction(), undefined, 'a function under that directive sees no global this');
  });

  test('the podlab command\'s bundle requires child_process, zlib, readline, worker_threads and fs/promises only when used (lazyModule, fs.promises), not at its start', () => {
    const code = readFileSync(bundled.cli, 'latin1');
    for (const name of ['child_process', 'zlib', 'readline', 'worker_threads', 'fs/promises']) {
      assert.doesNotMatch(code, new RegExp(`require\\("(node:)?${name}"\\)`), `${name} is required at the bundle's top level`);
    }
  });

  test('the preload is a CommonJS script that requires only electron', () => {
    assert.equal(relative(app, bundled.preload).split(sep).join('/'), 'dist/preload/index.cjs');
    const code = readFileSync(bundled.preload, 'utf8');
    // A classic script compiles only without import/export statements: the sandboxed preload cannot be a module.
    assert.doesNotThrow(() => new Script(code, { filename: bundled.preload }));
    assert.match(code, /require\("electron"\)/);
    assert.deepEqual(externals(bundled.metafiles.preload), [{ path: 'electron', kind: 'require-call' }]);
    assert.ok(shipped.includes('dist/preload/index.cjs'));
  });

  test('podlab-addon.mjs lies where appPaths looks, parses, and is the add-on program the sources build', async () => {
    assert.equal(relative(app, bundled.addon), relative(appRoot, appPaths.addonProgram));
    assert.ok(shipped.includes('dist/main/podlab-addon.mjs'));
    execFileSync(process.execPath, ['--check', bundled.addon]);
    const packaged = readFileSync(bundled.addon);
    const scratch = mkdtempSync(join(tmpdir(), 'podlab-addon-'));
    try {
      await buildAddonProgram(join(scratch, 'podlab-addon.mjs'));
      assert.ok(packaged.equals(readFileSync(join(scratch, 'podlab-addon.mjs'))), 'byte-identical to buildAddonProgram');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    // From the sources the same bytes are bundled in memory, so switching between
    // a source run (tests), `podlab serve` and the app does not replace a cluster's add-on container.
    assert.ok((await addonProgram()).code.equals(packaged), 'identical to what a source run sends the add-on container');
  });

  test("the store's writer thread lies where appPaths looks, ships, and commits from there", async () => {
    assert.equal(relative(app, bundled.storeWriter), relative(appRoot, appPaths.storeWriterThread));
    assert.ok(shipped.includes('dist/main/store-writer.cjs'));
    // As installed: the app's node_modules beside its dist (better-sqlite3 is required from there).
    symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'));
    const scratch = mkdtempSync(join(tmpdir(), 'podlab-writer-'));
    const path = join(scratch, 'state.db');
    const store = new SqliteStore({ path, writerThread: 'never' });
    const worker = new Worker(bundled.storeWriter, { workerData: { path, durability: 'normal' } });
    try {
      const replies: WriterReply[] = [];
      worker.on('message', (reply: WriterReply) => replies.push(reply));
      const job: WriterJob = { id: 1, first: true, type: 'commit', writes: [{ op: 'create', key: '/registry/things/a', value: 'from the thread' }] };
      worker.postMessage(job);
      const deadline = Date.now() + 30_000;
      while (replies.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(replies[0], { id: 0, foreign: false, result: true }, 'opened the file');
      assert.equal(replies[1]?.id, 1);
      assert.ok(replies[1] && 'result' in replies[1] && Array.isArray(replies[1].result) && 'row' in replies[1].result[0]!, JSON.stringify(replies[1]));
      assert.equal((await store.get('/registry/things/a')).kv?.value, 'from the thread');
    } finally {
      await worker.terminate();
      await store.close();
      rmSync(scratch, { recursive: true, force: true });
      unlinkSync(join(app, 'node_modules'));
    }
  });

  test('every files pattern of electron-builder.yml matches a built file, and everything built but source maps ships', () => {
    for (const pattern of builderConfig.files.filter((p) => !p.startsWith('!'))) {
      assert.notEqual(matchedFiles(app, [pattern]).length, 0, `"${pattern}" matches nothing`);
    }
    const built = matchedFiles(app, ['dist/**']);
    assert.ok(built.some((f) => f.endsWith('.map')), 'the build writes source maps');
    assert.ok(built.includes('dist/main/cli/podlab.cjs'), 'the build writes the podlab command');
    // The podlab command's bundle is not the app's.
    assert.deepEqual(
      built.filter((f) => !shipped.includes(f)),
      built.filter((f) => f.endsWith('.map') || f.startsWith('dist/main/cli/')),
    );
    for (const file of ['package.json', 'dist/renderer/index.html', 'resources/samples/index.json', 'resources/openapi/definitions.json', 'resources/icons/icon.png']) {
      assert.ok(shipped.includes(file), `${file} ships`);
    }
  });

  test('every file the bundled main process reads from the app root is shipped, and nothing is found another way', () => {
    const code = readFileSync(bundled.main, 'utf8');
    // One helper finds files: no module of the bundle resolves a path of its own from import.meta.url.
    assert.deepEqual([...code.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)].map((m) => m[1]), []);
    // appPaths walks up from the bundle to the directory whose package.json is PodLab's: the app's root.
    assert.equal(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).name, 'podlab');
    for (const [name, path] of Object.entries(appPaths)) {
      const file = relative(appRoot, path).split(sep).join('/');
      const isDirectory = statSync(join(app, file)).isDirectory();
      assert.ok(isDirectory ? shipped.some((f) => f.startsWith(`${file}/`)) : shipped.includes(file), `appPaths.${name} (${file}) is not shipped`);
    }
    // createRequire(import.meta.url) resolves packages from the app's node_modules: production dependencies only.
    const required = [...code.matchAll(/\brequire\d*\("([^"./][^"]*)"\)/g)].map((m) => m[1]);
    assert.ok(required.length > 0, 'the bundle requires protobufjs descriptor data through createRequire');
    const resolveFromMain = createRequire(join(root, packageJson.main)).resolve;
    for (const request of required) {
      const name = packageName(request);
      assert.ok(name in packageJson.dependencies, `${request} comes from ${name}, which is not a dependency (electron-builder ships only those)`);
      assert.ok(existsSync(resolveFromMain(request)));
    }
  });

  test('the build counts as current until an output is older than the sources', () => {
    const outDir = join(app, 'dist');
    assert.equal(build.mainIsCurrent(outDir), true);
    utimesSync(bundled.cli, new Date(0), new Date(0));
    assert.equal(build.mainIsCurrent(outDir), false);
    rmSync(bundled.cli);
    assert.equal(build.mainIsCurrent(outDir), false);
  });

  test('the UI counts as current until its index.html is older than the renderer\'s sources (podlab serve and ui rebuild it then)', () => {
    const rendererDir = join(app, 'dist', 'renderer');
    const index = join(rendererDir, 'index.html');
    const built = statSync(index).mtime;
    assert.equal(build.rendererIsCurrent(rendererDir), true);
    utimesSync(index, new Date(0), new Date(0));
    assert.equal(build.rendererIsCurrent(rendererDir), false);
    utimesSync(index, built, built);
    assert.equal(build.rendererIsCurrent(join(app, 'dist', 'no-renderer')), false);
  });

  test('the main bundle imports only Node.js built-ins, electron and production dependencies', () => {
    for (const { path, kind } of [...externals(bundled.metafiles.main, 'main/desktop/main.ts'), ...externals(bundled.metafiles.cli, 'main/cli/index.ts')]) {
      if (path.startsWith('node:') || path === 'electron') continue;
      const name = packageName(path);
      // esbuild is only loaded by a run from the sources, never by a bundle.
      if (name === 'esbuild' && kind === 'dynamic-import') continue;
      assert.ok(name in packageJson.dependencies, `the main bundle imports ${path} (${kind}), which is not a dependency, so it would be missing from the package`);
    }
  });
});
