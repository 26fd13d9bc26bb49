// Deployments, ReplicaSets and StatefulSets: defaults, selector rules, the immutable selector, tables.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../main/kube/meta.ts';
import { deployments } from '../../main/apiserver/resources/deployments.ts';
import { replicasets } from '../../main/apiserver/resources/replicasets.ts';
import { statefulsets } from '../../main/apiserver/resources/statefulsets.ts';
import { formatFieldErrors } from '../../main/apiserver/validation/formatFieldErrors.ts';

function workload(kind: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      ...extra,
    },
  };
}

describe('deployment defaults', () => {
  it('fills replicas, strategy, limits and the template', () => {
    const d = workload('Deployment');
    deployments.strategy.applyDefaults!(d);
    const spec = d.spec as Record<string, unknown>;
    assert.equal(spec.replicas, 1);
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.deepEqual((spec.template as { spec: unknown }).spec, {
      containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    });
  });
  it('leaves a Recreate strategy without rollingUpdate', () => {
    const d = workload('Deployment', { strategy: { type: 'Recreate' } });
    deployments.strategy.applyDefaults!(d);
    assert.deepEqual((d.spec as Record<string, unknown>).strategy, { type: 'Recreate' });
  });
  it('clears status on create', () => {
    const d = workload('Deployment');
    d.status = { replicas: 3 };
    deployments.strategy.prepareForCreate!(d);
    assert.deepEqual(d.status, {});
  });
});

describe('deployment validation', () => {
  function errorsOf(d: KubeObject) {
    deployments.strategy.applyDefaults!(d);
    return deployments.strategy.validate!(d);
  }
  it('accepts a minimal deployment', () => assert.deepEqual(errorsOf(workload('Deployment')), []));
  it('requires a selector', () => {
    const d = workload('Deployment');
    delete (d.spec as Record<string, unknown>).selector;
    assert.deepEqual(errorsOf(d).map((e) => `${e.field}: ${e.type}`), ['spec.selector: FieldValueRequired']);
  });
  it('requires the selector to match the template labels', () => {
    const d = workload('Deployment', { selector: { matchLabels: { app: 'api' } } });
    assert.equal(
      formatFieldErrors('Deployment.apps', 'web', errorsOf(d)).message,
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    );
  });
  it('rejects an empty selector, negative replicas and a non-Always restart policy', () => {
    const d = workload('Deployment', { selector: {}, replicas: -1 });
    ((d.spec as { template: { spec: Record<string, unknown> } }).template.spec).restartPolicy = 'Never';
    assert.deepEqual(
      errorsOf(d).map((e) => `${e.field}: ${e.detail}`),
      [
        'spec.replicas: must be greater than or equal to 0',
        'spec.selector: empty selector is invalid for deployment',
        'spec.template.spec.restartPolicy: supported values: "Always"',
      ],
    );
  });
  it('rejects a rolling update that can make no progress', () => {
    const d = workload('Deployment', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
    assert.deepEqual(errorsOf(d).map((e) => e.detail), ['may not be 0 when `maxSurge` is 0']);
  });
  it('keeps the selector immutable with Kubernetes\' message', () => {
    const old = workload('Deployment');
    deployments.strategy.applyDefaults!(old);
    const next = workload('Deployment', {
      selector: { matchLabels: { app: 'web2' } },
      template: { metadata: { labels: { app: 'web2' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    });
    deployments.strategy.applyDefaults!(next);
    const errs = deployments.strategy.validateUpdate!(next, old);
    assert.equal(
      formatFieldErrors('Deployment.apps', 'web', errs).message,
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });
});

describe('deployment table', () => {
  it('prints READY UP-TO-DATE AVAILABLE AGE and the wide columns', () => {
    const d = workload('Deployment', { replicas: 3 });
    d.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
    d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    assert.deepEqual(deployments.strategy.table!.row(d, new Date('2025-01-03T03:00:00Z')), ['web', '2/3', 3, 2, '2d3h', 'web', 'nginx:1.27', 'app=web']);
    assert.deepEqual(
      deployments.strategy.table!.columns.map((c) => c.name),
      ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
    );
  });
});

describe('replicasets', () => {
  it('defaults replicas and validates like deployments', () => {
    const rs = workload('ReplicaSet');
    replicasets.strategy.applyDefaults!(rs);
    assert.equal((rs.spec as Record<string, unknown>).replicas, 1);
    assert.deepEqual(replicasets.strategy.validate!(rs), []);
  });
  it('prints DESIRED CURRENT READY and the selector', () => {
    const rs = workload('ReplicaSet', { replicas: 2, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } });
    rs.status = { replicas: 2, readyReplicas: 1 };
    const row = replicasets.strategy.table!.row(rs, new Date());
    assert.deepEqual(row.slice(1, 4), [2, 2, 1]);
    assert.equal(row[7], 'app=web,tier');
  });
  it('selects on status.replicas', () => {
    const rs = workload('ReplicaSet');
    rs.status = { replicas: 0 };
    assert.equal(replicasets.strategy.selectableFields!['status.replicas'](rs), '0');
  });
});

describe('statefulsets', () => {
  it('defaults the update strategy, pod management and retention policy', () => {
    const sts = workload('StatefulSet', { serviceName: 'web' });
    statefulsets.strategy.applyDefaults!(sts);
    const spec = sts.spec as Record<string, unknown>;
    assert.equal(spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(spec.replicas, 1);
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(statefulsets.strategy.validate!(sts), []);
  });
  it('lets containers mount volume claim templates', () => {
    const sts = workload('StatefulSet', {
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
    });
    statefulsets.strategy.applyDefaults!(sts);
    assert.deepEqual(statefulsets.strategy.validate!(sts), []);
  });
  it('forbids changing fields other than the mutable ones', () => {
    const old = workload('StatefulSet', { serviceName: 'web' });
    statefulsets.strategy.applyDefaults!(old);
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).serviceName = 'other';
    (next.spec as Record<string, unknown>).replicas = 5;
    assert.deepEqual(statefulsets.strategy.validateUpdate!(next, old).map((e) => e.field), ['spec']);
  });
  it('prints READY as ready/desired', () => {
    const sts = workload('StatefulSet', { replicas: 3 });
    sts.status = { readyReplicas: 1 };
    assert.equal(statefulsets.strategy.table!.row(sts, new Date())[1], '1/3');
  });
});
