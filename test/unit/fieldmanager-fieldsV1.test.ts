// FieldsV1 as Kubernetes writes it: path elements (`f:`, `k:`, `v:`, `i:`)
// in structured-merge-diff's order, `.` for an element that is owned itself
// and has owned fields below it, and paths printed as conflicts print them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldSet } from '../../main/apiserver/fieldmanager/fieldSet.ts';
import { fromFieldsV1, toFieldsV1 } from '../../main/apiserver/fieldmanager/fieldsV1.ts';
import { comparePathElements, deserializePathElement, keyElement, pathString, serializePathElement, type FieldPath, type PathElement } from '../../main/apiserver/fieldmanager/pathElement.ts';

const f = (...names: string[]): FieldPath => names.map((field) => ({ field }));

describe('path elements', () => {
  it('serialize as managedFields keys: key fields sorted by name, values as JSON', () => {
    assert.equal(serializePathElement({ field: 'replicas' }), 'f:replicas');
    assert.equal(serializePathElement(keyElement([['protocol', 'TCP'], ['containerPort', 80]])), 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(serializePathElement({ value: 'example.com/finalizer' }), 'v:"example.com/finalizer"');
    assert.equal(serializePathElement({ index: 3 }), 'i:3');
    assert.deepEqual(deserializePathElement('k:{"protocol":"TCP","containerPort":80}'), keyElement([['containerPort', 80], ['protocol', 'TCP']]));
    assert.throws(() => deserializePathElement('f'), /2 characters/);
    assert.throws(() => deserializePathElement('fx'), /missing colon/);
  });

  it('order fields before keys before values before indexes, values by type then value', () => {
    const sorted: PathElement[] = [{ index: 0 }, { value: 'b' }, { value: 1 }, keyElement([['name', 'b']]), keyElement([['name', 'a']]), { field: 'z' }, { field: 'a' }].sort(comparePathElements);
    assert.deepEqual(sorted.map(serializePathElement), ['f:a', 'f:z', 'k:{"name":"a"}', 'k:{"name":"b"}', 'v:1', 'v:"b"', 'i:0']);
  });

  it('print as conflict messages print paths', () => {
    assert.equal(pathString([...f('spec', 'template', 'spec', 'containers'), keyElement([['name', 'nginx']]), { field: 'image' }]), '.spec.template.spec.containers[name="nginx"].image');
    assert.equal(pathString([...f('spec', 'containers'), keyElement([['name', 'web']]), { field: 'ports' }, keyElement([['containerPort', 80], ['protocol', 'TCP']])]), '.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]');
    assert.equal(pathString([...f('metadata', 'finalizers'), { value: 'a' }]), '.metadata.finalizers[="a"]');
  });
});

describe('FieldsV1', () => {
  it('encodes the Server-Side Apply page example', () => {
    // kubernetes.io/docs/reference/using-api/server-side-apply: kubectl applied a ConfigMap with one label and one data key.
    const set = FieldSet.of(f('metadata', 'labels', 'test-label'), f('data', 'key'));
    assert.deepEqual(toFieldsV1(set), { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:test-label': {} } } });
    assert.deepEqual(JSON.stringify(toFieldsV1(set)), '{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}');
  });

  it('marks an element owned itself and below with `.`, first', () => {
    const item = [...f('spec', 'containers'), keyElement([['name', 'nginx']])];
    const set = FieldSet.of(item, [...item, { field: 'image' }], [...item, { field: 'name' }], f('metadata', 'labels'), f('metadata', 'labels', 'app'));
    assert.equal(
      JSON.stringify(toFieldsV1(set)),
      '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
    );
  });

  it('decodes back to the same set, skipping keys of unknown kinds', () => {
    const fields = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {}, 'x:unknown': {} } };
    const set = fromFieldsV1(fields);
    assert.ok(set.has(f('metadata', 'labels')));
    assert.ok(set.has(f('metadata', 'labels', 'app')));
    assert.ok(set.has(f('spec', 'replicas')));
    assert.ok(!set.has(f('spec')));
    assert.deepEqual(toFieldsV1(set), { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
    assert.throws(() => fromFieldsV1({ 'k:not json': {} }), /path element/);
  });
});

describe('field set operations', () => {
  const a = FieldSet.of(f('spec', 'replicas'), f('spec', 'paused'), f('metadata', 'labels', 'app'));
  const b = FieldSet.of(f('spec', 'replicas'), f('status'));

  it('union, intersection and difference work level by level', () => {
    assert.deepEqual([...a.union(b).paths()].map(pathString), ['.status', '.metadata.labels.app', '.spec.paused', '.spec.replicas']);
    assert.deepEqual([...a.intersection(b).paths()].map(pathString), ['.spec.replicas']);
    assert.deepEqual([...a.difference(b).paths()].map(pathString), ['.metadata.labels.app', '.spec.paused']);
  });

  it('recursive difference takes everything below a member', () => {
    const owned = FieldSet.of(f('status', 'replicas'), f('status', 'conditions'), f('spec', 'replicas'));
    assert.deepEqual([...owned.recursiveDifference(FieldSet.of(f('status'))).paths()].map(pathString), ['.spec.replicas']);
    assert.deepEqual([...owned.difference(FieldSet.of(f('status'))).paths()].map(pathString), ['.spec.replicas', '.status.conditions', '.status.replicas']);
  });
});
