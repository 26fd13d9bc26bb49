// Pods: defaults on a minimal pod, create-time status, validation messages, update rules, deletion grace.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../main/kube/meta.ts';
import { pods, validatePodBinding } from '../../main/apiserver/resources/pods.ts';
import { formatFieldErrors } from '../../main/apiserver/validation/formatFieldErrors.ts';

const strategy = pods.strategy;

function minimalPod(spec: Record<string, unknown> = { containers: [{ name: 'web', image: 'nginx:1.27' }] }): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: structuredClone(spec) };
}

function created(spec?: Record<string, unknown>): KubeObject {
  const pod = minimalPod(spec);
  strategy.applyDefaults!(pod);
  strategy.prepareForCreate!(pod);
  return pod;
}

function messageOf(pod: KubeObject, errs = strategy.validate!(pod)): string {
  return formatFieldErrors('Pod', pod.metadata.name!, errs).message;
}

describe('pod defaults', () => {
  it('fills the spec as kube-apiserver does', () => {
    const pod = created({
      containers: [
        { name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } }, resources: { limits: { cpu: '0.5', memory: '128Mi' } } },
      ],
    });
    assert.deepEqual(pod.spec, {
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } },
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
  });

  it('pulls :latest and untagged images Always, others IfNotPresent', () => {
    const pod = created({
      containers: [
        { name: 'a', image: 'nginx' },
        { name: 'b', image: 'nginx:latest' },
        { name: 'c', image: 'nginx:1.27' },
        { name: 'd', image: 'localhost:5000/app' },
        { name: 'e', image: 'nginx@sha256:' + 'a'.repeat(64) },
        { name: 'f', image: 'busybox', imagePullPolicy: 'Never' },
      ],
    });
    const policies = (pod.spec as { containers: Array<{ imagePullPolicy: string }> }).containers.map((c) => c.imagePullPolicy);
    assert.deepEqual(policies, ['Always', 'Always', 'IfNotPresent', 'Always', 'IfNotPresent', 'Never']);
  });

  it('keeps tolerations the pod already has', () => {
    const pod = created({ containers: [{ name: 'a', image: 'x' }], tolerations: [{ operator: 'Exists' }] });
    assert.deepEqual((pod.spec as { tolerations: unknown[] }).tolerations, [{ operator: 'Exists' }]);
  });

  it('makes a volume without a source an emptyDir', () => {
    const pod = created({ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'data' }, { name: 'cfg', configMap: { name: 'c' } }] });
    assert.deepEqual((pod.spec as { volumes: unknown[] }).volumes, [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } }]);
  });
});

describe('pod status on create', () => {
  it('is Pending with a QoS class', () => {
    assert.deepEqual(created().status, { phase: 'Pending', qosClass: 'BestEffort' });
    const guaranteed = created({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] });
    assert.equal((guaranteed.status as { qosClass: string }).qosClass, 'Guaranteed');
    const burstable = created({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }] });
    assert.equal((burstable.status as { qosClass: string }).qosClass, 'Burstable');
  });
  it('ignores a status sent by the client', () => {
    const pod = minimalPod();
    pod.status = { phase: 'Running', podIP: '10.0.0.1' };
    strategy.applyDefaults!(pod);
    strategy.prepareForCreate!(pod);
    assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
  });
});

describe('pod validation', () => {
  it('accepts a defaulted minimal pod', () => assert.deepEqual(strategy.validate!(created()), []));
  it('requires an image', () => {
    const pod = created({ containers: [{ name: 'web' }] });
    assert.equal(messageOf(pod), 'Pod "web" is invalid: spec.containers[0].image: Required value');
  });
  it('requires containers', () => assert.equal(messageOf(created({ containers: [] })), 'Pod "web" is invalid: spec.containers: Required value'));
  it('rejects duplicate container names and bad ports', () => {
    const pod = created({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }, { name: 'a', image: 'x' }] });
    assert.equal(
      messageOf(pod),
      'Pod "web" is invalid: [spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.containers[1].name: Duplicate value: "a"]',
    );
  });
  it('rejects unsupported policies', () => {
    const pod = created({ containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Sometimes' }], restartPolicy: 'Maybe', dnsPolicy: 'Google' });
    assert.deepEqual(
      strategy.validate!(pod).map((e) => `${e.field}: ${e.detail}`),
      [
        'spec.containers[0].imagePullPolicy: supported values: "Always", "IfNotPresent", "Never"',
        'spec.restartPolicy: supported values: "Always", "OnFailure", "Never"',
        'spec.dnsPolicy: supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
      ],
    );
  });
  it('rejects requests above limits', () => {
    const pod = created({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] });
    assert.equal(messageOf(pod), 'Pod "web" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1');
  });
  it('rejects unparsable quantities', () => {
    const pod = created({ containers: [{ name: 'a', image: 'x', resources: { requests: { memory: '1GB' } } }] });
    assert.match(messageOf(pod), /spec.containers\[0\].resources.requests\[memory\]: Invalid value: "1GB": quantities must match the regular expression/);
  });
  it('checks probes', () => {
    const pod = created({ containers: [{ name: 'a', image: 'x', livenessProbe: { periodSeconds: -1, successThreshold: 2 } }] });
    assert.deepEqual(
      strategy.validate!(pod).map((e) => `${e.field}: ${e.detail}`),
      [
        'spec.containers[0].livenessProbe: must specify a handler type',
        'spec.containers[0].livenessProbe.periodSeconds: must be greater than or equal to 0',
        'spec.containers[0].livenessProbe.successThreshold: must be 1',
      ],
    );
  });
  it('checks volumes and mounts', () => {
    const pod = created({
      containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'missing', mountPath: '/m' }] }],
      volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }],
    });
    assert.equal(
      messageOf(pod),
      'Pod "web" is invalid: [spec.volumes[1].name: Duplicate value: "v", spec.containers[0].volumeMounts[0].name: Not found: "missing"]',
    );
  });
});

