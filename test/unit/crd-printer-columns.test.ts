// Custom resources printed as kube-apiserver's tableconvertor prints them:
// the docs' CronTab columns, cells typed by the column, the default Age
// table, and the selectable fields of a version.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printerColumnsTable, selectableFieldGetters } from '../../main/apiserver/crd/printerColumns.ts';
import type { CustomResourceDefinitionVersion } from '../../main/apiserver/crd/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { cronTabCrd } from '../helpers/cronTabCrd.ts';

const now = new Date('2026-01-01T00:00:07Z');
const myNewCronObject = {
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name: 'my-new-cron-object', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { cronSpec: '* * * * */5', image: 'my-awesome-cron-image', replicas: 1 },
} as KubeObject;

const version = (columns: CustomResourceDefinitionVersion['additionalPrinterColumns'], extra: Partial<CustomResourceDefinitionVersion> = {}): CustomResourceDefinitionVersion => ({
  name: 'v1',
  served: true,
  storage: true,
  additionalPrinterColumns: columns,
  ...extra,
});

describe('printer columns', () => {
  it("prints the docs' CronTab: NAME SPEC REPLICAS AGE", () => {
    const table = printerColumnsTable(cronTabCrd().spec.versions[0]);
    assert.deepEqual(
      table.columns.map((c) => [c.name, c.type, c.format, c.priority]),
      [['Name', 'string', 'name', 0], ['Spec', 'string', '', 0], ['Replicas', 'integer', '', 0], ['Age', 'date', '', 0]],
    );
    assert.equal(table.columns[1].description, 'The cron spec defining the interval a CronJob is run');
    assert.equal(table.columns[3].description, 'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp');
    assert.deepEqual(table.row(myNewCronObject, now), ['my-new-cron-object', '* * * * */5', 1, '7s']);
  });

  it('types each cell by its column: integers truncate floats, other kinds leave the cell empty', () => {
    const table = printerColumnsTable(
      version([
        { name: 'Int', type: 'integer', jsonPath: '.spec.ratio' },
        { name: 'Num', type: 'number', jsonPath: '.spec.replicas' },
        { name: 'Bool', type: 'boolean', jsonPath: '.spec.paused', priority: 1 },
        { name: 'NotBool', type: 'boolean', jsonPath: '.spec.replicas' },
        { name: 'Map', type: 'string', jsonPath: '.spec.selector' },
        { name: 'Num as string', type: 'string', jsonPath: '.spec.big' },
        { name: 'Null', type: 'string', jsonPath: '.spec.nothing' },
        { name: 'Missing', type: 'string', jsonPath: '.spec.absent' },
        { name: 'Bad date', type: 'date', jsonPath: '.spec.image' },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: 'Out of range', type: 'string', jsonPath: '.status.conditions[3].status' },
      ]),
    );
    const obj = {
      metadata: { name: 'x' },
      spec: { ratio: 2.7, replicas: 3, paused: true, selector: { b: '2', a: '1' }, big: 1234567.5, nothing: null, image: 'yesterday' },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    } as unknown as KubeObject;
    assert.equal(table.columns[3].priority, 1);
    assert.deepEqual(table.row(obj, now), ['x', 2, 3, true, null, '{"a":"1","b":"2"}', '1.2345675e+06', '<no value>', null, '<invalid>', 'True', null]);
  });

  it('prints Name and Age for a version without columns', () => {
    const table = printerColumnsTable(version(undefined));
    assert.deepEqual(table.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Age', 'date']]);
    assert.match(table.columns[1].description, /^CreationTimestamp is a timestamp/);
    assert.deepEqual(table.row(myNewCronObject, now), ['my-new-cron-object', '7s']);
  });

  it('keeps the columns before one whose path does not parse', () => {
    const table = printerColumnsTable(version([{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }, { name: 'Broken', type: 'string', jsonPath: '.spec[' }, { name: 'Image', type: 'string', jsonPath: '.spec.image' }]));
    assert.deepEqual(table.columns.map((c) => c.name), ['Name', 'Spec']);
  });
});

describe('selectable fields', () => {
  it('gives fmt.Sprint of the value, and "" when nothing is there', () => {
    const getters = selectableFieldGetters(version(undefined, { selectableFields: [{ jsonPath: '.spec.cronSpec' }, { jsonPath: '.spec.replicas' }, { jsonPath: '.spec.color' }] }));
    assert.deepEqual(Object.keys(getters), ['spec.cronSpec', 'spec.replicas', 'spec.color']);
    assert.deepEqual([getters['spec.cronSpec'](myNewCronObject), getters['spec.replicas'](myNewCronObject), getters['spec.color'](myNewCronObject)], ['* * * * */5', '1', '']);
  });
});
