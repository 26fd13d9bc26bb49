// Admission's reads of shared objects answer at once once the store holds them
// in memory, and by a promise before: the same objects either way, and what a
// write changed is what the next read sees.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getSharedNowOrLater, listSharedNowOrLater } from '../../main/apiserver/registry/sharedReads.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

describe('shared reads for admission', () => {
  let api: InProcessApi;
  before(async () => {
    api = await startInProcessApi();
  });
  after(async () => {
    await api.close();
  });

  const limitRange = (name: string) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name, namespace: 'default' }, spec: { limits: [{ type: 'Container', default: { cpu: '100m' } }] } }) as KubeObject;

  it('lists by a promise until the store has the list in memory, then at once, with what writes changed', async () => {
    const registry = api.api.catalog.registry('', 'v1', 'limitranges');
    const first = listSharedNowOrLater(registry, 'default');
    assert.ok(first instanceof Promise, 'nothing listed yet: the store is read');
    assert.deepEqual(await first, []);
    const now = listSharedNowOrLater(registry, 'default');
    assert.ok(!(now instanceof Promise), 'listed once: answered from memory');
    assert.deepEqual(now, []);
    await api.client.resource({ group: '', version: 'v1', plural: 'limitranges' }).create('default', limitRange('defaults'));
    const after = listSharedNowOrLater(registry, 'default');
    assert.ok(!(after instanceof Promise));
    assert.deepEqual(
      (after as readonly KubeObject[]).map((r) => r.metadata.name),
      ['defaults'],
    );
    // The same shared, frozen objects listShared hands out.
    assert.equal((after as readonly KubeObject[])[0], (await registry!.listShared('default'))[0]);
    assert.ok(Object.isFrozen((after as readonly KubeObject[])[0]));
  });

  it('gets at once from memory: the object, or undefined for one that does not exist', async () => {
    const registry = api.api.catalog.registry('', 'v1', 'namespaces');
    await registry!.listShared('');
    const found = getSharedNowOrLater(registry, '', 'default');
    assert.ok(found && !(found instanceof Promise));
    assert.equal(found.metadata.name, 'default');
    assert.equal(getSharedNowOrLater(registry, '', 'nowhere'), undefined);
  });

  it('a resource that is not served has nothing', () => {
    assert.deepEqual(listSharedNowOrLater(undefined, 'default'), []);
    assert.equal(getSharedNowOrLater(undefined, '', 'x'), undefined);
  });
});