describe('pod updates', () => {
  function updated(change: (spec: Record<string, unknown>) => void): string[] {
    const old = created({ containers: [{ name: 'web', image: 'nginx:1.26', ports: [{ containerPort: 80 }] }] });
    const next = structuredClone(old);
    change(next.spec as Record<string, unknown>);
    strategy.applyDefaults!(next);
    return strategy.validateUpdate!(next, old).map((e) => `${e.field}: ${e.type}`);
  }
  const containers = (spec: Record<string, unknown>) => spec.containers as Array<Record<string, unknown>>;

  it('allows a new image', () => assert.deepEqual(updated((s) => (containers(s)[0].image = 'nginx:1.27')), []));
  it('allows shortening activeDeadlineSeconds and adding tolerations', () => {
    assert.deepEqual(
      updated((s) => {
        s.activeDeadlineSeconds = 100;
        (s.tolerations as unknown[]).push({ key: 'k', operator: 'Exists', effect: 'NoSchedule' });
      }),
      [],
    );
  });
  it('forbids other changes with Kubernetes\' message', () => {
    const old = created({ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] });
    const next = structuredClone(old);
    containers(next.spec as Record<string, unknown>)[0].ports = [{ containerPort: 8080, protocol: 'TCP' }];
    const [error] = strategy.validateUpdate!(next, old);
    assert.equal(error.field, 'spec');
    assert.equal(error.type, 'FieldValueForbidden');
    assert.ok(
      error.detail!.startsWith(
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
      ),
    );
  });
  it('forbids adding containers', () =>
    assert.deepEqual(
      updated((s) => containers(s).push({ name: 'b', image: 'x' })),
      ['spec.containers: FieldValueForbidden'],
    ));
  it('forbids changing a toleration', () =>
    assert.deepEqual(
      updated((s) => Object.assign((s.tolerations as Array<Record<string, unknown>>)[0], { operator: 'Equal', value: 'x' })),
      ['spec.tolerations: FieldValueForbidden'],
    ));
});

describe('pod status updates', () => {
  it('may not move the pod to another node', () => {
    const old = created();
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).nodeName = 'n2';
    assert.deepEqual(strategy.validateStatusUpdate!(next, old), [{ type: 'FieldValueForbidden', field: 'status.nodeName', detail: 'may not be changed directly' }]);
  });
});

describe('pod deletion grace', () => {
  it('uses the pod grace period for a scheduled pod and deletes others at once', () => {
    const pod = created();
    assert.equal(strategy.gracePeriodOnDelete!(pod, undefined), 0);
    (pod.spec as Record<string, unknown>).nodeName = 'n1';
    assert.equal(strategy.gracePeriodOnDelete!(pod, undefined), 30);
    assert.equal(strategy.gracePeriodOnDelete!(pod, 5), 5);
    (pod.status as Record<string, unknown>).phase = 'Succeeded';
    assert.equal(strategy.gracePeriodOnDelete!(pod, undefined), 0);
  });
});

describe('pod binding', () => {
  it('requires a target node', () => {
    assert.deepEqual(validatePodBinding({ metadata: {}, target: { kind: 'Node', name: 'n1' } }), []);
    assert.deepEqual(
      validatePodBinding({ metadata: {}, target: { kind: 'Pod' } }).map((e) => e.field),
      ['target.kind', 'target.name'],
    );
  });
});

describe('pod selectable fields and table', () => {
  it('exposes spec.nodeName and status.phase', () => {
    const pod = created();
    assert.equal(strategy.selectableFields!['spec.nodeName'](pod), '');
    assert.equal(strategy.selectableFields!['status.phase'](pod), 'Pending');
  });
  it('prints a row per column', () => {
    const pod = created();
    pod.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
    const row = strategy.table!.row(pod, new Date('2025-01-01T00:00:10Z'));
    assert.deepEqual(row, ['web', '0/1', 'Pending', '0', '10s', '<none>', '<none>', '<none>', '<none>']);
    assert.deepEqual(
      strategy.table!.columns.map((c) => `${c.name}:${c.priority}`),
      ['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1'],
    );
  });
});

describe('pod QoS on create', () => {
  it('counts requests defaulted from limits even before defaults run', () => {
    const pod = minimalPod({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '0.5', memory: '64Mi' } } }] });
    strategy.prepareForCreate!(pod);
    assert.equal((pod.status as { qosClass: string }).qosClass, 'Guaranteed');
  });
});
