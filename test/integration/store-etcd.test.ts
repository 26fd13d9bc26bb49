import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer } from 'node:net';
import { EtcdStore } from '../../main/store/etcd.ts';
import { openStore } from '../../main/store/index.ts';
import { isStoreError, type KeyValue, type Store, type WatchEvent } from '../../main/store/store.ts';
import { startEtcd, type EtcdServer } from '../helpers/etcdServer.ts';
import { runStoreContract } from '../helpers/storeContract.ts';

let server: EtcdServer;
let stores = 0;
/** Every store gets its own key prefix, so stores sharing the one etcd start empty. */
const openIsolated = (options: Partial<ConstructorParameters<typeof EtcdStore>[0]> = {}) =>
  new EtcdStore({ endpoints: [server.endpoint], prefix: `/podlab-test/${++stores}`, ...options });

before(async () => {
  server = await startEtcd();
});
after(async () => {
  await server?.stop();
});

runStoreContract('etcd', async () => openIsolated());

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port nothing listens on: bound, read, released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('EtcdStore', () => {
  it('answers Unavailable when etcd cannot be reached', async () => {
    const port = await closedPort();
    const store = new EtcdStore({ endpoints: [`127.0.0.1:${port}`], requestTimeoutMs: 2000 });
    try {
      await assert.rejects(store.currentRevision(), (err) => isStoreError(err, 'Unavailable'));
      await assert.rejects(store.create('/a', '1'), (err) => isStoreError(err, 'Unavailable'));
    } finally {
      await store.close();
    }
    await assert.rejects(openStore(`etcd://127.0.0.1:${port}`, '/nonexistent'), (err) => isStoreError(err, 'Unavailable'));
  });

  it('is what openStore opens for etcd://HOST:PORT', async () => {
    const store = await openStore(`etcd://${server.endpoint}`, '/nonexistent');
    try {
      const created = await store.create(`/podlab-test/open-store/${Date.now()}`, 'v');
      assert.deepEqual((await store.get(created.key)).kv, created);
    } finally {
      await store.close();
    }
  });

  it('keeps stores with different prefixes apart, watches included', async () => {
    const a = openIsolated();
    const b = openIsolated();
    try {
      const events: WatchEvent[] = [];
      b.watch('', (event) => events.push(event), { startRevision: (await b.currentRevision()) + 1 });
      await a.create('/x', 'in a');
      const inB = await b.create('/x', 'in b');
      await until('the event in b', () => events.length > 0);
      assert.deepEqual((await a.range('')).kvs.map((kv) => kv.value), ['in a']);
      assert.deepEqual((await b.range('')).kvs, [inB]);
      assert.deepEqual(events.map((event) => event.kv), [inB]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('resumes a watch across an etcd restart without gaps or repeats, or ends it if etcd stays away', async () => {
    const store = openIsolated();
    const impatient = openIsolated({ watchReconnectTimeoutMs: 300 });
    const stores: Store[] = [store, impatient];
    try {
      const events: WatchEvent[] = [];
      const errors: Error[] = [];
      const impatientErrors: Error[] = [];
      const start = (await store.currentRevision()) + 1;
      store.watch('/', (event) => events.push(event), { startRevision: start, onError: (error) => errors.push(error) });
      impatient.watch('/', () => undefined, { onError: (error) => impatientErrors.push(error) });

      const acks: KeyValue[] = [];
      for (let i = 0; i < 20; i++) acks.push(await store.create(`/before-${i}`, String(i)));
      await until('the events before the outage', () => events.length === 20);

      await server.kill();
      await until('the impatient watch to give up', () => impatientErrors.length > 0);
      assert.ok(isStoreError(impatientErrors[0], 'Unavailable'), `expected Unavailable, got ${String(impatientErrors[0])}`);

      await server.start();
      await until('etcd to answer again', () => store.currentRevision().then(() => true, () => false));
      for (let i = 0; i < 20; i++) acks.push(await store.create(`/after-${i}`, String(i)));
      await until('the events after the outage', () => events.length >= 40);

      assert.deepEqual(errors, []);
      assert.deepEqual(events.map((event) => event.kv), acks);
    } finally {
      for (const s of stores) await s.close();
    }
  });
});
