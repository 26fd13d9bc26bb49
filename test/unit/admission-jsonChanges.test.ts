// changedPaths: where a mutating admission plugin changed an object, as the
// pod's journey names it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedPaths } from '../../main/apiserver/admission/jsonChanges.ts';

test('names changed, added and removed leaves, list items by index, and nothing for an equal object', () => {
  const before = { metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'busybox' }, { name: 'd' }], dnsPolicy: 'ClusterFirst' } };
  const after = {
    metadata: { name: 'p', labels: { a: '2', b: '1' } },
    spec: { containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent' }, { name: 'd' }], restartPolicy: 'Always' },
  };
  assert.deepEqual(changedPaths(before, after), {
    paths: ['metadata.labels.a', 'metadata.labels.b', 'spec.containers[0].imagePullPolicy', 'spec.dnsPolicy', 'spec.restartPolicy'],
    more: 0,
  });
  assert.deepEqual(changedPaths(before, structuredClone(before)), { paths: [], more: 0 });
});

test('a key set to undefined is a key left out; a list that changed length is named whole; past the limit only counted', () => {
  assert.deepEqual(changedPaths({ a: 1, b: undefined }, { a: 1 }), { paths: [], more: 0 });
  assert.deepEqual(changedPaths({ list: [1, 2] }, { list: [1, 2, 3] }), { paths: ['list'], more: 0 });
  assert.deepEqual(changedPaths({ x: 1 }, 'text'), { paths: ['(the whole object)'], more: 0 });
  const many = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i]));
  const result = changedPaths({}, many);
  assert.equal(result.paths.length, 12);
  assert.equal(result.more, 3);
});
