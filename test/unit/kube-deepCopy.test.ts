// deepCopy (the API server's copy of JSON objects, in place of structuredClone) and
// deepEqual (semantic equality, undefined fields left out) and deepFreeze (the
// watchers' shared objects).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepCopy, isJsonShaped, jsonCopy } from '../../main/kube/deepCopy.ts';
import { deepEqual } from '../../main/kube/deepEqual.ts';
import { deepFreeze } from '../../main/kube/deepFreeze.ts';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', controller: true }] },
  spec: { containers: [{ name: 'c', image: 'busybox', args: ['sleep', '3600'], ports: [{ containerPort: 80 }] }], nodeName: null },
});

test('deepCopy copies every object and array, and the copy of a frozen object can be changed', () => {
  const original = deepFreeze(pod());
  const copy = deepCopy(original);
  assert.deepEqual(copy, original);
  assert.notEqual(copy.metadata, original.metadata);
  assert.notEqual(copy.spec.containers, original.spec.containers);
  assert.notEqual(copy.spec.containers[0]!.ports, original.spec.containers[0]!.ports);
  copy.spec.containers[0]!.args.push('extra');
  copy.metadata.labels.app = 'changed';
  assert.deepEqual(original.spec.containers[0]!.args, ['sleep', '3600']);
  assert.equal(original.metadata.labels.app, 'web');
});

test('deepCopy keeps what structuredClone keeps: undefined fields, null prototypes, Dates and Maps as copies', () => {
  const when = new Date('2026-01-02T03:04:05Z');
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
  const copy = deepCopy({ gone: undefined, when, bare, map: new Map([['k', { v: 1 }]]), list: [undefined, null, 0, ''] });
  assert.ok('gone' in copy);
  assert.ok(copy.when instanceof Date);
  assert.notEqual(copy.when, when);
  assert.equal(copy.when.getTime(), when.getTime());
  assert.equal(copy.bare.a, 1);
  assert.ok(copy.map instanceof Map);
  assert.deepEqual(copy.map.get('k'), { v: 1 });
  assert.deepEqual(copy.list, [undefined, null, 0, '']);
});

test('deepCopy keeps an own "__proto__" key as a key (a ConfigMap may have one), not as the prototype', () => {
  const parsed = JSON.parse('{"data":{"__proto__":"kept","b":"1"},"nested":{"__proto__":{"polluted":true}}}') as { data: Record<string, string>; nested: Record<string, unknown> };
  const copy = deepCopy(parsed);
  assert.deepEqual(Object.keys(copy.data), ['__proto__', 'b']);
  assert.equal(Object.getOwnPropertyDescriptor(copy.data, '__proto__')?.value, 'kept');
  assert.equal(Object.getPrototypeOf(copy.nested), Object.prototype);
  assert.equal((copy.nested as { polluted?: boolean }).polluted, undefined);
  assert.equal(JSON.stringify(copy), JSON.stringify(parsed));
});

test('jsonCopy gives what a JSON round trip gives, key order included', () => {
  const when = new Date('2026-01-02T03:04:05Z');
  const samples: unknown[] = [
    pod(),
    { gone: undefined, fn: () => 1, sym: Symbol('s'), list: [undefined, () => 1, Symbol('t'), NaN, -0, Infinity, 1.5, 'x', null, true] },
    { z: 1, 10: 'ten', a: { 2: 'two', b: [] }, '1': 'one' },
    JSON.parse('{"data":{"__proto__":"kept","b":"1"}}'),
    { when, nested: { toJSON: () => ({ replaced: true }) }, plainToJSON: { toJSON: 'a string, not a method' } },
    Object.assign(Object.create(null) as Record<string, unknown>, { bare: [1, , 3] }),
    [[], {}, '', 0, -0],
  ];
  for (const sample of samples) {
    const copy = jsonCopy(sample);
    assert.equal(JSON.stringify(copy), JSON.stringify(sample));
    assert.deepStrictEqual(copy, JSON.parse(JSON.stringify(sample)));
  }
  const original = pod();
  const copy = jsonCopy(original);
  copy.metadata.labels.app = 'changed';
  assert.equal(original.metadata.labels.app, 'web');
});

test('deepEqual treats a field set to undefined as left out, and tells arrays from objects', () => {
  assert.ok(deepEqual({ a: 1, b: undefined }, { a: 1 }));
  assert.ok(deepEqual({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!deepEqual({ a: 1, b: null }, { a: 1 }));
  assert.ok(!deepEqual({ a: 1 }, { a: 1, c: 2 }));
  assert.ok(!deepEqual({ a: 1, c: 2 }, { a: 1, d: 2 }));
  assert.ok(!deepEqual([1, 2], { 0: 1, 1: 2 }));
  assert.ok(!deepEqual([1, 2], [1, 2, 3]));
  assert.ok(deepEqual(pod(), deepCopy(pod())));
  const changed = pod();
  changed.spec.containers[0]!.ports[0]!.containerPort = 81;
  assert.ok(!deepEqual(pod(), changed));
});

test('deepFreeze freezes everything and shares one frozen {} for every empty object', () => {
  const fieldsV1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } };
  const pod = deepFreeze({ metadata: { managedFields: [{ manager: 'kubectl', fieldsV1 }], annotations: {} }, spec: { containers: [{ name: 'c', args: [] as string[] }] } });
  const labels = pod.metadata.managedFields[0]!.fieldsV1['f:metadata']['f:labels'];
  assert.ok(Object.isFrozen(pod) && Object.isFrozen(pod.spec.containers) && Object.isFrozen(pod.spec.containers[0]!.args));
  assert.equal(labels['.'], labels['f:app']);
  assert.equal(labels['f:app'], pod.metadata.annotations);
  assert.ok(Object.isFrozen(labels['f:app']));
  assert.deepEqual(pod.metadata.managedFields[0]!.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } });
  assert.throws(() => {
    (pod.metadata.annotations as Record<string, string>).x = 'y';
  }, TypeError);
});

test('isJsonShaped: only what a JSON round trip would give back unchanged', () => {
  const pod = JSON.parse('{"metadata":{"name":"p","labels":{"a":"1"}},"spec":{"containers":[{"name":"c","args":["x",""]}],"priority":0},"status":{"conditions":[{"lastProbeTime":null,"ready":false}]}}') as unknown;
  assert.equal(isJsonShaped(pod), true);
  assert.deepEqual(jsonCopy(pod), pod);
  for (const [what, value] of [
    ['an undefined field', { metadata: { labels: { a: undefined } } }],
    ['an undefined array item', { args: ['x', undefined] }],
    ['a hole in an array', { args: new Array(2) }],
    ['a function', { f: () => 1 }],
    ['a Date', { at: new Date(0) }],
    ['toJSON', { v: { toJSON: () => 1 } }],
    ['a number JSON cannot write', { n: Number.NaN }],
    ['-0', { n: -0 }],
    ['a class instance', { m: new Map() }],
  ] as const) {
    assert.equal(isJsonShaped(value), false, what);
  }
  assert.equal(isJsonShaped(Object.assign(Object.create(null) as object, { a: [1, 'b', true, null] })), true);
});
