// A package loaded the first time it is used rather than when PodLab starts:
// protobuf bodies, CEL, cron schedules and certificate making are rare in an
// idle cluster, and loading their packages up front cost the process tens of
// MB and part of its start. Only packages with a CommonJS form load this way
// (require is synchronous, so callers stay synchronous).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
