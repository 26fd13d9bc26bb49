// Opens the store a cluster is configured with (`--store sqlite|etcd://HOST:PORT`).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

export { startCompactor, type CompactorOptions } from './sqlite.ts';

const USAGE = 'use "sqlite" or "etcd://HOST:PORT[,HOST:PORT...]"';

/**
 * `sqlite`: the embedded store in `<dataDir>/state.db`.
 * `etcd://HOST:PORT[,HOST:PORT]`: an etcd cluster; resolves only once etcd answered,
 * so a wrong address fails here (Unavailable) rather than at the first request.
 */
export async function openStore(spec: string, dataDir: string): Promise<Store> {
  if (spec === 'sqlite') {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteStore({ path: join(dataDir, 'state.db') });
  }
  if (spec.startsWith('etcd://')) {
    const endpoints = spec
      .slice('etcd://'.length)
      .split(',')
      .map((endpoint) => endpoint.trim());
    const invalid = endpoints.find((endpoint) => !/^[^\s:/]+:\d+$/.test(endpoint) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(endpoint));
    if (invalid !== undefined) throw new Error(`Invalid etcd endpoint "${invalid}" in store "${spec}": ${USAGE}`);
    // etcd3 (gRPC, protobufs) loads only when an etcd store is asked for.
    const { EtcdStore } = await import('./etcd.ts');
    const store = new EtcdStore({ endpoints });
    try {
      await store.currentRevision();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }
  throw new Error(`Unknown store "${spec}": ${USAGE}`);
}
