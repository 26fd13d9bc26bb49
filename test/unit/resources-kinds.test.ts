// The smaller kinds: namespaces, nodes, configmaps, secrets, service accounts, endpoints,
// endpoint slices, leases, events, RBAC; and the catalogue as `kubectl api-resources` shows it.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../main/kube/meta.ts';
import { allResources, nameValidatorFor } from '../../main/apiserver/resources/index.ts';
import { namespaces } from '../../main/apiserver/resources/namespaces.ts';
import { nodes } from '../../main/apiserver/resources/nodes.ts';
import { configmaps } from '../../main/apiserver/resources/configmaps.ts';
import { secrets } from '../../main/apiserver/resources/secrets.ts';
import { endpoints } from '../../main/apiserver/resources/endpoints.ts';
import { endpointslices } from '../../main/apiserver/resources/endpointslices.ts';
import { leases } from '../../main/apiserver/resources/leases.ts';
import { events } from '../../main/apiserver/resources/events.ts';
import { eventsV1 } from '../../main/apiserver/resources/events.k8s.io.ts';
import { roles } from '../../main/apiserver/resources/roles.ts';
import { rolebindings } from '../../main/apiserver/resources/rolebindings.ts';
import { clusterrolebindings } from '../../main/apiserver/resources/clusterrolebindings.ts';
import { eventsV1FromCoreEvent } from '../../main/apiserver/resources/shared/eventVersions.ts';

const now = new Date('2025-01-01T01:00:00Z');
const created = '2025-01-01T00:00:00Z';

function obj(kind: string, fields: Record<string, unknown>, namespace?: string): KubeObject {
  return { kind, metadata: { name: 'x', namespace, creationTimestamp: created }, ...structuredClone(fields) };
}

