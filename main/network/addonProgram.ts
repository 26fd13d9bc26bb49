// The add-on's program: main/addon bundled into one ES module that a stock
// Node.js image runs. A packaged PodLab ships it prebuilt next to this module
// once bundled, i.e. next to dist/main/desktop/main.js (scripts/bundle-desktop.js
// writes it with `buildAddonProgram`); from sources it is bundled on first use
// with esbuild, a development dependency.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../addon/main.ts', import.meta.url));
const PREBUILT = fileURLToPath(new URL('./podlab-addon.mjs', import.meta.url));
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
  const code = existsSync(PREBUILT) ? readFileSync(PREBUILT) : await bundle();
  return { code, hash: createHash('sha256').update(code).digest('hex') };
}

async function bundle(outfile?: string): Promise<Buffer> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new Error(`the cluster add-on program is neither prebuilt (${PREBUILT}) nor can it be bundled: esbuild is missing (${(error as Error).message})`);
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

/** For packaging: writes the bundle to `outfile`, which must become `podlab-addon.mjs` next to this module's build. */
export async function buildAddonProgram(outfile: string): Promise<void> {
  await bundle(outfile);
}
