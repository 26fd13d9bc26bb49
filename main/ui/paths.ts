// Where the UI's files are when PodLab runs from its sources (tsx, tests,
// `podlab serve`). The packaged desktop app passes its own locations.

import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const sourceRoot = resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const defaultRendererDir = join(sourceRoot, 'dist', 'renderer');
export const defaultSamplesDir = join(sourceRoot, 'resources', 'samples');
