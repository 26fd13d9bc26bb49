// Objects seen through their schema's list and map types, as
// structured-merge-diff sees them: the field set of an object, the comparison
// of two objects, the merge of an applied configuration and the removal of
// fields. Built-in kinds use PodLab's OpenAPI definitions; a custom schema
// covers compound keys, sets and atomic maps; kinds without a schema are
// deduced from their values.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare } from '../../main/apiserver/fieldmanager/compare.ts';
import { FieldSet } from '../../main/apiserver/fieldmanager/fieldSet.ts';
import { toFieldsV1 } from '../../main/apiserver/fieldmanager/fieldsV1.ts';
import { merge } from '../../main/apiserver/fieldmanager/merge.ts';
import { keyElement, pathString, type FieldPath } from '../../main/apiserver/fieldmanager/pathElement.ts';
import { removeItems } from '../../main/apiserver/fieldmanager/removeItems.ts';
import { deducedType, typeOf } from '../../main/apiserver/fieldmanager/schemaType.ts';
import { toFieldSet } from '../../main/apiserver/fieldmanager/toFieldSet.ts';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';
import type { Definitions } from '../../main/apiserver/openapi/schema.ts';

const lookup = SchemaLookup.kubernetes();
const pod = typeOf(lookup.forKind({ group: '', version: 'v1', kind: 'Pod' }));
const deployment = typeOf(lookup.forKind({ group: 'apps', version: 'v1', kind: 'Deployment' }));

// A custom kind: a map list with a compound key, a set, an atomic list, an atomic map and a granular map.
const custom: Definitions = {
  Widget: {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      spec: {
        type: 'object',
        properties: {
          routes: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['host', 'port'],
            items: { type: 'object', properties: { host: { type: 'string' }, port: { type: 'integer' }, weight: { type: 'integer' } } },
          },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          command: { type: 'array', items: { type: 'string' } },
          selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
          settings: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
};
const widget = typeOf(new SchemaLookup(custom).node('Widget'));

const paths = (set: FieldSet) => [...set.paths()].map(pathString);
const f = (...names: string[]): FieldPath => names.map((field) => ({ field }));

describe('field set of an object', () => {
  it('names map-list items by their compound keys, set items by value, atomic lists and maps as one field', () => {
    const obj = {
      spec: {
        routes: [{ host: 'a', port: 80, weight: 1 }],
        tags: ['x', 'y'],
        command: ['sh', '-c'],
        selector: { app: 'w' },
        settings: { mode: 'fast' },
      },
    };
    assert.deepEqual(toFieldsV1(toFieldSet(obj, widget)), {
      'f:spec': {
        'f:command': {},
        'f:routes': { 'k:{"host":"a","port":80}': { '.': {}, 'f:host': {}, 'f:port': {}, 'f:weight': {} } },
        'f:selector': {},
        'f:settings': { 'f:mode': {} },
        'f:tags': { 'v:"x"': {}, 'v:"y"': {} },
      },
    });
  });

  it('owns a container by its name and a port by containerPort and protocol, the protocol defaulting to TCP', () => {
    const set = toFieldSet({ spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], args: ['a'] }], nodeSelector: { disk: 'ssd' } } }, pod);
    const web = [...f('spec', 'containers'), keyElement([['name', 'web']])];
    assert.ok(set.has(web));
    assert.ok(set.has([...web, { field: 'args' }]));
    assert.ok(set.has([...web, { field: 'ports' }, keyElement([['containerPort', 80], ['protocol', 'TCP']]), { field: 'containerPort' }]));
    // nodeSelector is an atomic map (x-kubernetes-map-type: atomic): owned as a whole.
    assert.ok(set.has(f('spec', 'nodeSelector')));
    assert.ok(!set.has(f('spec', 'nodeSelector', 'disk')));
  });

  it('owns empty maps and nulls as leaves', () => {
    const set = toFieldSet({ spec: { settings: {}, selector: null } }, widget);
    assert.deepEqual(paths(set), ['.spec.selector', '.spec.settings']);
  });

  it('deduces what has no schema: maps are granular (each key owning itself), lists atomic', () => {
    const set = toFieldSet({ spec: { a: { b: 1 }, list: [{ x: 1 }] } }, deducedType);
    assert.deepEqual(toFieldsV1(set), { 'f:spec': { '.': {}, 'f:a': { '.': {}, 'f:b': {} }, 'f:list': {} } });
  });
});

