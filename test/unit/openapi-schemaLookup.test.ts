// Schema lookup: kinds by GVK, field walks through lists and maps, patch metadata.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';

const lookup = SchemaLookup.kubernetes();

test('finds kinds by group/version/kind, lists included', () => {
  assert.equal(lookup.definitionName({ group: '', version: 'v1', kind: 'Pod' }), 'io.k8s.api.core.v1.Pod');
  assert.equal(lookup.definitionName({ group: 'apps', version: 'v1', kind: 'ReplicaSetList' }), 'io.k8s.api.apps.v1.ReplicaSetList');
  assert.equal(lookup.definitionName({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }), 'io.k8s.api.coordination.v1.Lease');
  assert.equal(lookup.definitionName({ group: 'apps', version: 'v1', kind: 'DeleteOptions' }), 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  assert.equal(lookup.forKind({ group: 'apps', version: 'v2', kind: 'Deployment' }), undefined);
});

test('walks field paths through references, lists (transparently) and maps (by key)', () => {
  const pod = lookup.forKind({ group: '', version: 'v1', kind: 'Pod' })!;
  assert.equal(pod.walk(['spec'])!.name, 'io.k8s.api.core.v1.PodSpec');
  assert.equal(pod.walk(['spec', 'containers'])!.name, 'io.k8s.api.core.v1.Container');
  assert.equal(pod.walk(['spec', 'containers', 'ports'])!.name, 'io.k8s.api.core.v1.ContainerPort');
  const limits = pod.walk(['spec', 'containers', 'resources', 'limits'])!;
  assert.equal(limits.schema.type, 'object');
  assert.equal(limits.field('cpu')!.name, 'io.k8s.apimachinery.pkg.api.resource.Quantity', 'any key of a map has the value schema');
  assert.equal(pod.walk(['metadata', 'labels', 'app'])!.schema.type, 'string');
  assert.equal(pod.walk(['spec', 'nope']), undefined);
  assert.deepEqual(pod.walk(['spec'])!.required, ['containers']);
});

test('patch metadata comes from the field, before its reference is resolved', () => {
  const podSpec = lookup.node('io.k8s.api.core.v1.PodSpec')!;
  assert.deepEqual(podSpec.patchMeta('containers'), { strategies: ['merge'], mergeKey: 'name' });
  assert.deepEqual(podSpec.patchMeta('volumes'), { strategies: ['merge', 'retainKeys'], mergeKey: 'name' });
  assert.deepEqual(podSpec.patchMeta('tolerations'), { strategies: [] });
  const deploymentSpec = lookup.node('io.k8s.api.apps.v1.DeploymentSpec')!;
  assert.deepEqual(deploymentSpec.patchMeta('strategy'), { strategies: ['retainKeys'] });
  assert.deepEqual(lookup.node('io.k8s.api.core.v1.Container')!.patchMeta('ports'), { strategies: ['merge'], mergeKey: 'containerPort' });
});

test('free-form values accept anything; described objects and maps do not', () => {
  assert.equal(lookup.node('io.k8s.apimachinery.pkg.runtime.RawExtension')!.isFreeForm, true);
  assert.equal(lookup.node('io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1')!.isFreeForm, true);
  assert.equal(lookup.node('io.k8s.api.core.v1.PodSpec')!.isFreeForm, false);
  const labels = lookup.node('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!.field('labels')!;
  assert.equal(labels.isFreeForm, false);
  assert.equal(labels.hasField('any-key'), true);
});

test('resolves v3-style references wrapped in allOf', () => {
  const v3 = new SchemaLookup(
    { a: { type: 'object', properties: { b: { allOf: [{ $ref: '#/components/schemas/b' }], description: 'the b', 'x-kubernetes-patch-strategy': 'merge' } } }, b: { type: 'object', properties: { c: { type: 'string' } } } },
    '#/components/schemas/',
  );
  const a = v3.node('a')!;
  assert.equal(a.field('b')!.name, 'b');
  assert.equal(a.fieldSchema('b')!.description, 'the b');
  assert.deepEqual(a.patchMeta('b'), { strategies: ['merge'] });
});