describe('catalogue', () => {
  const byName = new Map(allResources.map((d) => [`${d.plural}.${d.group}`, d]));
  const expected: Array<[string, string[], string[], boolean]> = [
    ['namespaces.', ['ns'], [], false],
    ['pods.', ['po'], ['all'], true],
    ['nodes.', ['no'], [], false],
    ['events.', ['ev'], [], true],
    ['events.events.k8s.io', ['ev'], [], true],
    ['configmaps.', ['cm'], [], true],
    ['secrets.', [], [], true],
    ['serviceaccounts.', ['sa'], [], true],
    ['services.', ['svc'], ['all'], true],
    ['endpoints.', ['ep'], [], true],
    ['endpointslices.discovery.k8s.io', [], [], true],
    ['daemonsets.apps', ['ds'], ['all'], true],
    ['controllerrevisions.apps', [], [], true],
    ['jobs.batch', [], ['all'], true],
    ['horizontalpodautoscalers.autoscaling', ['hpa'], ['all'], true],
    // Served as autoscaling/v2 and v1.
    ['horizontalpodautoscalers.autoscaling', ['hpa'], ['all'], true],
    ['poddisruptionbudgets.policy', ['pdb'], [], true],
    ['priorityclasses.scheduling.k8s.io', ['pc'], [], false],
    ['cronjobs.batch', ['cj'], ['all'], true],
    ['nodes.metrics.k8s.io', [], [], false],
    ['pods.metrics.k8s.io', [], [], true],
    ['resourcequotas.', ['quota'], [], true],
    ['replicationcontrollers.', ['rc'], ['all'], true],
    ['podtemplates.', [], [], true],
    ['limitranges.', ['limits'], [], true],
    ['ingressclasses.networking.k8s.io', [], [], false],
    ['ingresses.networking.k8s.io', ['ing'], [], true],
    ['networkpolicies.networking.k8s.io', ['netpol'], [], true],
    ['persistentvolumes.', ['pv'], [], false],
    ['persistentvolumeclaims.', ['pvc'], [], true],
    ['storageclasses.storage.k8s.io', ['sc'], [], false],
    ['csidrivers.storage.k8s.io', [], [], false],
    ['csinodes.storage.k8s.io', [], [], false],
    ['volumeattachments.storage.k8s.io', [], [], false],
    ['csistoragecapacities.storage.k8s.io', [], [], true],
    ['leases.coordination.k8s.io', [], [], true],
    ['deployments.apps', ['deploy'], ['all'], true],
    ['replicasets.apps', ['rs'], ['all'], true],
    ['statefulsets.apps', ['sts'], ['all'], true],
    ['roles.rbac.authorization.k8s.io', [], [], true],
    ['rolebindings.rbac.authorization.k8s.io', [], [], true],
    ['clusterroles.rbac.authorization.k8s.io', [], [], false],
    ['clusterrolebindings.rbac.authorization.k8s.io', [], [], false],
    ['selfsubjectaccessreviews.authorization.k8s.io', [], [], false],
    ['subjectaccessreviews.authorization.k8s.io', [], [], false],
    ['localsubjectaccessreviews.authorization.k8s.io', [], [], true],
    ['selfsubjectrulesreviews.authorization.k8s.io', [], [], false],
    ['selfsubjectreviews.authentication.k8s.io', [], [], false],
    ['tokenreviews.authentication.k8s.io', [], [], false],
    ['certificatesigningrequests.certificates.k8s.io', ['csr'], [], false],
    ['runtimeclasses.node.k8s.io', [], [], false],
    ['componentstatuses.', ['cs'], [], false],
    ['bindings.', [], [], true],
    ['customresourcedefinitions.apiextensions.k8s.io', ['crd', 'crds'], ['api-extensions'], false],
    ['apiservices.apiregistration.k8s.io', [], ['api-extensions'], false],
    ['mutatingwebhookconfigurations.admissionregistration.k8s.io', [], ['api-extensions'], false],
    ['validatingwebhookconfigurations.admissionregistration.k8s.io', [], ['api-extensions'], false],
    ['validatingadmissionpolicies.admissionregistration.k8s.io', [], ['api-extensions'], false],
    ['validatingadmissionpolicybindings.admissionregistration.k8s.io', [], ['api-extensions'], false],
  ];
  for (const [name, shortNames, categories, namespaced] of expected) {
    it(`${name} is listed as kubectl api-resources shows it`, () => {
      const def = byName.get(name);
      assert.ok(def, name);
      assert.deepEqual(def.shortNames ?? [], shortNames);
      assert.deepEqual(def.categories ?? [], categories);
      assert.equal(def.namespaced, namespaced);
    });
  }
  it('serves nothing else', () => assert.equal(allResources.length, expected.length));
  it('gives every listable kind a table with as many cells as columns', () => {
    for (const def of allResources.filter((d) => !d.verbs || d.verbs.includes('list'))) {
      const table = def.strategy.table;
      assert.ok(table, def.plural);
      const sample: KubeObject = { metadata: { name: 'x', creationTimestamp: created } };
      def.strategy.applyDefaults?.(sample);
      assert.equal(table.row(sample, now).length, table.columns.length, `${def.plural}.${def.group}`);
    }
  });
  it('names each kind by its rule', () => {
    assert.deepEqual(nameValidatorFor({ group: '', plural: 'services' })('1abc', false).length, 1);
    assert.deepEqual(nameValidatorFor({ group: '', plural: 'namespaces' })('a.b', false), ['must not contain dots']);
    assert.deepEqual(nameValidatorFor({ group: '', plural: 'pods' })('a.b', false), []);
    assert.deepEqual(nameValidatorFor({ group: 'rbac.authorization.k8s.io', plural: 'clusterroles' })('system:admin', false), []);
  });
});

describe('namespaces', () => {
  it('label themselves, start Active and carry the kubernetes finalizer', () => {
    const ns = obj('Namespace', {});
    namespaces.strategy.applyDefaults!(ns);
    namespaces.strategy.prepareForCreate!(ns);
    assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'x' });
    assert.deepEqual(ns.status, { phase: 'Active' });
    assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
    assert.deepEqual(namespaces.strategy.table!.row(ns, now), ['x', 'Active', '60m']);
    assert.equal(namespaces.strategy.selectableFields!['status.phase'](ns), 'Active');
  });
});

describe('nodes', () => {
  const node = obj('Node', {
    spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'x' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'docker://26.1.5' },
    },
  });
  node.metadata.labels = { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'worker' };
  it('prints STATUS ROLES AGE VERSION and the wide columns', () =>
    assert.deepEqual(nodes.strategy.table!.row(node, now), [
      'x',
      'Ready,SchedulingDisabled',
      'control-plane,worker',
      '60m',
      'v1.32.0',
      '172.18.0.2',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0',
      'docker://26.1.5',
    ]));
  it('selects on spec.unschedulable', () => assert.equal(nodes.strategy.selectableFields!['spec.unschedulable'](node), 'true'));
  it('validates taints under metadata.taints, as Kubernetes does', () => {
    const bad = obj('Node', { spec: { taints: [{ key: 'k', effect: 'Sometimes' }] } });
    assert.deepEqual(nodes.strategy.validate!(bad).map((e) => e.field), ['metadata.taints[0].effect']);
  });
});

