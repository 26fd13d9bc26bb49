// The scheduler's informer against the real API server, in process.

import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { Informer } from '../../main/kube/client/informer.ts';
import { FakeClock } from '../helpers/fakeClock.ts';
import { startInProcessApi } from '../helpers/inProcessApi.ts';
import { InterceptingClient } from '../helpers/interceptingClient.ts';

async function until(what: string, done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 500; turn++) {
    if (done()) return;
    await nextTurn();
  }
  assert.fail(`never happened: ${what}`);
}

function configMap(name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

async function setup() {
  const api = await startInProcessApi();
  const client = new InterceptingClient(api.client);
  const configMaps = client.resource({ group: '', version: 'v1', plural: 'configmaps' });
  const seen: string[] = [];
  const errors: unknown[] = [];
  const informer = new Informer(
    configMaps,
    {
      onAdd: (obj) => seen.push(`add ${obj.metadata.name}`),
      onUpdate: (old, obj) => seen.push(`update ${old.metadata.name} ${JSON.stringify(old.data)} -> ${JSON.stringify(obj.data)}`),
      onDelete: (obj) => seen.push(`delete ${obj.metadata.name}`),
    },
    { clock: new FakeClock(), onError: (err) => errors.push(err) },
    'configmaps',
  );
  return { api, client, configMaps, seen, errors, informer };
}

describe('Informer', () => {
  it('delivers what it lists, then what it watches', async () => {
    const { api, configMaps, seen, errors, informer } = await setup();
    await configMaps.create('default', configMap('listed'));
    await informer.start();
    assert.deepEqual(seen.filter((s) => s.includes('listed')), ['add listed']);

    await configMaps.create('default', configMap('watched', { a: '1' }));
    const current = await configMaps.get('default', 'watched');
    await configMaps.update('default', { ...current, data: { a: '2' } });
    await configMaps.delete('default', 'listed');
    await until('the delete', () => seen.includes('delete listed'));
    assert.deepEqual(seen.slice(-3), ['add watched', 'update watched {"a":"1"} -> {"a":"2"}', 'delete listed']);
    assert.deepEqual(informer.get('default/watched')?.data, { a: '2' });
    assert.equal(informer.get('default/listed'), undefined);

    await informer.stop();
    await api.close();
    assert.deepEqual(errors, []);
  });

  it('after a 410, lists again and reports what changed while it was away', async () => {
    const { api, client, configMaps, seen, errors, informer } = await setup();
    await configMaps.create('default', configMap('kept', { v: '1' }));
    await configMaps.create('default', configMap('removed'));
    await informer.start();

    const release = client.holdWatches();
    client.endWatches();
    const kept = await configMaps.get('default', 'kept');
    await configMaps.update('default', { ...kept, data: { v: '2' } });
    await configMaps.delete('default', 'removed');
    await configMaps.create('default', configMap('added'));
    const { resourceVersion } = (await configMaps.list(undefined)).metadata;
    await api.store.compact(Number(resourceVersion));
    const before = seen.length;
    release();

    await until('the relist', () => seen.length >= before + 3);
    assert.deepEqual(seen.slice(before).sort(), ['add added', 'delete removed', 'update kept {"v":"1"} -> {"v":"2"}']);
    assert.equal(informer.get('default/removed'), undefined);
    assert.deepEqual(errors, [], 'a 410 is routine, not an error');

    await informer.stop();
    await api.close();
  });

  it('stops watching when stopped', async () => {
    const { api, client, configMaps, seen, informer } = await setup();
    await informer.start();
    await until('the watch is open', () => client.openWatches === 1);
    await informer.stop();
    assert.equal(client.openWatches, 0);
    await configMaps.create('default', configMap('late'));
    for (let turn = 0; turn < 10; turn++) await nextTurn();
    assert.equal(seen.includes('add late'), false);
    await api.close();
  });
});
