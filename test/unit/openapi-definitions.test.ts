// resources/openapi/definitions.json: Kubernetes 1.32's published OpenAPI
// definitions, vendored as they are (scripts/openapi-definitions.js), with the
// list metadata patches and field ownership rely on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Definitions } from '../../main/apiserver/openapi/schema.ts';

const committed = JSON.parse(readFileSync(new URL('../../resources/openapi/definitions.json', import.meta.url), 'utf8')) as Definitions;

test('PodSpec: Kubernetes name, description, required containers merged by name, list metadata', () => {
  const podSpec = committed['io.k8s.api.core.v1.PodSpec'];
  assert.equal(podSpec.description, 'PodSpec is a description of a pod.');
  assert.deepEqual(podSpec.required, ['containers']);
  const containers = podSpec.properties!.containers;
  assert.match(containers.description!, /List of containers belonging to the pod/);
  assert.deepEqual(containers.items, { $ref: '#/definitions/io.k8s.api.core.v1.Container' });
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
  assert.equal(podSpec.properties!.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.deepEqual(podSpec.properties!.overhead.additionalProperties, { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' });
});

test('atomic structs are marked so (a label selector is owned as a whole)', () => {
  assert.equal(committed['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type'], 'atomic');
});

test('apimachinery types keep their Kubernetes names and scalar shapes', () => {
  assert.equal(committed['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties!.creationTimestamp.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time');
  assert.deepEqual(
    { type: committed['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].type, format: committed['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].format },
    { type: 'string', format: 'date-time' },
  );
  assert.equal(committed['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
  assert.equal(committed['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
  assert.equal(committed['io.k8s.api.apps.v1.RollingUpdateDeployment'].properties!.maxSurge.$ref, '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
});

test('kinds carry x-kubernetes-group-version-kind, and every reference resolves', () => {
  assert.deepEqual(committed['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.deepEqual(committed['io.k8s.api.apps.v1.DeploymentList']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
  assert.equal(committed['io.k8s.api.core.v1.PodSpec']['x-kubernetes-group-version-kind'], undefined);
  const refs = JSON.stringify(committed).match(/"\$ref":"#\/definitions\/[^"]+"/g) ?? [];
  for (const ref of new Set(refs)) {
    const name = ref.slice('"$ref":"#/definitions/'.length, -1);
    assert.ok(committed[name], `${name} is defined`);
  }
});
