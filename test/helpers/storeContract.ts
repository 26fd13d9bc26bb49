// The behaviour every Store backend must have, as one suite each backend's test
// file runs. It pins the etcd v3 semantics kube-apiserver relies on: compare-and-
// swap on modRevision, reads and paginated lists at one revision, watches that
// replay history then follow live writes in revision order, compaction.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isStoreError, type KeyValue, type Store, type StoreErrorCode, type WatchEvent } from '../../main/store/store.ts';

/** A guard against hangs, not a performance expectation. */
const WAIT_LIMIT_MS = 30_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(2);
  }
}

function rejectsWith(code: StoreErrorCode) {
  return (err: unknown) => {
    assert.ok(isStoreError(err, code), `expected StoreError ${code}, got ${String(err)}`);
    return true;
  };
}

interface Recording {
  events: WatchEvent[];
  errors: Error[];
  cancel(): void;
}

function record(store: Store, prefix: string, startRevision?: number): Recording {
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  const watch = store.watch(prefix, (event) => events.push(event), {
    ...(startRevision !== undefined ? { startRevision } : {}),
    onError: (error) => errors.push(error),
  });
  return { events, errors, cancel: () => watch.cancel() };
}

const put = (kv: KeyValue, prevKv?: KeyValue): WatchEvent =>
  prevKv ? { type: 'PUT', kv, prevKv, revision: kv.modRevision } : { type: 'PUT', kv, revision: kv.modRevision };
const del = (kv: KeyValue, prevKv: KeyValue): WatchEvent => ({ type: 'DELETE', kv, prevKv, revision: kv.modRevision });

function assertStrictlyIncreasing(revisions: number[]): void {
  for (let i = 1; i < revisions.length; i++) {
    assert.ok(revisions[i]! > revisions[i - 1]!, `revision ${revisions[i]} after ${revisions[i - 1]} at position ${i}`);
  }
}

/**
 * `open` must return a store that is empty and isolated from every store it
 * returned before (a fresh file, or a fresh key prefix on a shared etcd).
 */
