import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../main/store/sqlite.ts';

const WRITER = fileURLToPath(new URL('../helpers/storeCrashWriter.ts', import.meta.url));
/** Acknowledged writes to see before the kill: enough that it lands mid-stream, with WAL frames pending. */
const ACKS_BEFORE_KILL = 3000;

interface Ack {
  revision: number;
  key: string;
  value: string;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podlab-store-crash-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the writer until it acknowledged `count` writes, SIGKILLs it, and returns every acknowledgement it printed. */
function writeThenKill(path: string, durability: 'normal' | 'full', count: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, durability], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!killed && stdout.split('\n').length > count) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`the writer exited by itself (code ${code}, signal ${signal}):\n${stderr}`));
        return;
      }
      // Only complete lines were acknowledged; a torn last line was not.
      const lines = stdout.split('\n').slice(0, -1);
      resolve(
        lines.map((line) => {
          const [revision, key, value] = line.split(' ');
          return { revision: Number(revision), key: key!, value: value! };
        }),
      );
    });
  });
}

describe('SqliteStore after SIGKILL', () => {
  for (const durability of ['normal', 'full'] as const) {
    it(`keeps every acknowledged write (durability ${durability})`, async () => {
      const path = join(dir, `crash-${durability}.db`);
      const acks = await writeThenKill(path, durability, ACKS_BEFORE_KILL);
      assert.ok(acks.length >= ACKS_BEFORE_KILL, `only ${acks.length} acknowledgements`);

      const store = new SqliteStore({ path });
      try {
        const current = await store.currentRevision();
        assert.ok(current >= acks.at(-1)!.revision, `revision ${current} is behind the last acknowledged ${acks.at(-1)!.revision}`);
        for (const ack of acks) {
          const { kv } = await store.get(ack.key, ack.revision);
          assert.equal(kv?.modRevision, ack.revision, `${ack.key} at revision ${ack.revision}`);
          assert.equal(kv.value.slice(0, kv.value.indexOf('-')), ack.value);
        }

        const db = new Database(path);
        try {
          assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        } finally {
          db.close();
        }

        const created = await store.create('/crash/after', 'new');
        assert.equal(created.modRevision, current + 1);
        const updated = await store.update(acks[0]!.key, 'rewritten', (await store.get(acks[0]!.key)).kv!.modRevision);
        assert.equal(updated.modRevision, current + 2);
      } finally {
        await store.close();
      }
    });
  }
});
