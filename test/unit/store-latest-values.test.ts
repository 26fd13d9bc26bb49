import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareCodePoints, LatestValues } from '../../main/store/latestValues.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import type { KeyValue } from '../../main/store/store.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podlab-latest-values-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kv = (key: string, value = key, modRevision = 1): KeyValue => ({ key, value, createRevision: 1, modRevision });

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('compareCodePoints', () => {
  it('orders strings as their UTF-8 bytes do (SQLite BINARY, etcd), surrogate pairs above U+E000–U+FFFF', () => {
    const alphabet = ['a', 'b', '/', '\0', 'é', '\u{e000}', '\u{ffff}', '\u{10000}', '\u{1f600}', '\u{d7ff}'];
    const next = random(7);
    const strings = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
    const byBytes = [...strings].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual([...strings].sort(compareCodePoints), byBytes);
    // JavaScript's own order differs exactly there.
    assert.ok('\u{1f600}' < '\u{e000}');
    assert.ok(compareCodePoints('\u{1f600}', '\u{e000}') > 0);
  });
});

describe('LatestValues', () => {
  it('answers only under a filled prefix, a narrower prefix and a start key included', () => {
    const cache = new LatestValues();
    assert.equal(cache.range('/registry/pods/', '', 0), undefined);
    cache.fill('/registry/pods/', [kv('/registry/pods/a/1'), kv('/registry/pods/a/2'), kv('/registry/pods/b/1')]);
    assert.deepEqual(cache.range('/registry/pods/a/', '', 0)!.kvs.map((x) => x.key), ['/registry/pods/a/1', '/registry/pods/a/2']);
    assert.deepEqual(cache.range('/registry/pods/', '/registry/pods/a/2', 0)!.kvs.map((x) => x.key), ['/registry/pods/a/2', '/registry/pods/b/1']);
    assert.deepEqual(cache.range('/registry/pods/', '', 2), { kvs: [kv('/registry/pods/a/1'), kv('/registry/pods/a/2')], more: true });
    assert.deepEqual(cache.range('/registry/pods/', '', 3)!.more, false);
    assert.deepEqual(cache.get('/registry/pods/b/1'), { kv: kv('/registry/pods/b/1') });
    assert.deepEqual(cache.get('/registry/pods/b/2'), { kv: undefined });
    assert.equal(cache.get('/registry/services/x'), undefined);
  });

  it('follows writes: an update in place, a new key in order, a deleted key gone', () => {
    const cache = new LatestValues();
    cache.fill('/p/', [kv('/p/b'), kv('/p/d')]);
    cache.apply('/p/b', kv('/p/b', 'changed', 5));
    cache.apply('/p/c', kv('/p/c', 'new', 6));
    cache.apply('/p/d', undefined);
    cache.apply('/q/x', kv('/q/x'));
    assert.deepEqual(cache.range('/p/', '', 0)!.kvs, [kv('/p/b', 'changed', 5), kv('/p/c', 'new', 6)]);
    assert.equal(cache.get('/q/x'), undefined);
  });

  it('hands out one frozen list of a prefix until something under the filled prefix changes', () => {
    const cache = new LatestValues();
    cache.fill('/p/', [kv('/p/a/1'), kv('/p/b/1')]);
    const whole = cache.range('/p/', '', 0)!.kvs;
    const namespace = cache.range('/p/a/', '', 0)!.kvs;
    assert.ok(Object.isFrozen(whole));
    assert.equal(cache.range('/p/', '', 0)!.kvs, whole);
    assert.equal(cache.range('/p/a/', '', 0)!.kvs, namespace);
    // Pages and lists from a start key are made afresh.
    assert.notEqual(cache.range('/p/', '', 1)!.kvs, cache.range('/p/', '', 1)!.kvs);
    cache.apply('/q/x', kv('/q/x'));
    assert.equal(cache.range('/p/', '', 0)!.kvs, whole, 'a write elsewhere changes nothing here');
    cache.apply('/p/b/1', kv('/p/b/1', 'changed', 2));
    const after = cache.range('/p/a/', '', 0)!.kvs;
    assert.notEqual(after, namespace);
    assert.deepEqual(after, namespace);
    assert.deepEqual(cache.range('/p/', '', 0)!.kvs.map((x) => x.value), ['/p/a/1', 'changed']);
  });

  it('hands out frozen values, the same object while the key is unchanged', () => {
    const cache = new LatestValues();
    cache.fill('/p/', [kv('/p/a')]);
    const listed = cache.range('/p/', '', 0)!.kvs[0]!;
    assert.throws(() => {
      (listed as { value: string }).value = 'scribbled';
    }, TypeError);
    assert.equal(cache.get('/p/a')!.kv, listed);
    cache.apply('/p/a', kv('/p/a', 'changed', 2));
    assert.notEqual(cache.get('/p/a')!.kv, listed);
    assert.equal(cache.get('/p/a')!.kv!.value, 'changed');
  });

  it('keeps no more text than its limit and drops a prefix whose writes pass it', () => {
    const cache = new LatestValues({ maxChars: 10, maxPrefixes: 4 });
    cache.fill('/big/', [kv('/big/a', 'x'.repeat(11))]);
    assert.equal(cache.range('/big/', '', 0), undefined);
    cache.fill('/small/', [kv('/small/a', 'xx')]);
    assert.equal(cache.range('/small/', '', 0)!.kvs.length, 1);
    cache.apply('/small/b', kv('/small/b', 'x'.repeat(9)));
    assert.equal(cache.range('/small/', '', 0), undefined);
  });

  it('a wider prefix takes in the narrower ones it covers', () => {
    const cache = new LatestValues({ maxChars: 100, maxPrefixes: 2 });
    cache.fill('/p/ns1/', [kv('/p/ns1/a')]);
    cache.fill('/p/ns2/', [kv('/p/ns2/a')]);
    cache.fill('/p/', [kv('/p/ns1/a'), kv('/p/ns2/a')]);
    assert.deepEqual(cache.range('/p/ns2/', '', 0)!.kvs.map((x) => x.key), ['/p/ns2/a']);
    cache.fill('/other/', [kv('/other/a')]);
    assert.ok(cache.range('/p/', '', 0) && cache.range('/other/', '', 0), 'both fit under maxPrefixes once the narrow ones went');
  });
});

