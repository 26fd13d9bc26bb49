// The views' live lists: a list then a watch per selection, objects sent
// without managedFields (no view shows them; YAML is read with a get).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BridgeEvents } from '../../preload/api.ts';
import { WatchManager } from '../../main/ui/watchManager.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
let api: InProcessApi;

before(async () => {
  api = await startInProcessApi();
  await api.client.resource(configMaps).create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'listed' }, data: { a: '1' } } as never);
});
after(() => api.close());

test('objects reach the views without managedFields, listed and watched', async () => {
  const listed = await api.client.resource(configMaps).get('default', 'listed');
  assert.ok(listed.metadata.managedFields?.length, 'the server keeps them');
  const payloads: Array<BridgeEvents['watch']> = [];
  const manager = new WatchManager((p) => payloads.push(p));
  const id = manager.start(api.client, { resource: configMaps, namespace: 'default' });
  const sync = await eventually('the list', async () => payloads.find((p) => p.sync)?.sync);
  assert.deepEqual(sync.map((o) => [o.kind, o.metadata.name, o.metadata.managedFields]), [['ConfigMap', 'listed', undefined]]);
  await api.client.resource(configMaps).create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' } } as never);
  const change = await eventually('the change', async () => payloads.flatMap((p) => p.changes ?? []).find((c) => c.object.metadata.name === 'watched'));
  assert.equal(change.type, 'ADDED');
  assert.equal(change.object.metadata.managedFields, undefined);
  assert.ok(change.object.metadata.resourceVersion);
  assert.equal(payloads.some((p) => p.watchId !== id), false);
  manager.stop(id);
});
