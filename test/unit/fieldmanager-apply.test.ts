// Server-side apply as kube-apiserver's field manager does it: the applier's
// set becomes its configuration's fields, what it stops applying goes unless
// someone else owns it, a changed field another manager owns is a 409 worded
// as Kubernetes words it (unless forced), the first apply to an unmanaged
// object records before-first-apply, and kubectl's move from client-side
// apply rides on the last-applied annotation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../main/apiserver/errors.ts';
import { FieldManager } from '../../main/apiserver/fieldmanager/fieldManager.ts';
import { lastAppliedAnnotation } from '../../main/apiserver/fieldmanager/lastApplied.ts';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';
import type { KubeObject, ManagedFieldsEntry } from '../../main/kube/meta.ts';

const lookup = SchemaLookup.kubernetes();
const now = () => new Date('2024-05-01T10:00:00Z');
const deployments = new FieldManager({ group: 'apps', version: 'v1', kind: 'Deployment', subresource: '', hasStatusSubresource: true, schema: lookup.forKind({ group: 'apps', version: 'v1', kind: 'Deployment' }), builtIn: true, now });
const configMaps = new FieldManager({ group: '', version: 'v1', kind: 'ConfigMap', subresource: '', hasStatusSubresource: false, schema: lookup.forKind({ group: '', version: 'v1', kind: 'ConfigMap' }), builtIn: true, now });
const widgets = new FieldManager({ group: 'example.com', version: 'v1', kind: 'Widget', subresource: '', hasStatusSubresource: false, schema: undefined, builtIn: false, now });

function deploy(spec: Record<string, unknown>, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels }, spec };
}

function persisted(obj: KubeObject): KubeObject {
  return { ...structuredClone(obj), metadata: { ...structuredClone(obj.metadata), uid: 'uid-1', namespace: 'default' } };
}

const entry = (obj: KubeObject, manager: string, operation = 'Apply') => obj.metadata.managedFields?.find((e: ManagedFieldsEntry) => e.manager === manager && e.operation === operation);

function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail('expected a conflict');
}

