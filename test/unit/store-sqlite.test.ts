import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../main/store/index.ts';
import { latestRowsPageSql, SqliteStore, startCompactor } from '../../main/store/sqlite.ts';
import { SCHEMA } from '../../main/store/sqliteRows.ts';
import { isStoreError, type KeyValue, type WatchEvent } from '../../main/store/store.ts';
import { runStoreContract } from '../helpers/storeContract.ts';

let dir: string;
let files = 0;
const nextPath = () => join(dir, `store-${++files}.db`);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podlab-store-sqlite-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

runStoreContract('sqlite file', async () => new SqliteStore({ path: nextPath() }));
runStoreContract('sqlite :memory:', async () => new SqliteStore({ path: ':memory:' }));
// Without the newest values in memory, each event's previous value is read back from its row.
runStoreContract('sqlite without latest values', async () => new SqliteStore({ path: nextPath(), latestValuesChars: 0 }));
// Every batch committed by the writer thread, read back on the store's own connection.
runStoreContract('sqlite on its writer thread', async () => new SqliteStore({ path: nextPath(), writerThread: 'always' }));

function integrityOf(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

function rowCount(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM kine').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SqliteStore', () => {
  it('reopens a file with the same objects, revisions and compaction point', async () => {
    const path = nextPath();
    const store = new SqliteStore({ path, durability: 'full' });
    const a1 = await store.create('/r/a', '1');
    const a2 = await store.update('/r/a', '2', a1.modRevision);
    const b = await store.create('/r/b', 'b');
    await store.create('/r/c', 'c');
    const cDeleted = await store.delete('/r/c');
    await store.compact(b.modRevision);
    const listed = await store.range('/r/');
    const revision = await store.currentRevision();
    await store.close();

    const reopened = new SqliteStore({ path });
    try {
      assert.equal(await reopened.currentRevision(), revision);
      assert.equal(await reopened.compactRevision(), b.modRevision);
      assert.deepEqual(await reopened.range('/r/'), listed);
      assert.deepEqual((await reopened.get('/r/a', b.modRevision)).kv, a2);
      assert.equal((await reopened.get('/r/c', cDeleted.modRevision)).kv, undefined);
      await assert.rejects(reopened.get('/r/a', a1.modRevision), (err) => isStoreError(err, 'Compacted'));
      const next = await reopened.update('/r/a', '3', a2.modRevision);
      assert.equal(next.modRevision, revision + 1);
    } finally {
      await reopened.close();
    }
    assert.equal(integrityOf(path), 'ok');
  });

  it("stores each value once: an update row does not carry the value before it (kine's old_value)", async () => {
    const path = nextPath();
    const store = new SqliteStore({ path });
    let kv = await store.create('/r/a', 'first');
    kv = await store.update('/r/a', 'second', kv.modRevision);
    await store.delete('/r/a');
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT value, old_value FROM kine WHERE name = ? ORDER BY id').all('/r/a');
      assert.deepEqual(rows, [
        { value: 'first', old_value: null },
        { value: 'second', old_value: null },
        { value: 'second', old_value: null },
      ]);
    } finally {
      db.close();
    }
    await store.close();
  });

  it('keeps the file in WAL mode and intact through writes and compaction', async () => {
    const path = nextPath();
    const store = new SqliteStore({ path });
    let kv = await store.create('/r/a', '0');
    for (let i = 1; i < 50; i++) kv = await store.update('/r/a', String(i), kv.modRevision);
    await store.compact(kv.modRevision);
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
    await store.close();
  });

  it('starts at revision 1, its compaction bookkeeping, which no read or watch shows', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      assert.equal(await store.currentRevision(), 1);
      assert.equal(await store.compactRevision(), 0);
      assert.deepEqual((await store.range('')).kvs, []);
      assert.equal(await store.count(''), 0);
      assert.equal((await store.create('/a', 'x')).modRevision, 2);
      await assert.rejects(store.create('compact_rev_key', 'x'), /reserved/);
    } finally {
      await store.close();
    }
  });

  it('compacts a long history in batches down to the live values', async () => {
    const path = nextPath();
    const store = new SqliteStore({ path });
    const doomed = await store.create('/r/doomed', 'x');
    await store.delete('/r/doomed');
    const latest = new Map<string, KeyValue>();
    for (let i = 0; i < 2500; i++) {
      const key = `/r/k${i % 5}`;
      const previous = latest.get(key);
      latest.set(key, previous ? await store.update(key, String(i), previous.modRevision) : await store.create(key, String(i)));
    }
    await store.create('/r/late', 'x');
    await store.delete('/r/late');
    const current = await store.currentRevision();
    const before = await store.range('/r/');

    await store.compact(current);
    assert.equal(await store.compactRevision(), current);
    assert.deepEqual(await store.range('/r/'), before);
    assert.deepEqual((await store.get('/r/k0', current)).kv, latest.get('/r/k0'));
    await assert.rejects(store.get('/r/doomed', doomed.modRevision), (err) => isStoreError(err, 'Compacted'));
    // Five live keys, the tombstone at the compaction point, the row it deleted (a watch from there sees
    // both: the DELETE and its previous value), and the bookkeeping row.
    assert.equal(rowCount(path), 8);
    const replayed = await new Promise<WatchEvent>((resolve) => {
      const watch = store.watch('/r/', (event) => {
        watch.cancel();
        resolve(event);
      }, { startRevision: current });
    });
    assert.equal(replayed.type, 'DELETE');
    assert.equal(replayed.kv.key, '/r/late');
    assert.equal(replayed.prevKv?.value, 'x');
    await store.close();
    assert.equal(integrityOf(path), 'ok');
  });

  it('catches a watch up over a long history while writes continue, without gaps or repeats', async () => {
    const store = new SqliteStore({ path: nextPath() });
    try {
      const first = await store.create('/r/k', '0');
      let kv = first;
      for (let i = 1; i < 1800; i++) kv = await store.update('/r/k', String(i), kv.modRevision);

      const events: WatchEvent[] = [];
      store.watch('/r/', (event) => events.push(event), { startRevision: first.modRevision });
      for (let i = 1800; i < 2400; i++) {
        kv = await store.update('/r/k', String(i), kv.modRevision);
        if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await until('every event', () => events.length >= 2400);
      assert.equal(events.length, 2400);
      events.forEach((event, i) => {
        assert.equal(event.kv.value, String(i));
        assert.equal(event.revision, first.modRevision + i);
        if (i > 0) assert.equal(event.prevKv?.value, String(i - 1));
      });
    } finally {
      await store.close();
    }
  });

  for (const writerThread of ['never', 'always'] as const) {
  it(`writes asked for together commit together, each judged on the rows before it, the batch included (writer thread: ${writerThread})`, async () => {
    const path = nextPath();
    const store = new SqliteStore({ path, writerThread });
    const base = await store.create('/r/cas', '0');
    const events: WatchEvent[] = [];
    const watch = store.watch('/r/', (e) => events.push(e));
    // Asked for in one turn: one group commit.
    const outcomes = await Promise.allSettled([
      store.update('/r/cas', 'first', base.modRevision),
      store.update('/r/cas', 'second', base.modRevision),
      store.create('/r/new', 'x'),
      store.create('/r/new', 'y'),
      store.delete('/r/missing'),
      store.create('/r/other', 'z'),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const reason = (i: number) => (outcomes[i] as PromiseRejectedResult).reason;
    assert.ok(isStoreError(reason(1), 'Conflict'));
    assert.ok(isStoreError(reason(3), 'KeyExists'));
    assert.ok(isStoreError(reason(4), 'KeyNotFound'));
    const revisions = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<KeyValue>).value.modRevision);
    assert.deepEqual(revisions, [base.modRevision + 1, base.modRevision + 2, base.modRevision + 3], 'consecutive revisions, in the order asked');
    assert.equal((await store.get('/r/cas')).kv?.value, 'first');
    for (let i = 0; i < 10 && events.length < 3; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(events.map((e) => [e.kv.key, e.revision]), [['/r/cas', revisions[0]], ['/r/new', revisions[1]], ['/r/other', revisions[2]]]);
    watch.cancel();
    await store.close();
    assert.equal(integrityOf(path), 'ok');
  });
  }

  it('commits a burst on the writer thread, reads only what it has published while a batch is there, and stops the thread on close', async () => {
    const path = nextPath();
    const store = new SqliteStore({ path });
    const reader = new Database(path, { readonly: true });
    try {
      const events: WatchEvent[] = [];
      const watch = store.watch('/r/burst/', (e) => events.push(e));
      // A batch this large starts the thread; the event loop writes until it has opened the file.
      let round = 0;
      await until('the writer thread', async () => {
        round++;
        await Promise.all(Array.from({ length: 40 }, (_, i) => store.create(`/r/burst/warm-${round}-${i}`, 'x')));
        return store.writesOnThread;
      });
      const before = await store.currentRevision();
      const burst = Array.from({ length: 200 }, (_, i) => store.create(`/r/burst/last-${i}`, String(i)));
      await new Promise((resolve) => setImmediate(resolve));
      // The batch is on the thread. Wait, without yielding to the event loop (so its answer cannot be taken in),
      // until the file holds it: the store's own connection sees the rows, yet it must not show them unpublished.
      const committed = reader.prepare(`SELECT COUNT(*) AS n FROM kine WHERE name = '/r/burst/last-199'`);
      const deadline = Date.now() + 10_000;
      while ((committed.get() as { n: number }).n === 0 && Date.now() < deadline);
      assert.equal((await store.get('/r/burst/last-0')).kv, undefined);
      assert.equal((await store.get('/r/burst/last-0')).revision, before);
      assert.equal((await store.range('/r/burst/last-')).kvs.length, 0);
      const written = await Promise.all(burst);
      assert.deepEqual(
        written.map((kv) => kv.modRevision),
        written.map((_, i) => before + 1 + i),
        'consecutive revisions, in the order asked',
      );
      assert.equal(await store.currentRevision(), before + 200);
      assert.equal((await store.get('/r/burst/last-0')).kv?.value, '0');
      assert.equal((await store.range('/r/burst/last-')).kvs.length, 200);
      await until("the burst's events", () => events.at(-1)?.revision === before + 200);
      assert.deepEqual(
        events.slice(-200).map((e) => [e.kv.value, e.revision]),
        written.map((kv) => [kv.value, kv.modRevision]),
      );
      watch.cancel();
    } finally {
      reader.close();
      await store.close();
    }
    assert.equal(store.writesOnThread, false);
    assert.equal(integrityOf(path), 'ok');
  });

  it('goes on from the event loop when the writer thread dies under a batch: its writes fail as Unavailable, watches end, nothing is half-written', async () => {
    const path = nextPath();
    const store = new SqliteStore({ path, writerThread: 'always' });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (message: string) => warnings.push(message);
    try {
      await store.create('/r/lost/first', 'x');
      const errors: Error[] = [];
      store.watch('/r/lost/', () => undefined, { onError: (err) => errors.push(err) });
      const batch = Array.from({ length: 50 }, (_, i) => store.create(`/r/lost/${i}`, String(i)));
      await new Promise((resolve) => setImmediate(resolve));
      // The thread is killed with the batch in its hands, as a crash of the thread would end it.
      const thread = (store as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread;
      await thread.worker.terminate();
      const outcomes = await Promise.allSettled(batch);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, 'rejected');
        assert.ok(isStoreError(outcome.reason, 'Unavailable'), String(outcome.reason));
      }
      await until('the watch to end', () => errors.length === 1);
      assert.ok(isStoreError(errors[0], 'Unavailable'));
      assert.match(warnings.join('\n'), /writer thread stopped/);
      // Whatever the batch left (all of it or none), the store now reads it as the file has it, and writes go on.
      const rows = rowCount(path);
      const after = await store.create('/r/lost/after', 'y');
      assert.equal(after.modRevision, (await store.currentRevision()));
      assert.equal(rowCount(path), rows + 1);
      const listed = (await store.range('/r/lost/')).kvs.length;
      assert.ok(listed === 2 || listed === 52, `all of the batch or none of it: ${listed} keys`);
      assert.equal(store.writesOnThread, false);
    } finally {
      console.warn = warn;
      await store.close();
    }
    assert.equal(integrityOf(path), 'ok');
  });

  it("refuses a batch the writer thread cannot commit on a full disk with etcd's NOSPACE words, whole, and writes again once there is space", async () => {
    // A small tmpfs of its own (the tests run as root, as the kubectl disk-full test does).
    const mountPoint = join(dir, 'full-disk');
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
    } catch (err) {
      throw new Error(`this test mounts a 4 MiB tmpfs and needs root (or CAP_SYS_ADMIN): ${(err as Error).message}`);
    }
    const path = join(mountPoint, 'state.db');
    const store = new SqliteStore({ path, writerThread: 'always' });
    try {
      await store.create('/r/disk/before', 'x');
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${join(mountPoint, 'filler')}`, 'bs=64k', 'count=64'], { stdio: 'ignore' });
      } catch {
        // "No space left on device": full, which is the point.
      }
      const batch = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => store.create(`/r/disk/full-${i}`, 'y'.repeat(100_000))));
      assert.ok(batch.every((o) => o.status === 'rejected' && isStoreError(o.reason, 'NoSpace')), JSON.stringify(batch.map((o) => o.status)));
      assert.match(String((batch[0] as PromiseRejectedResult).reason.message), /^etcdserver: mvcc: database space exceeded/);
      assert.deepEqual((await store.range('/r/disk/')).kvs.map((kv) => kv.key), ['/r/disk/before'], 'nothing of the batch');
      rmSync(join(mountPoint, 'filler'));
      assert.equal((await store.create('/r/disk/after', 'z')).value, 'z');
      assert.equal(store.writesOnThread, true, 'still on the thread');
    } finally {
      await store.close();
      assert.equal(integrityOf(path), 'ok');
      execFileSync('umount', [mountPoint]);
    }
  });

  it('reads the file afresh when another connection wrote between the writer thread\'s jobs', async () => {
    const path = nextPath();
    const store = new SqliteStore({ path, writerThread: 'always' });
    const other = new SqliteStore({ path, writerThread: 'never' });
    try {
      await store.create('/r/two/a', 'one');
      assert.equal((await store.range('/r/two/')).kvs.length, 1);
      await other.create('/r/two/b', 'two');
      await store.create('/r/two/c', 'three');
      assert.deepEqual((await store.range('/r/two/')).kvs.map((kv) => kv.value), ['one', 'two', 'three']);
      assert.equal(await store.currentRevision(), await other.currentRevision());
    } finally {
      await other.close();
      await store.close();
    }
  });

  it('commits the writes still waiting when it closes', async () => {
    const path = nextPath();
    const store = new SqliteStore({ path });
    const written = store.create('/r/late', 'x');
    await store.close();
    assert.equal((await written).value, 'x');
    const reopened = new SqliteStore({ path });
    assert.equal((await reopened.get('/r/late')).kv?.value, 'x');
    await reopened.close();
  });

  it('compacts periodically with startCompactor, keeping the newest revisions', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      let kv = await store.create('/r/a', '0');
      for (let i = 1; i < 40; i++) kv = await store.update('/r/a', String(i), kv.modRevision);
      const stop = startCompactor(store, { intervalMs: 5, keepRevisions: 10 });
      try {
        await until('a compaction', async () => (await store.compactRevision()) === kv.modRevision - 10);
      } finally {
        stop();
      }
      assert.deepEqual((await store.get('/r/a', kv.modRevision - 10)).kv?.value, '29');
    } finally {
      await store.close();
    }
  });

  it('reads a page of a range in key order and stops at its limit, instead of sorting the whole range for each page', () => {
    const db = new Database(':memory:');
    try {
      for (const sql of SCHEMA) db.exec(sql);
      for (const bounded of [true, false]) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${latestRowsPageSql(bounded)}`).all({ prefix: '/registry/core/events/', startKey: '', end: '/registry/core/events0', rev: 1, limit: 501 }) as { detail: string }[];
        const steps = plan.map((step) => step.detail);
        assert.ok(steps.some((step) => step.includes('kine_name_id_index')), steps.join('; '));
        assert.ok(!steps.some((step) => step.includes('TEMP B-TREE')), steps.join('; '));
      }
    } finally {
      db.close();
    }
  });
});

describe('openStore', () => {
  it('opens SQLite in <dataDir>/state.db', async () => {
    const dataDir = join(dir, 'cluster-data');
    const store = await openStore('sqlite', dataDir);
    try {
      await store.create('/a', '1');
      assert.ok(existsSync(join(dataDir, 'state.db')));
    } finally {
      await store.close();
    }
  });

  it('rejects a store it does not know, saying what it accepts', async () => {
    await assert.rejects(openStore('postgres://localhost', dir), /Unknown store "postgres:\/\/localhost".*sqlite.*etcd:\/\/HOST:PORT/);
    await assert.rejects(openStore('etcd://no-port', dir), /Invalid etcd endpoint "no-port"/);
  });
});