export function runStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const p = '/registry/things/';

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Writes a marker and waits for it: events a watch delivers after that can only be extras. */
    async function settle(recording: Recording): Promise<KeyValue> {
      const marker = await store.create(`${p}~marker-${Math.random()}`, 'marker');
      await until('the marker event', () => recording.events.some((e) => e.revision === marker.modRevision));
      return marker;
    }

    it('creates, gets, updates and deletes a key', async () => {
      const before = await store.currentRevision();
      const created = await store.create(`${p}a`, 'v1');
      assert.equal(created.key, `${p}a`);
      assert.equal(created.value, 'v1');
      assert.ok(created.modRevision > before);
      assert.equal(created.createRevision, created.modRevision);
      assert.equal(await store.currentRevision(), created.modRevision);
      assert.deepEqual(await store.get(`${p}a`), { kv: created, revision: created.modRevision });

      const updated = await store.update(`${p}a`, 'v2', created.modRevision);
      assert.ok(updated.modRevision > created.modRevision);
      assert.deepEqual(updated, { key: `${p}a`, value: 'v2', createRevision: created.createRevision, modRevision: updated.modRevision });
      assert.deepEqual((await store.get(`${p}a`)).kv, updated);

      const deleted = await store.delete(`${p}a`);
      assert.ok(deleted.modRevision > updated.modRevision);
      assert.deepEqual(deleted, { key: `${p}a`, value: 'v2', createRevision: created.createRevision, modRevision: deleted.modRevision });
      assert.deepEqual(await store.get(`${p}a`), { revision: deleted.modRevision });
      assert.equal(await store.currentRevision(), deleted.modRevision);
    });

    it('answers a stale modRevision with Conflict carrying the current value', async () => {
      const created = await store.create(`${p}a`, 'v1');
      const updated = await store.update(`${p}a`, 'v2', created.modRevision);

      const conflict = await store.update(`${p}a`, 'v3', created.modRevision).catch((err: unknown) => err);
      assert.ok(isStoreError(conflict, 'Conflict'), `expected Conflict, got ${String(conflict)}`);
      assert.deepEqual(conflict.current, updated);

      const deleteConflict = await store.delete(`${p}a`, created.modRevision).catch((err: unknown) => err);
      assert.ok(isStoreError(deleteConflict, 'Conflict'), `expected Conflict, got ${String(deleteConflict)}`);
      assert.deepEqual(deleteConflict.current, updated);

      assert.deepEqual((await store.get(`${p}a`)).kv, updated);
      const deleted = await store.delete(`${p}a`, updated.modRevision);
      assert.equal(deleted.value, 'v2');
    });

    it('answers a create of an existing key with KeyExists, and creates a deleted key anew', async () => {
      const first = await store.create(`${p}a`, 'v1');
      await assert.rejects(store.create(`${p}a`, 'again'), rejectsWith('KeyExists'));
      assert.deepEqual((await store.get(`${p}a`)).kv, first);

      await store.delete(`${p}a`);
      const second = await store.create(`${p}a`, 'v2');
      assert.ok(second.createRevision > first.createRevision);
      assert.equal(second.createRevision, second.modRevision);
      assert.deepEqual((await store.get(`${p}a`)).kv, second);
    });

    it('answers writes to a missing key with KeyNotFound', async () => {
      assert.equal((await store.get(`${p}missing`)).kv, undefined);
      await assert.rejects(store.update(`${p}missing`, 'v', 1), rejectsWith('KeyNotFound'));
      await assert.rejects(store.delete(`${p}missing`), rejectsWith('KeyNotFound'));
      await assert.rejects(store.delete(`${p}missing`, 1), rejectsWith('KeyNotFound'));

      const created = await store.create(`${p}gone`, 'v');
      await store.delete(`${p}gone`);
      await assert.rejects(store.update(`${p}gone`, 'v2', created.modRevision), rejectsWith('KeyNotFound'));
      await assert.rejects(store.delete(`${p}gone`), rejectsWith('KeyNotFound'));
    });

    it('reads a key and a range as of an older revision', async () => {
      const a1 = await store.create(`${p}a`, '1');
      const a2 = await store.update(`${p}a`, '2', a1.modRevision);
      const b = await store.create(`${p}b`, 'b');
      const aDeleted = await store.delete(`${p}a`);

      assert.deepEqual(await store.get(`${p}a`, a1.modRevision), { kv: a1, revision: a1.modRevision });
      assert.deepEqual((await store.get(`${p}a`, a2.modRevision)).kv, a2);
      assert.deepEqual((await store.get(`${p}a`, b.modRevision)).kv, a2);
      assert.equal((await store.get(`${p}a`, aDeleted.modRevision)).kv, undefined);
      assert.equal((await store.get(`${p}b`, a2.modRevision)).kv, undefined);

      assert.deepEqual(await store.range(p, { revision: a2.modRevision }), { kvs: [a2], revision: a2.modRevision, more: false });
      assert.deepEqual((await store.range(p, { revision: b.modRevision })).kvs, [a2, b]);
      assert.deepEqual(await store.range(p), { kvs: [b], revision: aDeleted.modRevision, more: false });

      const future = (await store.currentRevision()) + 1000;
      await assert.rejects(store.get(`${p}a`, future), rejectsWith('FutureRevision'));
      await assert.rejects(store.range(p, { revision: future }), rejectsWith('FutureRevision'));
    });

    it('ranges over exactly the keys with the prefix, in key order', async () => {
      const keys = [`${p}b`, `${p}a/x`, `${p}é`, `${p}a`, `${p}ab`, `${p}z`];
      const written = new Map<string, KeyValue>();
      for (const key of keys) written.set(key, await store.create(key, key));
      await store.create('/registry/things', 'the prefix without its slash');
      await store.create('/registry/things0', 'a sibling');
      await store.create('/registry/other/b', 'elsewhere');

      const ordered = [`${p}a`, `${p}a/x`, `${p}ab`, `${p}b`, `${p}z`, `${p}é`];
      assert.deepEqual((await store.range(p)).kvs, ordered.map((key) => written.get(key)));
      assert.deepEqual((await store.range(`${p}a`)).kvs.map((kv) => kv.key), [`${p}a`, `${p}a/x`, `${p}ab`]);
      assert.deepEqual((await store.range(`${p}nothing`)).kvs, []);
      // The empty prefix is the whole store, and nothing but what was written is in it.
      assert.deepEqual(
        (await store.range('')).kvs.map((kv) => kv.key),
        ['/registry/other/b', '/registry/things', ...ordered, '/registry/things0'],
      );
    });

    it('paginates at one consistent revision while writes happen between pages', async () => {
      const originals: KeyValue[] = [];
      for (let i = 0; i < 10; i++) originals.push(await store.create(`${p}k${String(i).padStart(2, '0')}`, `v${i}`));

      const first = await store.range(p, { limit: 4 });
      assert.equal(first.more, true);
      assert.deepEqual(first.kvs, originals.slice(0, 4));

      await store.update(`${p}k05`, 'changed', originals[5]!.modRevision);
      await store.delete(`${p}k06`);
      await store.create(`${p}k065`, 'inserted');
      await store.create(`${p}k99`, 'appended');
      await store.delete(`${p}k00`);

      const pages = [first];
      while (pages.at(-1)!.more) {
        const last = pages.at(-1)!;
        // kube-apiserver continues after the last key: its key plus "\0".
        pages.push(await store.range(p, { limit: 4, revision: first.revision, startKey: `${last.kvs.at(-1)!.key}\0` }));
      }
      assert.deepEqual(pages.map((page) => page.kvs.length), [4, 4, 2]);
      assert.ok(pages.every((page) => page.revision === first.revision));
      assert.deepEqual(pages.flatMap((page) => page.kvs), originals);

      assert.equal((await store.range(p, { revision: first.revision, limit: 10 })).more, false);
      assert.deepEqual((await store.range(p)).kvs.map((kv) => kv.value), ['v1', 'v2', 'v3', 'v4', 'changed', 'inserted', 'v7', 'v8', 'v9', 'appended']);
    });

    it('pages through any history as the whole range at that revision shows it', async () => {
      // A fixed pseudo-random history: creates, updates and deletes of 30 keys, some deleted and made again.
      let seed = 7;
      const random = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const live = new Map<string, number>();
      const revisions: number[] = [];
      for (let i = 0; i < 120; i++) {
        const key = `${p}h${String(random(30)).padStart(2, '0')}`;
        const modRevision = live.get(key);
        if (modRevision === undefined) live.set(key, (await store.create(key, `v${i}`)).modRevision);
        else if (random(3) === 0) {
          await store.delete(key);
          live.delete(key);
        } else live.set(key, (await store.update(key, `v${i}`, modRevision)).modRevision);
        if (i % 20 === 19) revisions.push(await store.currentRevision());
      }
      for (const revision of revisions) {
        const whole = (await store.range(p, { revision })).kvs;
        for (const limit of [1, 3, 7]) {
          const pages = [await store.range(p, { revision, limit })];
          while (pages.at(-1)!.more) pages.push(await store.range(p, { revision, limit, startKey: `${pages.at(-1)!.kvs.at(-1)!.key}\0` }));
          assert.deepEqual(pages.flatMap((page) => page.kvs), whole, `pages of ${limit} at revision ${revision}`);
          assert.ok(pages.slice(0, -1).every((page) => page.kvs.length === limit));
        }
      }
    });

    it('counts the keys with a prefix', async () => {
      assert.equal(await store.count(p), 0);
      await store.create(`${p}a`, '1');
      await store.create(`${p}b/1`, '2');
      await store.create(`${p}b/2`, '3');
      await store.create('/registry/other', '4');
      await store.delete(`${p}a`);
      assert.equal(await store.count(p), 2);
      assert.equal(await store.count(`${p}b/`), 2);
      assert.equal(await store.count(''), 3);
    });

    it('watches from a revision: history, then live events, in order, each once, with prevKv', async () => {
      const a1 = await store.create(`${p}a`, '1');
      const a2 = await store.update(`${p}a`, '2', a1.modRevision);
      const b1 = await store.create(`${p}b`, '1');
      await store.create('/registry/other/x', 'not watched');
      const aDeleted = await store.delete(`${p}a`);

      const recording = record(store, p, a1.modRevision);
      const b2 = await store.update(`${p}b`, '2', b1.modRevision);
      const c1 = await store.create(`${p}c`, '1');
      const expected = [put(a1), put(a2, a1), put(b1), del(aDeleted, a2), put(b2, b1), put(c1)];
      await until('history and live events', () => recording.events.length >= expected.length);

      const marker = await settle(recording);
      assert.deepEqual(recording.events, [...expected, put(marker)]);
      assert.deepEqual(recording.errors, []);
      recording.cancel();

      const fromMiddle = record(store, p, b1.modRevision);
      await until('events from the middle of history', () => fromMiddle.events.length >= 5);
      assert.deepEqual(fromMiddle.events, [put(b1), del(aDeleted, a2), put(b2, b1), put(c1), put(marker)]);
      fromMiddle.cancel();
    });

    it('watches only what happens after the watch starts when given no revision', async () => {
      const before = await store.create(`${p}before`, '0');
      const recording = record(store, p);
      // A remote backend registers the watch a little later: write until it sees something.
      const written: KeyValue[] = [];
      for (let i = 0; recording.events.length === 0; i++) {
        assert.ok(i < 500, 'the watch never delivered a live event');
        written.push(await store.create(`${p}live-${i}`, String(i)));
        await sleep(i === 0 ? 0 : 10);
      }
      const last = await store.update(`${p}before`, '1', before.modRevision);
      await until('the last live event', () => recording.events.some((e) => e.revision === last.modRevision));

      const first = written.findIndex((kv) => kv.modRevision === recording.events[0]!.revision);
      assert.ok(first >= 0, 'the first event is one of the live writes');
      assert.deepEqual(recording.events, [...written.slice(first).map((kv) => put(kv)), put(last, before)]);
    });

    it('delivers every write of many concurrent writers to one watcher, in revision order', async () => {
      const recording = record(store, p, (await store.currentRevision()) + 1);
      const writers = Array.from({ length: 8 }, async (_, w) => {
        const acks: KeyValue[] = [];
        let kv = await store.create(`${p}writer-${w}`, '0');
        acks.push(kv);
        for (let i = 1; i < 25; i++) {
          kv = await store.update(kv.key, String(i), kv.modRevision);
          acks.push(kv);
        }
        return acks;
      });
      const acks = (await Promise.all(writers)).flat();
      await until('every write as an event', () => recording.events.length >= acks.length);
      await settle(recording);

      const revisions = recording.events.map((e) => e.revision);
      assertStrictlyIncreasing(revisions);
      assert.equal(recording.events.length, acks.length + 1);
      const byRevision = new Map(acks.map((kv) => [kv.modRevision, kv]));
      for (const event of recording.events.slice(0, -1)) {
        assert.deepEqual(event.kv, byRevision.get(event.revision), `event at revision ${event.revision}`);
      }
    });

    it('increases the revision with every write, and only with writes', async () => {
      const revisions = [await store.currentRevision()];
      const a = await store.create(`${p}a`, '1');
      revisions.push(a.modRevision);
      const b = await store.create(`${p}b`, '1');
      revisions.push(b.modRevision);
      const a2 = await store.update(`${p}a`, '2', a.modRevision);
      revisions.push(a2.modRevision);
      revisions.push((await store.delete(`${p}b`)).modRevision);
      revisions.push((await store.create(`${p}b`, '2')).modRevision);
      await store.create(`${p}a`, 'x').catch(() => undefined);
      await store.update(`${p}a`, 'x', a.modRevision).catch(() => undefined);
      await store.get(`${p}a`);
      await store.range(p);
      await store.count(p);
      revisions.push((await store.delete(`${p}a`)).modRevision);
      assertStrictlyIncreasing(revisions);
      assert.equal(await store.currentRevision(), revisions.at(-1));
    });

    it('forgets compacted history: reads and watches below it answer Compacted', async () => {
      const kept = await store.create(`${p}kept`, 'never updated');
      await store.create(`${p}gone`, 'deleted before the compaction');
      await store.delete(`${p}gone`);
      const v1 = await store.create(`${p}k`, '1');
      const v2 = await store.update(`${p}k`, '2', v1.modRevision);
      const v3 = await store.update(`${p}k`, '3', v2.modRevision);
      const v4 = await store.update(`${p}k`, '4', v3.modRevision);

      await store.compact(v3.modRevision);
      assert.equal(await store.compactRevision(), v3.modRevision);

      await assert.rejects(store.get(`${p}k`, v2.modRevision), rejectsWith('Compacted'));
      await assert.rejects(store.range(p, { revision: v1.modRevision }), rejectsWith('Compacted'));
      assert.deepEqual((await store.get(`${p}k`, v3.modRevision)).kv, v3);
      assert.deepEqual((await store.range(p, { revision: v3.modRevision })).kvs, [v3, kept]);
      assert.deepEqual((await store.range(p)).kvs, [v4, kept]);

      const tooOld = record(store, p, v2.modRevision);
      await until('Compacted on the watch', () => tooOld.errors.length > 0);
      assert.ok(isStoreError(tooOld.errors[0], 'Compacted'), `expected Compacted, got ${String(tooOld.errors[0])}`);
      assert.deepEqual(tooOld.events, []);

      const fromCompaction = record(store, p, v3.modRevision);
      await until('events from the compaction point', () => fromCompaction.events.length >= 2);
      // etcd cannot give the prevKv of the event at the compaction point: that revision is gone.
      assert.deepEqual({ ...fromCompaction.events[0]!, prevKv: undefined }, { ...put(v3), prevKv: undefined });
      assert.deepEqual(fromCompaction.events[1], put(v4, v3));
      assert.deepEqual(fromCompaction.errors, []);
      fromCompaction.cancel();

      await store.compact(v2.modRevision);
      assert.equal(await store.compactRevision(), v3.modRevision);
      await assert.rejects(store.compact((await store.currentRevision()) + 1000), rejectsWith('FutureRevision'));
    });

    it('stops delivering to a canceled watch', async () => {
      const start = (await store.currentRevision()) + 1;
      const canceled = record(store, p, start);
      const other = record(store, p, start);
      const first = await store.create(`${p}a`, '1');
      await until('the first event on both watches', () => canceled.events.length === 1 && other.events.length === 1);
      canceled.cancel();
      await store.create(`${p}b`, '2');
      await settle(other);
      assert.deepEqual(canceled.events, [put(first)]);
      assert.deepEqual(canceled.errors, []);
    });

    it('ends a watch whose callback throws with that error, and nothing else', async () => {
      const start = (await store.currentRevision()) + 1;
      const errors: Error[] = [];
      store.watch(
        p,
        () => {
          throw new Error('consumer failed');
        },
        { startRevision: start, onError: (error) => errors.push(error) },
      );
      const other = record(store, p, start);
      await store.create(`${p}a`, '1');
      await until('the failing watch to end', () => errors.length > 0);
      assert.equal(errors[0]!.message, 'consumer failed');
      await store.create(`${p}b`, '2');
      await settle(other);
      assert.equal(other.events.length, 3);
      assert.equal(errors.length, 1);
    });

    it('ends watches with Closed and rejects calls once closed', async () => {
      const recording = record(store, p, (await store.currentRevision()) + 1);
      await store.create(`${p}a`, '1');
      await until('the event', () => recording.events.length === 1);
      await store.close();
      await until('Closed on the watch', () => recording.errors.length > 0);
      assert.ok(isStoreError(recording.errors[0], 'Closed'));
      assert.equal(recording.errors.length, 1);
      await assert.rejects(store.get(`${p}a`), rejectsWith('Closed'));
      await assert.rejects(store.create(`${p}b`, '1'), rejectsWith('Closed'));
      await assert.rejects(store.currentRevision(), rejectsWith('Closed'));
    });
  });
}