describe('apply', () => {
  it('creates with the applier owning exactly its configuration', () => {
    const created = deployments.apply(undefined, deploy({ replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } }), 'kubectl', false);
    assert.deepEqual(created.metadata.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
        },
      },
    ]);
  });

  it('removes what the applier stops applying, unless another manager owns it', () => {
    let live = persisted(configMaps.apply(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } }, 'one', false));
    live = persisted(configMaps.apply(live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { b: '2' } } }, 'two', false));
    live = persisted(configMaps.apply(live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1' } }, data: { x: '1' } }, 'one', false));
    // b is shared with "two" and stays; y was only "one"'s and goes.
    assert.deepEqual(live.metadata.labels, { a: '1', b: '2' });
    assert.deepEqual(live.data, { x: '1' });
    live = persisted(configMaps.apply(live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, 'one', false));
    assert.deepEqual(live.metadata.labels, { b: '2' });
    assert.equal(live.data, undefined);
    assert.equal(entry(live, 'one'), undefined, 'an applier owning nothing has no entry');
  });

  it('keeps list items the applier stops applying when an updater set them', () => {
    const base = deploy({ template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } });
    let live = persisted(deployments.apply(undefined, base, 'applier', false));
    const withSidecar = structuredClone(live);
    (withSidecar.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    withSidecar.metadata.managedFields = deployments.update(live, withSidecar, 'injector');
    live = persisted(withSidecar);
    live = persisted(deployments.apply(live, deploy({ template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } }), 'applier', false));
    assert.deepEqual((live.spec as { template: { spec: { containers: Array<{ name: string }> } } }).template.spec.containers.map((c) => c.name), ['web', 'sidecar']);
  });

  it('answers a changed field another manager owns with Kubernetes 409, naming the manager and field', () => {
    const created = deploy({ replicas: 3 });
    created.metadata.managedFields = deployments.update(undefined, created, 'kubectl-client-side-apply');
    const err = conflictOf(() => deployments.apply(persisted(created), deploy({ replicas: 5 }), 'other', false));
    assert.equal(err.code, 409);
    assert.equal(err.status.reason, 'Conflict');
    assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(err.status.details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] });
  });

  it('groups several conflicts by manager; an applier is named without a version', () => {
    let live = persisted(deployments.apply(undefined, deploy({ replicas: 3, paused: false }), 'kubectl', false));
    const scaled = structuredClone(live);
    (scaled.spec as Record<string, unknown>).minReadySeconds = 5;
    scaled.metadata.managedFields = deployments.update(live, scaled, 'kube-controller-manager');
    live = persisted(scaled);
    const err = conflictOf(() => deployments.apply(live, deploy({ replicas: 4, paused: true, minReadySeconds: 9 }), 'other', false));
    assert.equal(err.status.message, 'Apply failed with 3 conflicts: conflicts with "kube-controller-manager" using apps/v1:\n- .spec.minReadySeconds\nconflicts with "kubectl":\n- .spec.paused\n- .spec.replicas');
  });

  it('takes conflicting fields with force, and shares fields set to the same value', () => {
    const live = persisted(deployments.apply(undefined, deploy({ replicas: 3, paused: false }), 'kubectl', false));
    const forced = deployments.apply(live, deploy({ replicas: 5 }), 'other', true);
    assert.equal((forced.spec as { replicas: number }).replicas, 5);
    assert.deepEqual(entry(forced, 'kubectl')?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:paused': {} } });
    const shared = deployments.apply(live, deploy({ replicas: 3 }), 'other', false);
    assert.deepEqual((entry(shared, 'other')?.fieldsV1 as Record<string, unknown>)['f:spec'], { 'f:replicas': {} });
    assert.deepEqual((entry(shared, 'kubectl')?.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']['f:replicas'], {});
  });

  it('gives what an unmanaged object held to before-first-apply, which the first apply then conflicts with', () => {
    const unmanaged = persisted(deploy({ replicas: 1 }, { app: 'web', team: 'a' }));
    const applied = deployments.apply(unmanaged, deploy({ replicas: 1 }), 'kubectl', false);
    assert.deepEqual(entry(applied, 'before-first-apply', 'Update')?.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:team': {} } }, 'f:spec': { 'f:replicas': {} } });
    assert.equal(applied.metadata.labels?.team, 'a');
    const err = conflictOf(() => deployments.apply(unmanaged, deploy({ replicas: 2 }), 'kubectl', false));
    assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  });

  it('lets kubectl take fields from client-side apply where the last-applied annotation still holds, and keeps the annotation in step', () => {
    const csa = deploy({ replicas: 3 });
    csa.metadata.annotations = { [lastAppliedAnnotation]: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web"},"spec":{"replicas":3}}\n' };
    csa.metadata.managedFields = deployments.update(undefined, csa, 'kubectl-client-side-apply');
    const migrated = deployments.apply(persisted(csa), deploy({ replicas: 4 }), 'kubectl', false);
    assert.equal((migrated.spec as { replicas: number }).replicas, 4);
    assert.equal(migrated.metadata.annotations?.[lastAppliedAnnotation], '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web"},"spec":{"replicas":4}}\n');
    assert.deepEqual((entry(migrated, 'kubectl')?.fieldsV1 as Record<string, unknown>)['f:spec'], { 'f:replicas': {} });
    // Another manager gets no such pass, nor does kubectl once the live value moved away from the annotation.
    assert.equal(conflictOf(() => deployments.apply(persisted(csa), deploy({ replicas: 4 }), 'other', false)).code, 409);
    const drifted = persisted(csa);
    (drifted.spec as { replicas: number }).replicas = 7;
    assert.equal(conflictOf(() => deployments.apply(drifted, deploy({ replicas: 4 }), 'kubectl', false)).code, 409);
  });

  it('refuses a configuration of another kind or version, and one carrying managedFields', () => {
    assert.throws(() => deployments.apply(undefined, { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: {} }, 'k', false), (e: StatusError) => e.code === 400 && e.message === 'invalid object type: apps/v1beta1, Kind=Deployment');
    assert.throws(() => deployments.apply(undefined, { ...deploy({}), metadata: { name: 'web', managedFields: [] } }, 'k', false), (e: StatusError) => e.code === 400 && e.message === 'metadata.managedFields must be nil');
  });

  it('deduces fields of kinds without a schema', () => {
    let live = persisted(widgets.apply(undefined, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1, nested: { a: 1, b: 2 }, list: [1, 2] } }, 'one', false));
    assert.deepEqual(entry(live, 'one')?.fieldsV1, { 'f:spec': { '.': {}, 'f:list': {}, 'f:nested': { '.': {}, 'f:a': {}, 'f:b': {} }, 'f:size': {} } });
    live = persisted(widgets.apply(live, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { nested: { a: 1 }, list: [3] } }, 'one', false));
    assert.deepEqual(live.spec, { nested: { a: 1 }, list: [3] });
  });
});