describe('configmaps and secrets', () => {
  it('count data keys', () => {
    const cm = obj('ConfigMap', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, 'default');
    assert.deepEqual(configmaps.strategy.table!.row(cm, now), ['x', 3, '60m']);
  });
  it('reject invalid keys', () => {
    const cm = obj('ConfigMap', { data: { 'a b': '1' } }, 'default');
    assert.equal(configmaps.strategy.validate!(cm)[0].field, 'data[a b]');
  });
  it('keep immutable data immutable', () => {
    const old = obj('ConfigMap', { immutable: true, data: { a: '1' } }, 'default');
    const next = obj('ConfigMap', { immutable: true, data: { a: '2' } }, 'default');
    assert.deepEqual(configmaps.strategy.validateUpdate!(next, old), [{ type: 'FieldValueForbidden', field: 'data', detail: 'field is immutable when `immutable` is set' }]);
  });
  it('default secrets to Opaque and fold stringData into data', () => {
    const secret = obj('Secret', { stringData: { password: 's3cr3t' } }, 'default');
    secrets.strategy.applyDefaults!(secret);
    secrets.strategy.prepareForCreate!(secret);
    assert.equal(secret.type, 'Opaque');
    assert.deepEqual(secret.data, { password: Buffer.from('s3cr3t').toString('base64') });
    assert.equal(secret.stringData, undefined);
    assert.deepEqual(secrets.strategy.validate!(secret), []);
    assert.deepEqual(secrets.strategy.table!.row(secret, now), ['x', 'Opaque', 1, '60m']);
    assert.equal(secrets.strategy.selectableFields!.type(secret), 'Opaque');
  });
  it('require the keys of typed secrets', () => {
    const tls = obj('Secret', { type: 'kubernetes.io/tls', data: {} }, 'default');
    assert.deepEqual(secrets.strategy.validate!(tls).map((e) => e.field), ['data[tls.crt]', 'data[tls.key]']);
  });
  it('keep the secret type immutable', () => {
    const old = obj('Secret', { type: 'Opaque' }, 'default');
    const next = obj('Secret', { type: 'kubernetes.io/basic-auth', data: { username: 'YQ==' } }, 'default');
    assert.deepEqual(secrets.strategy.validateUpdate!(next, old).map((e) => `${e.field}: ${e.detail}`), ['type: field is immutable']);
  });
});

describe('endpoints and endpoint slices', () => {
  it('print at most three endpoints', () => {
    const ep = obj('Endpoints', { subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443, name: 'https' }] }] }, 'default');
    assert.equal(endpoints.strategy.table!.row(ep, now)[1], '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
    assert.equal(endpoints.strategy.table!.row(obj('Endpoints', {}, 'default'), now)[1], '<none>');
  });
  it('validate addresses', () => {
    const ep = obj('Endpoints', { subsets: [{ addresses: [{ ip: 'nope' }], ports: [{ port: 80, protocol: 'TCP' }] }] }, 'default');
    assert.deepEqual(endpoints.strategy.validate!(ep).map((e) => e.field), ['subsets[0].addresses[0].ip']);
  });
  it('print slices', () => {
    const slice = obj('EndpointSlice', { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] }, 'default');
    assert.deepEqual(endpointslices.strategy.table!.row(slice, now), ['x', 'IPv4', '80', '10.0.0.1', '60m']);
    assert.deepEqual(endpointslices.strategy.validate!(slice), []);
  });
});

describe('leases', () => {
  it('print the holder and reject a zero duration', () => {
    const lease = obj('Lease', { spec: { holderIdentity: 'node-1', leaseDurationSeconds: 0 } }, 'kube-node-lease');
    assert.deepEqual(leases.strategy.table!.row(lease, now), ['x', 'node-1', '60m']);
    assert.deepEqual(leases.strategy.validate!(lease).map((e) => `${e.field}: ${e.detail}`), ['spec.leaseDurationSeconds: must be greater than 0']);
  });
});

