// dockerode, loaded the first time a Docker engine is needed, without the two
// parts it loads up front that PodLab rarely or never uses: its BuildKit
// session (gRPC and protobufjs, for `buildImage` with a session) and
// docker-modem's SSH transport (ssh2, for DOCKER_HOST=ssh://...). Those cost
// some 0.25 s of CPU at every start, on the path of a new cluster's first
// engine call. Each is a file exporting one function: its cache entry is
// taken by a function that loads the real file on its first call, so both
// still work when used.

import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';

const require = createRequire(import.meta.url);

/** Puts a function in `filename`'s place in the module cache that loads and calls the real one when first called. */
function deferOnFirstCall(filename: string): void {
  if (require.cache[filename]) return;
  let real: ((...args: unknown[]) => unknown) | undefined;
  const deferred = new Module(filename);
  deferred.filename = filename;
  deferred.loaded = true;
  deferred.exports = function (this: unknown, ...args: unknown[]) {
    if (!real) {
      delete require.cache[filename];
      real = require(filename) as (...args: unknown[]) => unknown;
    }
    return real.apply(this, args);
  };
  require.cache[filename] = deferred;
}

let loaded: typeof Docker | undefined;

export function dockerode(): typeof Docker {
  if (loaded) return loaded;
  const dockerodeDir = dirname(require.resolve('dockerode/package.json'));
  deferOnFirstCall(join(dockerodeDir, 'lib', 'session.js'));
  const modemDir = dirname(require.resolve('docker-modem/package.json', { paths: [dockerodeDir] }));
  deferOnFirstCall(join(modemDir, 'lib', 'ssh.js'));
  return (loaded = require('dockerode') as typeof Docker);
}
