// The add-on's program: main/addon bundled into one ES module that a stock
// Node.js image runs. The bundled main process (`podlab`, the desktop app)
// reads it prebuilt from dist/main/podlab-addon.mjs, which scripts/build-main.js
// writes with `buildAddonProgram` next to the bundles; a run from the sources
// (tests) bundles main/addon itself on first use, so it never sends a stale one.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appPaths, appRoot, runsFromSources } from '../appPaths.ts';

const ENTRY = join(appRoot, 'main', 'addon', 'main.ts');
const PREBUILT = appPaths.addonProgram;
/** The oldest Node.js the add-on image may carry. */
const TARGET = 'node20';

export interface AddonProgram {
  code: Buffer;
  /** sha256 of the code: an add-on container running another version is replaced. */
  hash: string;
}

let cached: Promise<AddonProgram> | undefined;

export function addonProgram(): Promise<AddonProgram> {
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function load(): Promise<AddonProgram> {
  const code = runsFromSources ? await bundle() : readPrebuilt();
  return { code, hash: createHash('sha256').update(code).digest('hex') };
}

function readPrebuilt(): Buffer {
  try {
    return readFileSync(PREBUILT);
  } catch (error) {
    throw new Error(`the cluster add-on program is missing (${(error as Error).message}): run \`node scripts/build-main.js\` in ${appRoot}`);
  }
}

async function bundle(outfile?: string): Promise<Buffer> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new Error(`the cluster add-on program cannot be bundled: esbuild is missing (${(error as Error).message})`);
  }
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    write: outfile !== undefined,
    ...(outfile ? { outfile } : {}),
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  if (outfile) return readFileSync(outfile);
  const [file] = result.outputFiles ?? [];
  if (!file) throw new Error('esbuild produced no output for the cluster add-on');
  return Buffer.from(file.contents);
}

/** For the build: writes the bundle to `outfile` (appPaths.addonProgram of the built app). */
export async function buildAddonProgram(outfile: string): Promise<void> {
  await bundle(outfile);
}
