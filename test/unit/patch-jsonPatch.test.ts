// JSON Patch (RFC 6902): the operations, their failure modes, and the
// 400-versus-422 split kube-apiserver makes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from '../../main/apiserver/patch/jsonPatch.ts';
import { PatchError } from '../../main/apiserver/patch/patchError.ts';

const doc = () => ({ metadata: { name: 'a', labels: { 'app/x': '1', 'a~b': '2' } }, spec: { replicas: 1, list: [1, 2, 3] } });

const cases: { name: string; patch: unknown; want: unknown }[] = [
  { name: 'add a field', patch: [{ op: 'add', path: '/spec/paused', value: true }], want: { ...doc(), spec: { replicas: 1, list: [1, 2, 3], paused: true } } },
  { name: 'add into a list by index', patch: [{ op: 'add', path: '/spec/list/1', value: 9 }], want: { ...doc(), spec: { replicas: 1, list: [1, 9, 2, 3] } } },
  { name: 'append with -', patch: [{ op: 'add', path: '/spec/list/-', value: 4 }], want: { ...doc(), spec: { replicas: 1, list: [1, 2, 3, 4] } } },
  { name: 'escaped keys (~1 is /, ~0 is ~)', patch: [{ op: 'remove', path: '/metadata/labels/app~1x' }, { op: 'replace', path: '/metadata/labels/a~0b', value: '3' }], want: { ...doc(), metadata: { name: 'a', labels: { 'a~b': '3' } } } },
  { name: 'replace', patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }], want: { ...doc(), spec: { replicas: 3, list: [1, 2, 3] } } },
  { name: 'remove a list element', patch: [{ op: 'remove', path: '/spec/list/0' }], want: { ...doc(), spec: { replicas: 1, list: [2, 3] } } },
  { name: 'move', patch: [{ op: 'move', from: '/spec/replicas', path: '/spec/count' }], want: { ...doc(), spec: { list: [1, 2, 3], count: 1 } } },
  { name: 'copy', patch: [{ op: 'copy', from: '/metadata/name', path: '/spec/name' }], want: { ...doc(), spec: { replicas: 1, list: [1, 2, 3], name: 'a' } } },
  { name: 'test then replace', patch: [{ op: 'test', path: '/spec/list', value: [1, 2, 3] }, { op: 'replace', path: '/spec/list', value: [] }], want: { ...doc(), spec: { replicas: 1, list: [] } } },
  { name: 'test of null value', patch: [{ op: 'add', path: '/x', value: null }, { op: 'test', path: '/x', value: null }], want: { ...doc(), x: null } },
];

for (const c of cases) {
  test(`json patch: ${c.name}`, () => {
    const original = doc();
    assert.deepEqual(applyJsonPatch(original, c.patch), c.want);
    assert.deepEqual(original, doc(), 'the original is not modified');
  });
}

const failures: { name: string; patch: unknown; code: number; message?: RegExp }[] = [
  { name: 'remove a missing key', patch: [{ op: 'remove', path: '/spec/nope' }], code: 422, message: /remove operation does not apply: doc is missing path: "\/spec\/nope"/ },
  { name: 'replace a missing key', patch: [{ op: 'replace', path: '/spec/nope', value: 1 }], code: 422 },
  { name: 'add under a missing parent', patch: [{ op: 'add', path: '/nope/deeper', value: 1 }], code: 422 },
  { name: 'index out of range', patch: [{ op: 'add', path: '/spec/list/7', value: 1 }], code: 422 },
  { name: 'leading-zero index', patch: [{ op: 'remove', path: '/spec/list/01' }], code: 422 },
  { name: 'failed test', patch: [{ op: 'test', path: '/spec/replicas', value: 2 }], code: 422, message: /testing value \/spec\/replicas failed/ },
  { name: 'move into its own child', patch: [{ op: 'move', from: '/spec', path: '/spec/inner' }], code: 422 },
  { name: 'not a list', patch: { op: 'add' }, code: 400 },
  { name: 'unknown op', patch: [{ op: 'frob', path: '/x' }], code: 400 },
  { name: 'missing value', patch: [{ op: 'add', path: '/x' }], code: 400 },
];

for (const f of failures) {
  test(`json patch fails: ${f.name}`, () => {
    assert.throws(
      () => applyJsonPatch(doc(), f.patch),
      (err: unknown) => err instanceof PatchError && err.code === f.code && (!f.message || f.message.test(err.message)),
    );
  });
}

test('json patch is atomic: a failing operation leaves nothing half-applied', () => {
  const original = doc();
  assert.throws(() => applyJsonPatch(original, [{ op: 'replace', path: '/spec/replicas', value: 9 }, { op: 'remove', path: '/nope' }]));
  assert.equal(original.spec.replicas, 1);
});
