// The OpenAPI models kube-apiserver publishes for a CRD version: names,
// TypeMeta and ObjectMeta, the extensions, and the v2 conversions.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customResourceModels, modelName } from '../../main/apiserver/crd/openapiModels.ts';
import type { CustomResourceDefinition } from '../../main/apiserver/crd/types.ts';
import type { Schema } from '../../main/apiserver/openapi/schema.ts';
import { defaultCustomResourceDefinition } from '../../main/apiserver/resources/customresourcedefinitions.ts';
import { cronTabCrd } from '../helpers/cronTabCrd.ts';

function crdWith(schema: Record<string, unknown>): CustomResourceDefinition {
  const crd = cronTabCrd();
  defaultCustomResourceDefinition(crd);
  crd.spec.versions[0].schema = { openAPIV3Schema: schema };
  return crd;
}

const kindModel = (crd: CustomResourceDefinition, openapi?: 'v2' | 'v3') => customResourceModels(crd, crd.spec.versions[0], { openapi })['com.example.stable.v1.CronTab'];

/** The schema without descriptions, to compare shapes. */
function shape(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(shape);
  if (s && typeof s === 'object') return Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'description').map(([k, v]) => [k, shape(v)]));
  return s;
}

describe('CRD OpenAPI models', () => {
  it('names the kind and its list by the reversed group', () => {
    assert.equal(modelName('stable.example.com', 'v1', 'CronTab'), 'com.example.stable.v1.CronTab');
    const crd = cronTabCrd();
    defaultCustomResourceDefinition(crd);
    const models = customResourceModels(crd, crd.spec.versions[0]);
    assert.deepEqual(Object.keys(models), ['com.example.stable.v1.CronTab', 'com.example.stable.v1.CronTabList']);
    const list = models['com.example.stable.v1.CronTabList'];
    assert.deepEqual(shape(list), {
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { type: 'string' },
        items: { type: 'array', items: { $ref: '#/definitions/com.example.stable.v1.CronTab' } },
        kind: { type: 'string' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' },
      },
      'x-kubernetes-group-version-kind': [{ group: 'stable.example.com', kind: 'CronTabList', version: 'v1' }],
      'x-kubernetes-selectable-fields': [],
    });
    assert.equal(list.description, 'CronTabList is a list of CronTab');
    assert.equal(list.properties?.items.description, 'List of crontabs. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md');
  });

  it("publishes the version's schema with apiVersion, kind and metadata added", () => {
    const crd = cronTabCrd();
    defaultCustomResourceDefinition(crd);
    crd.spec.versions[0].selectableFields = [{ jsonPath: '.spec.cronSpec' }];
    const model = kindModel(crd);
    assert.deepEqual(Object.keys(model.properties ?? {}), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.deepEqual(model.properties?.metadata, { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" });
    assert.match(model.properties?.kind.description ?? '', /^Kind is a string value representing the REST resource/);
    assert.deepEqual(model.properties?.spec.properties?.replicas, { type: 'integer' });
    assert.deepEqual(model['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
    assert.deepEqual(model['x-kubernetes-selectable-fields'], [{ fieldPath: 'spec.cronSpec' }]);
  });

  it('makes the v2 model safe for v2 readers and keeps the v3 one whole', () => {
    const crd = crdWith({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['a', 'b'],
          properties: {
            a: { type: 'string', nullable: true, default: 'x', oneOf: [{ pattern: '^a' }, { pattern: '^b' }] },
            b: { type: 'object', properties: { c: { type: 'string' } } },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { d: { type: 'string' } } },
            port: { 'x-kubernetes-int-or-string': true },
            tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set', example: ['x'] },
          },
        },
      },
    });
    const v2 = kindModel(crd).properties?.spec;
    assert.deepEqual(shape(v2), {
      type: 'object',
      required: ['b'],
      properties: {
        a: {},
        b: { type: 'object', properties: { c: { type: 'string' } } },
        free: { 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
    });
    const v3 = kindModel(crd, 'v3').properties?.spec as Schema & Record<string, unknown>;
    assert.deepEqual(v3.required, ['a', 'b']);
    assert.deepEqual(shape(v3.properties?.a), { type: 'string', nullable: true, default: 'x', oneOf: [{ pattern: '^a' }, { pattern: '^b' }] });
    assert.deepEqual(shape(v3.properties?.port), { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] });
    assert.deepEqual(shape(v3.properties?.free), { type: 'object', properties: { d: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('fills in embedded resources', () => {
    const crd = crdWith({ type: 'object', properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } } } });
    const template = kindModel(crd).properties?.template;
    assert.deepEqual(Object.keys(template?.properties ?? {}), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.deepEqual(template?.required, ['kind', 'apiVersion']);
    assert.match(template?.properties?.kind.description ?? '', /^kind is a string value representing the type of this object/);
  });

  it('publishes only the bare object for a schema it cannot use', () => {
    const bare = { type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }], 'x-kubernetes-selectable-fields': [] };
    assert.deepEqual(kindModel(crdWith({ type: 'object', properties: { spec: { type: 'bug' } } })), bare);
    assert.deepEqual(kindModel(crdWith({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true })), bare);
    const crd = crdWith({ type: 'object', properties: { spec: { type: 'array' } } });
    assert.deepEqual(customResourceModels(crd, crd.spec.versions[0], { isStructural: () => false })['com.example.stable.v1.CronTab'], bare);
    // v3 keeps a schema that preserves unknown fields.
    assert.deepEqual(Object.keys(kindModel(crdWith({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), 'v3').properties ?? {}), ['apiVersion', 'kind', 'metadata']);
  });
});
