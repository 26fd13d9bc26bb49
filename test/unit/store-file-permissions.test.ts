// The cluster's files on disk: state.db holds every Secret, so it and its
// -wal and -shm files are readable by their owner only, and so is the data
// directory, even when they were made earlier with looser modes.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureDataDir } from '../../main/cluster/dataDir.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('files of a cluster', () => {
  it('creates state.db, state.db-wal and state.db-shm readable by their owner only', async () => {
    const dir = tempDir('perm-new');
    try {
      const path = join(dir, 'state.db');
      const store = new SqliteStore({ path });
      await store.create('/registry/secrets/default/s', '{"data":{"password":"c2VjcmV0"}}');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(modeOf(file), 0o600, file);
      await store.close();
    } finally {
      removeDir(dir);
    }
  });

  it('tightens a store and a data directory that an earlier PodLab left readable by others', async () => {
    const dir = tempDir('perm-old');
    try {
      const dataDir = join(dir, 'cluster');
      mkdirSync(dataDir, { mode: 0o755 });
      chmodSync(dataDir, 0o755);
      const path = join(dataDir, 'state.db');
      const first = new SqliteStore({ path });
      await first.create('/registry/configmaps/default/c', '{}');
      await first.close();
      for (const file of [path, `${path}-wal`]) {
        writeFileSync(file, '', { flag: 'a' });
        chmodSync(file, 0o644);
      }
      ensureDataDir(dataDir);
      assert.equal(modeOf(dataDir), 0o700);
      const again = new SqliteStore({ path });
      for (const file of [path, `${path}-wal`]) assert.equal(modeOf(file), 0o600, file);
      await again.close();
    } finally {
      removeDir(dir);
    }
  });
});
