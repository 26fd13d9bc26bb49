// Custom resources' printer columns, selectable fields and JSONPath, as
// kube-apiserver's tableconvertor and client-go's jsonpath evaluate them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateJsonPath, JsonPathError, parseJsonPath } from '../../main/apiserver/crd/jsonPath.ts';
import { customResourceModels, modelName } from '../../main/apiserver/crd/openapiModels.ts';
import { printerColumnsTable, selectableFieldGetters } from '../../main/apiserver/crd/printerColumns.ts';
import type { CustomResourceDefinition } from '../../main/apiserver/crd/types.ts';

const obj = {
  metadata: { name: 'x', creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: { cronSpec: '* * * * */5', replicas: 3, ratio: 0.5, paused: false, items: [{ name: 'a' }, { name: 'b' }] },
  status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False', count: 4 }] },
};

describe('JSONPath', () => {
  const find = (path: string) => evaluateJsonPath(parseJsonPath(path), obj);
  it('follows fields, indexes, wildcards, quoted keys and recursion', () => {
    assert.deepEqual(find('.spec.cronSpec'), ['* * * * */5']);
    assert.deepEqual(find('{.spec.items[1].name}'), ['b']);
    assert.deepEqual(find('.spec.items[-1].name'), ['b']);
    assert.deepEqual(find('.spec.items[*].name'), ['a', 'b']);
    assert.deepEqual(find(".metadata.labels['app.kubernetes.io/name']"), ['web']);
    assert.deepEqual(find('..name'), ['x', 'a', 'b']);
    assert.deepEqual(find('.spec.missing'), []);
  });
  it('filters lists', () => {
    assert.deepEqual(find('.status.conditions[?(@.type=="Ready")].status'), ['True']);
    assert.deepEqual(find(".status.conditions[?(@.type!='Ready')].type"), ['Synced']);
    assert.deepEqual(find('.status.conditions[?(@.count>3)].type'), ['Synced']);
    assert.deepEqual(find('.status.conditions[?(@.count)].type'), ['Synced']);
  });
  it('refuses what it cannot parse', () => {
    assert.throws(() => parseJsonPath('.spec[?(oops)]'), JsonPathError);
    assert.throws(() => parseJsonPath('.spec.items[0'), JsonPathError);
  });
});

describe('printer columns', () => {
  const now = new Date('2026-01-01T00:05:00Z');
  it('prints Name then each column, typed, with null for what is absent or of another type', () => {
    const table = printerColumnsTable({
      name: 'v1',
      served: true,
      storage: true,
      additionalPrinterColumns: [
        { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Ratio', type: 'integer', jsonPath: '.spec.ratio' },
        { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused', priority: 1 },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    });
    assert.deepEqual(
      table.columns.map((c) => [c.name, c.type, c.priority]),
      [['Name', 'string', 0], ['Spec', 'string', 0], ['Replicas', 'integer', 0], ['Ratio', 'integer', 0], ['Paused', 'boolean', 1], ['Ready', 'string', 0], ['Missing', 'string', 0], ['Age', 'date', 0]],
    );
    assert.deepEqual(table.row(obj, now), ['x', '* * * * */5', 3, null, false, 'True', null, '5m']);
  });
  it('prints Name and Age without columns', () => {
    const table = printerColumnsTable({ name: 'v1', served: true, storage: true });
    assert.deepEqual(table.columns.map((c) => c.name), ['Name', 'Age']);
    assert.deepEqual(table.row(obj, now), ['x', '5m']);
  });
  it('selects on the declared selectable fields', () => {
    const getters = selectableFieldGetters({ name: 'v1', served: true, storage: true, selectableFields: [{ jsonPath: '.spec.cronSpec' }, { jsonPath: '.spec.replicas' }] });
    assert.equal(getters['spec.cronSpec'](obj as never), '* * * * */5');
    assert.equal(getters['spec.replicas'](obj as never), '3');
  });
});

describe('OpenAPI models of a CRD version', () => {
  it('names them by the reversed group and gives them apiVersion, kind, metadata and their GVK', () => {
    assert.equal(modelName('stable.example.com', 'v1', 'CronTab'), 'com.example.stable.v1.CronTab');
    const crd = {
      metadata: { name: 'crontabs.stable.example.com' },
      spec: { group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', kind: 'CronTab' }, versions: [] },
    } as unknown as CustomResourceDefinition;
    const models = customResourceModels(crd, { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } });
    const kind = models['com.example.stable.v1.CronTab'];
    assert.deepEqual(Object.keys(kind.properties ?? {}).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.deepEqual(kind['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
    assert.equal(models['com.example.stable.v1.CronTabList'].properties?.items.items?.$ref, '#/definitions/com.example.stable.v1.CronTab');
  });
});
