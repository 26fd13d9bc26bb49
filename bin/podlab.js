#!/usr/bin/env node
// The `podlab` command. Runs PodLab's TypeScript sources through tsx, so the
// same code runs here, in the tests and (bundled) in the desktop app.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/index.ts');
