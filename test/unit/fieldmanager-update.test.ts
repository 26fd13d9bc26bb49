// managedFields on creates, updates and patches, as kube-apiserver's field
// manager keeps them: the writer's Update entry (per manager, apiVersion and
// subresource), fields taken from others when the writer changes them, the
// Go struct shape of built-in objects deciding `.`, server metadata and reset
// fields left out, sent managedFields honoured, reset or ignored, and at most
// ten Update entries.

import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { decodeManagedFields, managerIdentifier, StoredVersionedSet } from '../../main/apiserver/fieldmanager/managed.ts';
import { Updater } from '../../main/apiserver/fieldmanager/updater.ts';
import { typeOf } from '../../main/apiserver/fieldmanager/schemaType.ts';
import { toFieldsV1 } from '../../main/apiserver/fieldmanager/fieldsV1.ts';
import { deepFreeze } from '../../main/kube/deepFreeze.ts';
import { FieldManager, type FieldManagerScope } from '../../main/apiserver/fieldmanager/fieldManager.ts';
import { validateManagedFields } from '../../main/apiserver/fieldmanager/managedFieldsValidation.ts';
import { keepTimestampsWhenUnchanged } from '../../main/apiserver/fieldmanager/timestamps.ts';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';
import type { KubeObject, ManagedFieldsEntry } from '../../main/kube/meta.ts';

const lookup = SchemaLookup.kubernetes();
let clock = Date.parse('2024-05-01T10:00:00Z');
const tick = () => new Date((clock += 1000));

function manager(kind: string, group: string, subresource = '', extra: Partial<FieldManagerScope> = {}): FieldManager {
  return new FieldManager({ group, version: 'v1', kind, subresource, hasStatusSubresource: kind !== 'ConfigMap', schema: lookup.forKind({ group, version: 'v1', kind }), builtIn: true, now: tick, ...extra });
}

const deployments = manager('Deployment', 'apps');
const deploymentStatus = manager('Deployment', 'apps', 'status');
const configMaps = manager('ConfigMap', '');

function nginx(replicas = 3): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx-deployment', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'nginx' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
    },
  };
}

function stored(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined): KubeObject {
  const copy = structuredClone(obj);
  copy.metadata.uid = 'uid-1';
  copy.metadata.managedFields = entries;
  return copy;
}

const byManager = (entries: ManagedFieldsEntry[] | undefined, name: string) => entries?.find((e) => e.manager === name);

