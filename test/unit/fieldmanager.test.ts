// Field ownership: the field sets of objects through their schema, FieldsV1,
// Update and Apply entries, conflicts, force, and removal of what an applier
// stops applying.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyConfiguration, managedFieldsAfterUpdate } from '../../main/apiserver/fieldmanager/fieldManager.ts';
import { fieldSet, formatPath, fromFieldsV1, toFieldsV1 } from '../../main/apiserver/fieldmanager/fieldSet.ts';
import { StatusError } from '../../main/apiserver/errors.ts';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';
import type { KubeObject } from '../../main/kube/meta.ts';

const lookup = SchemaLookup.kubernetes();
const deploymentSchema = lookup.forKind({ group: 'apps', version: 'v1', kind: 'Deployment' });
const cmSchema = lookup.forKind({ group: '', version: 'v1', kind: 'ConfigMap' });
const write = (manager: string, subresource = '') => ({ manager, apiVersion: 'apps/v1', subresource, now: new Date('2026-01-01T00:00:00Z'), statusSubresource: true });
const resource = { group: 'apps', resource: 'deployments' };

function deployment(replicas: number, image = 'nginx:1', extraContainer = false): KubeObject {
  const containers: unknown[] = [{ name: 'web', image, ports: [{ containerPort: 80, protocol: 'TCP' }] }];
  if (extraContainer) containers.push({ name: 'sidecar', image: 'busybox' });
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default', labels: { app: 'd' } }, spec: { replicas, template: { spec: { containers } } }, status: { replicas: 1 } };
}

describe('field sets', () => {
  it('encode as Kubernetes writes FieldsV1: maps own themselves, list items by their keys, server metadata and status left out of the main resource', () => {
    const fields = toFieldsV1(fieldSet(deployment(2), deploymentSchema, 'main'));
    assert.deepEqual(fields, {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } } } } } },
      },
    });
    assert.deepEqual(fromFieldsV1(fields), fieldSet(deployment(2), deploymentSchema, 'main'));
  });
  it('prints paths as conflicts name them', () => {
    assert.equal(formatPath(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']), '.spec.template.spec.containers[name="web"].image');
  });
});

describe('Update', () => {
  it('gives the creator every field it set, and an updater what it changed, taken from the others', () => {
    const created = deployment(2);
    created.metadata.managedFields = managedFieldsAfterUpdate(created, undefined, undefined, deploymentSchema, write('kubectl-create'));
    assert.equal(created.metadata.managedFields?.length, 1);
    const scaled = structuredClone(created);
    (scaled.spec as { replicas: number }).replicas = 5;
    const entries = managedFieldsAfterUpdate(scaled, created, created.metadata.managedFields, deploymentSchema, write('kubectl-scale', 'scale'))!;
    const scale = entries.find((e) => e.manager === 'kubectl-scale');
    assert.deepEqual(scale?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    assert.equal(scale?.subresource, 'scale');
    const creator = entries.find((e) => e.manager === 'kubectl-create');
    assert.equal((creator?.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], undefined);
  });
  it('keeps the entry as it was when an update changes nothing, and resets on managedFields: []', () => {
    const obj = deployment(2);
    obj.metadata.managedFields = managedFieldsAfterUpdate(obj, undefined, undefined, deploymentSchema, write('a'));
    const later = { ...write('a'), now: new Date('2027-01-01T00:00:00Z') };
    assert.deepEqual(managedFieldsAfterUpdate(structuredClone(obj), obj, undefined, deploymentSchema, later), obj.metadata.managedFields);
    assert.equal(managedFieldsAfterUpdate(structuredClone(obj), obj, [], deploymentSchema, write('b')), undefined);
  });
});

describe('Apply', () => {
  it('creates with an Apply entry, conflicts with another manager on a changed field, and force takes it', () => {
    const first = applyConfiguration(undefined, deployment(2), deploymentSchema, write('kubectl'), { force: false, resource });
    const live = { ...first.object, metadata: { ...first.object.metadata, managedFields: first.managedFields } };
    assert.equal(live.metadata.managedFields?.[0].operation, 'Apply');
    assert.throws(
      () => applyConfiguration(live, deployment(5), deploymentSchema, write('other'), { force: false, resource }),
      (err: unknown) => err instanceof StatusError && err.code === 409 && err.status.message === 'Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas' && err.status.details?.causes?.[0]?.field === '.spec.replicas',
    );
    // The same value is shared ownership, not a conflict.
    assert.doesNotThrow(() => applyConfiguration(live, deployment(2), deploymentSchema, write('other'), { force: false, resource }));
    const forced = applyConfiguration(live, deployment(5), deploymentSchema, write('other'), { force: true, resource });
    assert.equal((forced.object.spec as { replicas: number }).replicas, 5);
    const kubectl = forced.managedFields?.find((e) => e.manager === 'kubectl');
    assert.equal((kubectl?.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], undefined);
  });
  it('merges list items by key, and removes what the applier no longer applies unless someone else owns it', () => {
    const first = applyConfiguration(undefined, deployment(2, 'nginx:1', true), deploymentSchema, write('kubectl'), { force: false, resource });
    const live = { ...first.object, metadata: { ...first.object.metadata, managedFields: first.managedFields } };
    const second = applyConfiguration(live, deployment(2, 'nginx:2'), deploymentSchema, write('kubectl'), { force: false, resource });
    const containers = (second.object.spec as { template: { spec: { containers: Array<{ name: string; image: string }> } } }).template.spec.containers;
    assert.deepEqual(containers.map((c) => [c.name, c.image]), [['web', 'nginx:2']]);
  });
  it('takes over from client-side apply where the last-applied annotation still holds', () => {
    const cm = (b: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b } });
    const live = cm('2');
    live.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(cm('2')) };
    live.metadata.managedFields = managedFieldsAfterUpdate(live, undefined, undefined, cmSchema, { ...write('kubectl-client-side-apply'), apiVersion: 'v1', statusSubresource: false });
    const cmWrite = { ...write('kubectl'), apiVersion: 'v1', statusSubresource: false };
    const applied = applyConfiguration(live, cm('3'), cmSchema, cmWrite, { force: false, resource: { group: '', resource: 'configmaps' } });
    assert.equal((applied.object.data as { b: string }).b, '3');
    assert.throws(() => applyConfiguration(live, cm('3'), cmSchema, { ...cmWrite, manager: 'someone' }, { force: false, resource: { group: '', resource: 'configmaps' } }), StatusError);
  });
});