describe('compare', () => {
  it('reports added, modified and removed fields, and items that came or went as a whole', () => {
    const before = { spec: { routes: [{ host: 'a', port: 80, weight: 1 }, { host: 'b', port: 80 }], tags: ['x'], command: ['a'] } };
    const after = { spec: { routes: [{ host: 'a', port: 80, weight: 2 }, { host: 'c', port: 443 }], tags: ['x', 'y'], command: ['b'] } };
    const c = compare(before, after, widget);
    assert.deepEqual(paths(c.modified), ['.spec.command', '.spec.routes[host="a",port=80].weight']);
    assert.deepEqual(paths(c.added), ['.spec.routes[host="c",port=443]', '.spec.routes[host="c",port=443].host', '.spec.routes[host="c",port=443].port', '.spec.tags[="y"]']);
    assert.deepEqual(paths(c.removed), ['.spec.routes[host="b",port=80]', '.spec.routes[host="b",port=80].host', '.spec.routes[host="b",port=80].port']);
  });

  it('marks a map that appears (`.`), not one that was there empty', () => {
    assert.deepEqual(paths(compare({}, { spec: { settings: { a: '1' } } }, widget).added), ['.spec', '.spec.settings', '.spec.settings.a']);
    assert.deepEqual(paths(compare({ spec: {} }, { spec: { settings: { a: '1' } } }, widget).added), ['.spec.settings', '.spec.settings.a']);
  });
});

describe('merge of an applied configuration', () => {
  it('merges map lists by key, sets by value, replaces atomic lists and maps, and keeps what the configuration leaves out', () => {
    const live = { spec: { routes: [{ host: 'a', port: 80, weight: 1 }, { host: 'b', port: 80 }], tags: ['x'], command: ['a', 'b'], selector: { app: 'w', tier: 'web' }, settings: { mode: 'fast' } } };
    const config = { spec: { routes: [{ host: 'a', port: 80, weight: 5 }, { host: 'c', port: 81 }], tags: ['y'], command: ['c'], selector: { app: 'w' }, settings: { level: '3' } } };
    assert.deepEqual(merge(live, config, widget), {
      spec: {
        routes: [{ host: 'a', port: 80, weight: 5 }, { host: 'b', port: 80 }, { host: 'c', port: 81 }],
        tags: ['x', 'y'],
        command: ['c'],
        selector: { app: 'w' },
        settings: { mode: 'fast', level: '3' },
      },
    });
  });

  it('places new items where the configuration places them among the shared ones', () => {
    const live = { spec: { tags: ['a', 'b', 'c'] } };
    assert.deepEqual(merge(live, { spec: { tags: ['c', 'n', 'a'] } }, widget), { spec: { tags: ['b', 'c', 'n', 'a'] } });
  });

  it('merges containers by name and keeps fields another writer set', () => {
    const live = { spec: { containers: [{ name: 'web', image: 'nginx:1', imagePullPolicy: 'IfNotPresent' }, { name: 'log', image: 'busybox' }] } };
    const merged = merge(live, { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } }, pod) as { spec: { containers: unknown[] } };
    assert.deepEqual(merged.spec.containers, [{ name: 'web', image: 'nginx:2', imagePullPolicy: 'IfNotPresent' }, { name: 'log', image: 'busybox' }]);
  });

  it('refuses a configuration with two items of one key', () => {
    assert.throws(() => merge({}, { spec: { routes: [{ host: 'a', port: 1 }, { host: 'a', port: 1 }] } }, widget), /duplicate entries for key \[host="a",port=1\]/);
  });
});

describe('removal of fields', () => {
  it('removes fields, map keys and list items with what is below them, and maps left empty', () => {
    const obj = { spec: { routes: [{ host: 'a', port: 80, weight: 1 }, { host: 'b', port: 80 }], tags: ['x', 'y'], settings: { mode: 'fast' } } };
    const remove = FieldSet.of([...f('spec', 'routes'), keyElement([['host', 'b'], ['port', 80]])], [...f('spec', 'tags'), { value: 'x' }], f('spec', 'settings', 'mode'), [...f('spec', 'routes'), keyElement([['host', 'a'], ['port', 80]]), { field: 'weight' }]);
    assert.deepEqual(removeItems(obj, remove, widget), { spec: { routes: [{ host: 'a', port: 80 }], tags: ['y'] } });
  });

  it('removes a deployment label without touching the template', () => {
    const obj = { metadata: { labels: { app: 'web', team: 'a' } }, spec: { template: { metadata: { labels: { app: 'web' } } } } };
    assert.deepEqual(removeItems(obj, FieldSet.of(f('metadata', 'labels', 'team')), deployment), { metadata: { labels: { app: 'web' } }, spec: { template: { metadata: { labels: { app: 'web' } } } } });
  });
});