describe('Update entries', () => {
  it('give the creator what it set, shaped as Kubernetes writes it for a Deployment', () => {
    const entries = deployments.update(undefined, nginx(), 'kubectl-create')!;
    assert.equal(entries.length, 1);
    const [entry] = entries;
    assert.equal(entry.manager, 'kubectl-create');
    assert.equal(entry.operation, 'Update');
    assert.equal(entry.apiVersion, 'apps/v1');
    assert.match(entry.time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(entry.fieldsType, 'FieldsV1');
    // spec, strategy and the template are Go structs that are always there: no `.` for them; rollingUpdate (a pointer) and the lists are new: `.`.
    assert.deepEqual(entry.fieldsV1, {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
                'f:resources': {},
              },
            },
          },
        },
      },
    });
  });

  it('move a changed field to its writer, with a new time, and leave the rest with the creator', () => {
    const created = stored(nginx(3), deployments.update(undefined, nginx(3), 'kubectl-client-side-apply'));
    const entries = deployments.update(created, nginx(5), 'kubectl-edit')!;
    assert.deepEqual(byManager(entries, 'kubectl-edit')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    assert.equal((byManager(entries, 'kubectl-client-side-apply')?.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']['f:replicas'], undefined);
    assert.ok(Date.parse(byManager(entries, 'kubectl-edit')!.time!) > Date.parse(byManager(entries, 'kubectl-client-side-apply')!.time!));
  });

  it('take removed fields away from everyone', () => {
    const created = stored(nginx(), deployments.update(undefined, nginx(), 'creator'));
    const unlabelled = nginx();
    delete unlabelled.metadata.labels;
    const entries = deployments.update(created, unlabelled, 'editor')!;
    assert.equal(byManager(entries, 'editor'), undefined, 'removing gives the remover nothing');
    assert.equal((byManager(entries, 'creator')?.fieldsV1 as Record<string, unknown>)['f:metadata'], undefined);
  });

  it('leave the entries as they were when nothing changed', () => {
    const created = stored(nginx(), deployments.update(undefined, nginx(), 'creator'));
    assert.deepEqual(deployments.update(created, structuredClone(created), 'creator'), created.metadata.managedFields);
    assert.deepEqual(deployments.update(created, nginx(), 'someone-else'), created.metadata.managedFields);
  });

  it('record status writes with subresource status and only status fields', () => {
    const created = stored(nginx(), deployments.update(undefined, nginx(), 'kubectl-create'));
    const withStatus = { ...structuredClone(created), status: { replicas: 3, conditions: [{ type: 'Available', status: 'True' }] } };
    const entries = deploymentStatus.update(created, withStatus, 'kube-controller-manager')!;
    const status = byManager(entries, 'kube-controller-manager')!;
    assert.equal(status.subresource, 'status');
    assert.deepEqual(status.fieldsV1, { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:replicas': {} } });
    // The main resource does not own status.
    assert.equal((deployments.update(undefined, withStatus, 'x')![0].fieldsV1 as Record<string, unknown>)['f:status'], undefined);
  });

  it('name an unnamed writer "unknown", and leave server metadata to nobody', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd', uid: 'u', generateName: 'c-', creationTimestamp: '2024-01-01T00:00:00Z' }, data: { a: '1' } };
    const [entry] = configMaps.update(undefined, cm, '')!;
    assert.equal(entry.manager, 'unknown');
    assert.deepEqual(entry.fieldsV1, { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:generateName': {} } });
  });
});

describe('managedFields a client sends', () => {
  const cm = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd' }, data });
  const created = stored(cm({ a: '1' }), configMaps.update(undefined, cm({ a: '1' }), 'creator'));

  it('are taken when they decode: a client may hand fields to another manager', () => {
    const sent = cm({ a: '1' });
    sent.metadata.managedFields = [{ manager: 'new-owner', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }];
    const entries = configMaps.update(created, sent, 'creator')!;
    assert.deepEqual(entries.map((e) => e.manager), ['new-owner']);
  });

  it('are ignored when they do not decode, keeping the stored ones', () => {
    const sent = cm({ a: '1' });
    sent.metadata.managedFields = [{ manager: 'x', operation: 'Bogus', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    assert.deepEqual(configMaps.update(created, sent, 'creator'), created.metadata.managedFields);
  });

  it('reset ownership when empty, and the object then stays unmanaged until it is applied to', () => {
    const sent = cm({ a: '2' });
    sent.metadata.managedFields = [];
    assert.equal(configMaps.update(created, sent, 'editor'), undefined);
    const unmanaged = stored(cm({ a: '2' }), undefined);
    assert.equal(configMaps.update(unmanaged, cm({ a: '3' }), 'editor'), undefined);
    const single = cm({ a: '2' });
    single.metadata.managedFields = [{}];
    assert.equal(configMaps.update(created, single, 'editor'), undefined);
  });

  it('are checked as metadata validation checks them', () => {
    assert.deepEqual(validateManagedFields([{ manager: 'm'.repeat(129), operation: 'Update', fieldsType: 'FieldsV2' }]), [
      { type: 'FieldValueInvalid', field: 'metadata.managedFields[0].fieldsType', value: 'FieldsV2', detail: 'must be `FieldsV1`' },
      { type: 'FieldValueTooLong', field: 'metadata.managedFields[0].manager', detail: 'may not be more than 128 bytes' },
    ]);
  });
});

describe('entry limits and no-op writes', () => {
  it('merges the oldest Update entries into ancient-changes past ten', () => {
    let obj = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} }, undefined);
    obj.metadata.uid = undefined;
    for (let i = 0; i < 12; i++) {
      const next = structuredClone(obj);
      (next.data as Record<string, string>)[`k${i}`] = String(i);
      const entries = configMaps.update(i === 0 ? undefined : obj, next, `writer-${i}`);
      obj = stored(next, entries);
    }
    const managers = obj.metadata.managedFields!.map((e) => e.manager);
    assert.equal(managers.length, 10);
    assert.ok(managers.includes('ancient-changes'));
    // The oldest of the version becomes the bucket, the next ones join it until ten entries are left.
    assert.ok(!managers.includes('writer-0') && !managers.includes('writer-1') && !managers.includes('writer-2'));
    const ancient = byManager(obj.metadata.managedFields, 'ancient-changes')!;
    assert.deepEqual(ancient.fieldsV1, { 'f:data': { '.': {}, 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } });
  });

  it('keeps the stored entries when only their times would change', () => {
    const live = stored(nginx(), deployments.update(undefined, nginx(), 'creator'));
    const updated = structuredClone(live);
    updated.metadata.managedFields = live.metadata.managedFields!.map((e) => ({ ...e, time: '2030-01-01T00:00:00Z' }));
    keepTimestampsWhenUnchanged(updated, live);
    assert.deepEqual(updated.metadata.managedFields, live.metadata.managedFields);
  });
});

test('stored entries that cannot change (frozen, as watchers share them) decode once, to a set nothing can change', () => {
  const entry = { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {} } } } } } as const;
  const frozen = deepFreeze(structuredClone(entry));
  const first = decodeManagedFields([frozen], true).fields.get(managerIdentifier(frozen))!.set;
  const again = decodeManagedFields([frozen], true).fields.get(managerIdentifier(frozen))!.set;
  assert.equal(again, first);
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first.children));
  assert.throws(() => first.insert([{ field: 'status' }]), TypeError);
  const plain = structuredClone(entry);
  const fresh = decodeManagedFields([plain], true).fields.get(managerIdentifier(plain))!.set;
  assert.notEqual(fresh, decodeManagedFields([plain], true).fields.get(managerIdentifier(plain))!.set);
  assert.deepEqual(toFieldsV1(fresh), toFieldsV1(first));
});

