// Unknown fields, found and pruned as kube-apiserver's strict decoding reports
// them (`unknown field "spec.containers[0].imagee"`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnknownFields, pruneUnknownFields } from '../../main/apiserver/openapi/fieldValidation.ts';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';

const lookup = SchemaLookup.kubernetes();
const pod = { group: '', version: 'v1', kind: 'Pod' };

const cases: { name: string; gvk?: typeof pod; obj: unknown; unknown: string[] }[] = [
  {
    name: 'a typo in a container',
    obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', imagee: 'x' }] } },
    unknown: ['spec.containers[1].imagee'],
  },
  {
    name: 'unknown fields at several depths, in document order',
    obj: { metadata: { name: 'p', nmae: 'x' }, spec: { foo: 1, containers: [{ name: 'a', ports: [{ containerPort: 80, prot: 'TCP' }] }] }, extra: true },
    unknown: ['metadata.nmae', 'spec.foo', 'spec.containers[0].ports[0].prot', 'extra'],
  },
  {
    name: 'free-form maps accept any key (labels, annotations, nodeSelector, resources)',
    obj: {
      metadata: { name: 'p', labels: { 'app.kubernetes.io/name': 'x' }, annotations: { anything: 'goes' } },
      spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'a', resources: { limits: { cpu: '1', 'example.com/gpu': 1 } } }] },
    },
    unknown: [],
  },
  { name: 'status is checked too', obj: { metadata: {}, status: { phase: 'Running', phaze: 'x' } }, unknown: ['status.phaze'] },
  {
    name: 'ConfigMap data is a free-form map',
    gvk: { group: '', version: 'v1', kind: 'ConfigMap' },
    obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'a.yaml': 'x: 1' }, binaryData: { b: 'AA==' }, dataa: {} },
    unknown: ['dataa'],
  },
  {
    name: 'RawExtension holds anything (ControllerRevision.data)',
    gvk: { group: 'apps', version: 'v1', kind: 'ControllerRevision' },
    obj: { metadata: { name: 'r' }, revision: 1, data: { spec: { whatever: { deep: [1] } } } },
    unknown: [],
  },
  {
    name: 'managedFields.fieldsV1 is free-form',
    obj: { metadata: { name: 'p', managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }] } },
    unknown: [],
  },
  { name: 'a wrong type is not an unknown field', obj: { metadata: { name: { nested: 1 } } }, unknown: [] },
  { name: 'a kind without schema is not checked', gvk: { group: 'example.com', version: 'v1', kind: 'Widget' }, obj: { spec: { a: 1 } }, unknown: [] },
  {
    name: 'deployment template',
    gvk: { group: 'apps', version: 'v1', kind: 'Deployment' },
    obj: { spec: { replicas: 1, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', livenessProbe: { httpGet: { port: 80, pth: '/' } } }] } } } },
    unknown: ['spec.template.spec.containers[0].livenessProbe.httpGet.pth'],
  },
];

for (const c of cases) {
  test(`unknown fields: ${c.name}`, () => {
    assert.deepEqual(findUnknownFields(c.obj, c.gvk ?? pod, lookup), c.unknown);
  });
}

test('apiVersion and kind are always known', () => {
  const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 's' }, spec: { replicas: 1 } };
  assert.deepEqual(findUnknownFields(scale, { group: 'autoscaling', version: 'v1', kind: 'Scale' }, lookup), []);
});

test('prune removes exactly the unknown fields and reports them', () => {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' }, nmae: 'x' }, spec: { containers: [{ name: 'a', imagee: 'x', image: 'y' }] } };
  assert.deepEqual(pruneUnknownFields(obj, pod, lookup), ['metadata.nmae', 'spec.containers[0].imagee']);
  assert.deepEqual(obj, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'y' }] } });
  assert.deepEqual(findUnknownFields(obj, pod, lookup), []);
});
