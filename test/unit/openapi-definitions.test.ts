// resources/openapi/definitions.json: generated from the client-node models
// plus the hand-kept extension tables; named, shaped and annotated as
// Kubernetes publishes its types.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildDefinitions } from '../../main/apiserver/openapi/generate/buildDefinitions.ts';
import { readModels } from '../../main/apiserver/openapi/generate/clientNodeModels.ts';
import { fieldExtensions } from '../../main/apiserver/openapi/generate/kubernetesExtensions.ts';
import type { Definitions } from '../../main/apiserver/openapi/schema.ts';

const committed = JSON.parse(readFileSync(new URL('../../resources/openapi/definitions.json', import.meta.url), 'utf8')) as Definitions;

test('the committed definitions.json is what scripts/gen-openapi.ts generates', () => {
  assert.deepEqual(buildDefinitions(readModels()), committed);
});

test('PodSpec: Kubernetes name, description, required containers merged by name', () => {
  const podSpec = committed['io.k8s.api.core.v1.PodSpec'];
  assert.equal(podSpec.description, 'PodSpec is a description of a pod.');
  assert.deepEqual(podSpec.required, ['containers']);
  const containers = podSpec.properties!.containers;
  assert.match(containers.description!, /List of containers belonging to the pod/);
  assert.deepEqual(containers.items, { $ref: '#/definitions/io.k8s.api.core.v1.Container' });
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(podSpec.properties!.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.deepEqual(podSpec.properties!.overhead.additionalProperties, { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' });
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
  assert.equal(committed['io.k8s.api.core.v1.EmptyDirVolumeSource'].properties!.sizeLimit.$ref, '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.equal(committed['io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry'].properties!.fieldsV1.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1');
  assert.equal(committed['io.k8s.api.events.v1.Event'].properties!.eventTime.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime');
});

test('kinds carry x-kubernetes-group-version-kind; only the served groups are present', () => {
  assert.deepEqual(committed['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.deepEqual(committed['io.k8s.api.apps.v1.DeploymentList']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
  assert.deepEqual(committed['io.k8s.api.autoscaling.v1.Scale']['x-kubernetes-group-version-kind'], [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }]);
  assert.deepEqual(committed['io.k8s.api.events.v1.Event']['x-kubernetes-group-version-kind'], [{ group: 'events.k8s.io', kind: 'Event', version: 'v1' }]);
  assert.equal(committed['io.k8s.api.core.v1.PodSpec']['x-kubernetes-group-version-kind'], undefined);
  const prefixes = new Set(Object.keys(committed).map((n) => n.split('.').slice(0, -1).join('.')));
  assert.deepEqual([...prefixes].sort(), [
    'io.k8s.api.apps.v1', 'io.k8s.api.authentication.v1', 'io.k8s.api.authorization.v1', 'io.k8s.api.autoscaling.v1', 'io.k8s.api.coordination.v1', 'io.k8s.api.core.v1',
    'io.k8s.api.discovery.v1', 'io.k8s.api.events.v1', 'io.k8s.api.policy.v1', 'io.k8s.api.rbac.v1',
    'io.k8s.apimachinery.pkg.api.resource', 'io.k8s.apimachinery.pkg.apis.meta.v1', 'io.k8s.apimachinery.pkg.runtime', 'io.k8s.apimachinery.pkg.util.intstr',
  ]);
});

test('every reference resolves and every hand-kept extension is in place', () => {
  const refs = JSON.stringify(committed).match(/"\$ref":"#\/definitions\/[^"]+"/g) ?? [];
  for (const ref of new Set(refs)) {
    const name = ref.slice('"$ref":"#/definitions/'.length, -1);
    assert.ok(committed[name], `${name} is defined`);
  }
  for (const [type, fields] of Object.entries(fieldExtensions)) {
    for (const [field, extensions] of Object.entries(fields)) {
      for (const [key, value] of Object.entries(extensions)) assert.deepEqual((committed[type].properties![field] as Record<string, unknown>)[key], value, `${type}.${field} ${key}`);
    }
  }
});