describe('stored entries a write does not reach', () => {
  const pods = manager('Pod', '', '', { hasStatusSubresource: true });
  const podStatus = manager('Pod', '', 'status', { hasStatusSubresource: true });
  const pod = (): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { app: 'a' } }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
  const storedEntries = (obj: KubeObject) => deepFreeze(obj.metadata.managedFields!);

  it('are not decoded by a status write, and are written back as the very encoding stored', () => {
    const created = stored(pod(), pods.update(undefined, pod(), 'kube-controller-manager'));
    const entries = storedEntries(created);
    const managed = decodeManagedFields(entries, true);
    const controller = managed.fields.get(managerIdentifier(entries[0]!));
    assert.ok(controller instanceof StoredVersionedSet && !controller.decoded);
    const written = podStatus.update(created, { ...created, status: { phase: 'Running', podIP: '10.0.0.9' } }, 'kubelet')!;
    assert.equal(byManager(written, 'kube-controller-manager')!.fieldsV1, entries[0]!.fieldsV1, 'the stored object itself');
    assert.deepEqual(byManager(written, 'kubelet')!.fieldsV1, { 'f:status': { 'f:phase': {}, 'f:podIP': {} } });
    // The same through the updater the field manager runs: the controller's entry is passed by, undecoded.
    const podUpdater = new Updater(typeOf(lookup.forKind({ group: '', version: 'v1', kind: 'Pod' })));
    podUpdater.updateManagers(created, { ...created, status: { phase: 'Running' } }, 'v1', managed, 'kubelet');
    assert.equal(managed.fields.get(managerIdentifier(entries[0]!)), controller);
    assert.equal(controller.decoded, false);
  });

  it('are decoded when the write changes or removes one of their fields, which their manager then loses', () => {
    const created = stored(pod(), pods.update(undefined, pod(), 'kube-controller-manager'));
    const entries = storedEntries(created);
    const relabelled = structuredClone(created);
    relabelled.metadata.labels = { app: 'b' };
    const written = pods.update({ ...created, metadata: { ...created.metadata, managedFields: entries } }, relabelled, 'editor')!;
    // It keeps the labels map itself, as in Kubernetes; the changed label is the editor's.
    assert.deepEqual((byManager(written, 'kube-controller-manager')!.fieldsV1 as Record<string, unknown>)['f:metadata'], { 'f:labels': {} });
    assert.deepEqual(byManager(written, 'editor')!.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } } });
    const unlabelled = structuredClone(created);
    delete unlabelled.metadata.labels;
    const after = pods.update({ ...created, metadata: { ...created.metadata, managedFields: entries } }, unlabelled, 'editor')!;
    assert.equal((byManager(after, 'kube-controller-manager')!.fieldsV1 as Record<string, unknown>)['f:metadata'], undefined);
  });

  it('tell whether they own nothing from their encoding: only keys of a known path element kind own something', () => {
    const entry = (fieldsV1: object): ManagedFieldsEntry => ({ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1 });
    const owning = decodeManagedFields([entry({ 'f:spec': {} })], true).fields.get(managerIdentifier(entry({})))!;
    assert.ok(owning instanceof StoredVersionedSet && !owning.empty() && !owning.decoded);
    const unknownOnly = decodeManagedFields([entry({ 'x:future': {} })], true).fields.get(managerIdentifier(entry({})))!;
    assert.ok(unknownOnly instanceof StoredVersionedSet && unknownOnly.empty());
    assert.ok((decodeManagedFields([entry({})], true).fields.get(managerIdentifier(entry({}))) as StoredVersionedSet).empty());
  });
});
