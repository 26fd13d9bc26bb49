// PrefixMap: the values whose prefix a key starts with, found in insertion
// order, and a walk that is not disturbed by the changes it makes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrefixMap } from '../../main/store/prefixMap.ts';

test('finds the entries a key falls under, first in insertion order', () => {
  const map = new PrefixMap<string>();
  map.set('/registry/core/pods/', 'pods');
  map.set('/registry/core/pods/default/', 'pods in default');
  map.set('/registry/core/services/', 'services');
  assert.deepEqual(map.covering('/registry/core/pods/default/web'), ['/registry/core/pods/', 'pods']);
  assert.equal(map.covering('/registry/core/configmaps/default/x'), undefined);
  const seen: string[] = [];
  map.forEachCovering('/registry/core/pods/default/web', (value, prefix) => seen.push(`${prefix}=${value}`));
  assert.deepEqual(seen, ['/registry/core/pods/=pods', '/registry/core/pods/default/=pods in default']);
  map.delete('/registry/core/pods/');
  assert.deepEqual(map.covering('/registry/core/pods/default/web'), ['/registry/core/pods/default/', 'pods in default']);
  assert.equal(map.size, 2);
  map.clear();
  assert.deepEqual([map.size, map.all().length], [0, 0]);
});

test('a walk sees the entries as they were when it began, whatever it changes', () => {
  const map = new PrefixMap<number>();
  map.set('/a/', 1);
  map.set('/a/b/', 2);
  map.set('/a/b/c/', 3);
  const seen: number[] = [];
  map.forEachCovering('/a/b/c/d', (value, prefix) => {
    seen.push(value);
    map.delete(prefix);
    map.set(`/a/${value}/`, value * 10);
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(map.all().map(([prefix]) => prefix), ['/a/1/', '/a/2/', '/a/3/']);
});

test('what a directory falls under is remembered only until the prefixes change', () => {
  const map = new PrefixMap<string>();
  map.set('/registry/core/pods/', 'pods');
  assert.deepEqual(map.covering('/registry/core/pods/default/a'), ['/registry/core/pods/', 'pods']);
  map.set('/registry/core/pods/default/', 'default');
  const seen: string[] = [];
  map.forEachCovering('/registry/core/pods/default/b', (value) => seen.push(value));
  assert.deepEqual(seen, ['pods', 'default']);
  map.delete('/registry/core/pods/');
  assert.deepEqual(map.covering('/registry/core/pods/default/a'), ['/registry/core/pods/default/', 'default']);
  assert.equal(map.covering('/registry/core/pods/other/a'), undefined);
});

test('a prefix that is not a directory is matched against each key as it is', () => {
  const map = new PrefixMap<string>();
  map.set('/registry/core/pods/', 'pods');
  map.set('/registry/core/pods/default/web', 'web and web-1');
  assert.deepEqual(map.covering('/registry/core/pods/default/web-1'), ['/registry/core/pods/', 'pods']);
  const seen: string[] = [];
  map.forEachCovering('/registry/core/pods/default/web-1', (value) => seen.push(value));
  assert.deepEqual(seen, ['pods', 'web and web-1']);
  seen.length = 0;
  map.forEachCovering('/registry/core/pods/default/db', (value) => seen.push(value));
  assert.deepEqual(seen, ['pods']);
});