describe('events', () => {
  const event = obj(
    'Event',
    {
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1', fieldPath: 'spec.containers{web}' },
      reason: 'Pulled',
      message: 'Successfully pulled image "nginx"\n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2025-01-01T00:30:00Z',
      lastTimestamp: '2025-01-01T00:55:00Z',
      count: 3,
    },
    'default',
  );
  it('print LAST SEEN TYPE REASON OBJECT MESSAGE and the wide columns', () =>
    assert.deepEqual(events.strategy.table!.row(event, now), ['5m', 'Normal', 'Pulled', 'pod/web', 'spec.containers{web}', 'kubelet, node-1', 'Successfully pulled image "nginx"', '30m', 3, 'x']));
  it('select on the involved object, reason, source and type', () => {
    const fields = events.strategy.selectableFields!;
    assert.deepEqual(
      ['involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace', 'involvedObject.uid', 'involvedObject.fieldPath', 'reason', 'source', 'type'].map((f) => fields[f](event)),
      ['Pod', 'web', 'default', 'u1', 'spec.containers{web}', 'Pulled', 'kubelet', 'Normal'],
    );
  });
  it('require the involved object in the event namespace', () => {
    const other = obj('Event', { involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' } }, 'default');
    assert.deepEqual(events.strategy.validate!(other).map((e) => `${e.field}: ${e.detail}`), ['involvedObject.namespace: does not match event.namespace']);
    assert.deepEqual(events.strategy.validate!(event), []);
  });
  it('read the same through events.k8s.io/v1', () => {
    const v1 = eventsV1FromCoreEvent(event);
    assert.equal(v1.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual((v1 as Record<string, unknown>).regarding, event.involvedObject);
    assert.deepEqual(eventsV1.strategy.table!.row(v1, now), events.strategy.table!.row(event, now));
    assert.equal(eventsV1.strategy.selectableFields!['regarding.name'](v1), 'web');
  });
  it('apply the strict rules to events.k8s.io/v1', () => {
    const v1 = obj('Event', { eventTime: '2025-01-01T00:00:00.000000Z', regarding: { kind: 'Pod', name: 'web', namespace: 'default' }, reportingController: 'podlab/kubelet', reportingInstance: 'node-1', action: 'Pulling', reason: 'Pulling', type: 'Normal' }, 'default');
    assert.deepEqual(eventsV1.strategy.validate!(v1), []);
    delete (v1 as Record<string, unknown>).action;
    (v1 as Record<string, unknown>).type = 'Info';
    assert.deepEqual(eventsV1.strategy.validate!(v1).map((e) => e.field), ['action', 'type']);
  });
});

describe('RBAC', () => {
  it('requires verbs in rules', () => {
    const role = obj('Role', { rules: [{ apiGroups: [''], resources: ['pods'] }] }, 'default');
    assert.deepEqual(roles.strategy.validate!(role).map((e) => `${e.field}: ${e.detail}`), ['rules[0].verbs: verbs must contain at least one value']);
    assert.deepEqual(roles.strategy.table!.row(role, now), ['x', created]);
  });
  it('defaults subject API groups and validates bindings', () => {
    const binding = obj('RoleBinding', { roleRef: { kind: 'Role', name: 'reader' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }] }, 'default');
    rolebindings.strategy.applyDefaults!(binding);
    assert.deepEqual(binding.roleRef, { kind: 'Role', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' });
    assert.deepEqual(rolebindings.strategy.validate!(binding), []);
    assert.deepEqual(rolebindings.strategy.table!.row(binding, now), ['x', 'Role/reader', '60m', 'jane', '', 'default/default']);
  });
  it('keeps roleRef immutable', () => {
    const old = obj('ClusterRoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } });
    const next = obj('ClusterRoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' } });
    const [error] = clusterrolebindings.strategy.validateUpdate!(next, old);
    assert.equal(error.detail, 'cannot change roleRef');
    assert.equal(String(error.value), 'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}');
  });
  it('only binds ClusterRoles cluster-wide', () => {
    const binding = obj('ClusterRoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } });
    assert.deepEqual(clusterrolebindings.strategy.validate!(binding).map((e) => e.field), ['roleRef.kind']);
  });
});
