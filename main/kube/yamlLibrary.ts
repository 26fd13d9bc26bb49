// The YAML library, loaded when YAML is first read or written rather than at
// start: its CommonJS build is some 230 modules, a good part of the time
// PodLab took to load before its API server could answer.

import type * as Yaml from 'yaml';
import { lazyModule } from '../lazyModule.ts';

export const yaml = lazyModule<typeof Yaml>('yaml');
export type { Yaml };