describe('SqliteStore lists and gets from memory', () => {
  it('answers getCached and rangeCached only under a listed prefix: the value, or that there is none', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      await store.create('/registry/namespaces/default', 'ns');
      assert.equal(store.getCached('/registry/namespaces/default'), undefined);
      await store.range('/registry/namespaces/');
      assert.equal(store.getCached('/registry/namespaces/default')?.kv?.value, 'ns');
      assert.deepEqual(store.getCached('/registry/namespaces/missing'), {});
      const created = await store.create('/registry/namespaces/shop', 'shop');
      assert.deepEqual(store.getCached('/registry/namespaces/shop')?.kv, created);
      // A whole list at once, the same as range() reads it; none for a prefix never listed.
      assert.deepEqual(store.rangeCached('/registry/namespaces/'), (await store.range('/registry/namespaces/')).kvs);
      assert.deepEqual(store.rangeCached('/registry/namespaces/')?.map((kv) => kv.value), ['ns', 'shop']);
      assert.equal(store.rangeCached('/registry/configmaps/'), undefined);
      await store.close();
      assert.equal(store.getCached('/registry/namespaces/shop'), undefined);
    } finally {
      await store.close();
    }
  });

  it('answers exactly what the file holds after a long run of random writes', async () => {
    const path = join(dir, 'random.db');
    const store = new SqliteStore({ path });
    const names = ['a', 'b', 'ab', 'a/x', 'é', '\u{e000}', '\u{1f600}', 'z', 'zz', 'm'];
    const namespaces = ['ns1', 'ns2', 'ns10'];
    const next = random(42);
    const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)]!;
    try {
      await store.range('/registry/things/');
      for (let step = 0; step < 300; step++) {
        const key = `/registry/things/${pick(namespaces)}/${pick(names)}`;
        const { kv: current } = await store.get(key);
        if (!current) await store.create(key, `v${step}`);
        else if (next() < 0.3) await store.delete(key, current.modRevision);
        else await store.update(key, `v${step}`, current.modRevision);
        if (step % 10 === 0) await store.range(`/registry/things/${pick(namespaces)}/`);
        if (step % 25 !== 0) continue;
        // Another connection reads the file itself, keeping nothing in memory.
        const reader = new SqliteStore({ path, latestValuesChars: 0 });
        try {
          for (const prefix of ['/registry/things/', ...namespaces.map((ns) => `/registry/things/${ns}/`)]) {
            assert.deepEqual(await store.range(prefix), await reader.range(prefix), `range ${prefix} at step ${step}`);
            const page = await store.range(prefix, { limit: 3 });
            assert.deepEqual(page, await reader.range(prefix, { limit: 3 }), `first page of ${prefix} at step ${step}`);
            if (page.kvs.length) {
              const startKey = `${page.kvs.at(-1)!.key}\0`;
              assert.deepEqual(await store.range(prefix, { startKey, limit: 4 }), await reader.range(prefix, { startKey, limit: 4 }), `next page of ${prefix} at step ${step}`);
            }
          }
          for (const ns of namespaces) {
            for (const name of names) {
              const key = `/registry/things/${ns}/${name}`;
              const inFile = await reader.get(key);
              assert.deepEqual(await store.get(key), inFile);
              // What memory answers at once is what the file holds, or nothing.
              const cached = store.getCached(key);
              assert.ok(cached, `${key} is under a listed prefix`);
              assert.deepEqual(cached.kv, inFile.kv, `getCached ${key} at step ${step}`);
            }
          }
        } finally {
          await reader.close();
        }
      }
    } finally {
      await store.close();
    }
  });

  it('reads the file again once another connection has written it', async () => {
    const path = join(dir, 'two-writers.db');
    const store = new SqliteStore({ path });
    const other = new SqliteStore({ path });
    try {
      await store.create('/registry/things/a', 'one');
      assert.equal((await store.range('/registry/things/')).kvs.length, 1);
      await other.create('/registry/things/b', 'two');
      // The other connection's commit is noticed at the next event-loop turn.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual((await store.range('/registry/things/')).kvs.map((x) => x.value), ['one', 'two']);
      assert.equal((await store.get('/registry/things/b')).kv?.value, 'two');
      await other.create('/registry/things/c', 'three');
      await new Promise((resolve) => setImmediate(resolve));
      // Memory no longer answers once the file changed under it; a get reads the file.
      assert.equal(store.getCached('/registry/things/c'), undefined);
      assert.equal((await store.get('/registry/things/c')).kv?.value, 'three');
    } finally {
      await other.close();
      await store.close();
    }
  });
});
