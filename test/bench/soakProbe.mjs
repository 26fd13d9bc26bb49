// Loaded into the `podlab serve` a soak runs (NODE_OPTIONS=--import): on
// SIGUSR2 it collects garbage, then writes what the process holds to
// $PODLAB_SOAK_PROBE: heap after a full GC (what a leak grows), resident
// memory, and its active handles and requests by kind (sockets, timers,
// file handles, child processes...). Nothing else of the process changes.

import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const out = process.env.PODLAB_SOAK_PROBE;
if (out) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  process.on('SIGUSR2', () => {
    gc();
    const memory = process.memoryUsage();
    const handles = {};
    for (const kind of process.getActiveResourcesInfo()) handles[kind] = (handles[kind] ?? 0) + 1;
    writeFileSync(out, JSON.stringify({ rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, handles }));
  });
}
