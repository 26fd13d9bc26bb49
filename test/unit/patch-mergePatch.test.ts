// JSON Merge Patch (RFC 7386), with the examples of the RFC's appendix A.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from '../../main/apiserver/patch/mergePatch.ts';

const rfcExamples: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

rfcExamples.forEach(([target, patch, want], i) => {
  test(`merge patch: RFC 7386 example ${i + 1}`, () => {
    assert.deepEqual(applyMergePatch(target as never, patch as never), want);
  });
});

test('merge patch: kubectl label/annotate shape (add one label, remove another)', () => {
  const pod = { metadata: { name: 'p', labels: { app: 'web', old: 'x' }, annotations: { a: '1' } } };
  const result = applyMergePatch(pod, { metadata: { labels: { env: 'prod', old: null } } });
  assert.deepEqual(result, { metadata: { name: 'p', labels: { app: 'web', env: 'prod' }, annotations: { a: '1' } } });
  assert.deepEqual(pod.metadata.labels, { app: 'web', old: 'x' }, 'the target is not modified');
});
