// The rules that turn a failure's own words and the pod's related objects
// into a fix: a missing file, a liveness probe that never passed, an unset
// variable from a missing ConfigMap key (a Job run again), a claim of a
// class that does not exist, an Ingress backend Service that does not exist.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerProbeRuns } from '../../preload/api.ts';
import { diagnosePod } from '../../main/insight/diagnosePod.ts';
import { freshJob } from '../../main/insight/jobRerun.ts';
import { missingFile } from '../../main/insight/missingFile.ts';
import type { RelatedObjects } from '../../main/insight/rule.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { event, pod, twoNodes } from './ui-insight-fixtures.ts';

const none: RelatedObjects = { owners: [], configMaps: [], claims: [], storageClasses: [], services: [], ingresses: [] };
const object = (kind: string, name: string, rest: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: kind === 'Job' ? 'batch/v1' : kind === 'Deployment' ? 'apps/v1' : kind === 'Ingress' ? 'networking.k8s.io/v1' : kind === 'StorageClass' ? 'storage.k8s.io/v1' : 'v1', kind, metadata: { name, namespace: 'shop', uid: `uid-${name}`, ...metadata }, ...rest }) as KubeObject;

test('a missing file named by its absolute path: a ConfigMap with that key, mounted at its directory', () => {
  assert.deepEqual(missingFile(['starting', 'open /srv/conf/app.json: no such file or directory']), { path: '/srv/conf/app.json', directory: '/srv/conf', file: 'app.json', line: 'open /srv/conf/app.json: no such file or directory' });
  assert.equal(missingFile(['fatal: /bin/sh not found']), undefined, 'the image\'s own system files are no ConfigMap\'s');
  assert.equal(missingFile(['fatal: database unreachable']), undefined);
  const p = pod('crashing', { nodeName: 'n', containers: [{ name: 'app' }] }, {
    phase: 'Running',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-01-10T10:04:02Z' } } }],
  });
  const [finding] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: { app: ['starting app v1.2', 'fatal: config file /etc/app/config.yaml not found'] }, related: none });
  assert.equal(finding!.rule, 'crash-loop');
  assert.equal(finding!.title, 'CrashLoopBackOff: container app exits: /etc/app/config.yaml is missing');
  const [fix] = finding!.fixes!;
  assert.equal(fix!.title, 'Create ConfigMap crashing-config with config.yaml and mount it at /etc/app');
  assert.match(fix!.explanation, /placeholder/);
  assert.equal(fix!.changes[0]!.action, 'create');
  assert.deepEqual(Object.keys((fix!.changes[0] as unknown as { object: { data: object } }).object.data), ['config.yaml']);
  assert.deepEqual(fix!.changes[1], { action: 'podSpec', patch: { volumes: [{ name: 'config', configMap: { name: 'crashing-config' } }], containers: [{ name: 'app', volumeMounts: [{ name: 'config', mountPath: '/etc/app' }] }] } });
  // A ConfigMap of that name already there: creating it would be refused, so no fix.
  const taken = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: { app: ['fatal: config file /etc/app/config.yaml not found'] }, related: { ...none, configMaps: [object('ConfigMap', 'crashing-config')] } });
  assert.equal(taken[0]!.fixes, undefined);
});

const liveness = { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 };
function killed(ranSeconds: number) {
  const p = pod('slow', { nodeName: 'n', containers: [{ name: 'app', livenessProbe: liveness }] }, {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2025-01-10T10:03:00Z', finishedAt: new Date(Date.parse('2025-01-10T10:03:00Z') + ranSeconds * 1000).toISOString() } } },
    ],
  });
  return { p, events: [event(p, 'Killing', 'Container app failed liveness probe, will be restarted', { type: 'Normal', count: 2 })] };
}
const runs = (outcomes: Array<'success' | 'failure'>): ContainerProbeRuns[] => [{ container: 'app', kind: 'liveness', runs: outcomes.map((outcome, i) => ({ time: i, containerId: 'c1', outcome, latencyMs: 1, message: '' })) }];

test('a liveness probe that kills the container before it ever passed: a startupProbe with the same check', () => {
  const { p, events } = killed(16);
  const [finding] = diagnosePod({ pod: p, events, nodes: twoNodes, previousLogs: {} });
  assert.equal(finding!.rule, 'liveness-slow-start');
  assert.match(finding!.evidence.find((e) => e.label === 'Never passed')!.text, /killed 16s after it started, sooner than a container that passed once can be \(20s\)/);
  const [fix] = finding!.fixes!;
  assert.equal(fix!.title, 'Add a startupProbe to app allowing 80s to start');
  assert.match(fix!.explanation, /startup probes?|startupProbe/);
  assert.deepEqual(fix!.changes, [{ action: 'podSpec', patch: { containers: [{ name: 'app', startupProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 5, failureThreshold: 16 } }] } }]);
  // The kubelet's kept runs decide over timing: all failures, even after a long grace period.
  const late = killed(45);
  assert.equal(diagnosePod({ pod: late.p, events: late.events, nodes: twoNodes, previousLogs: {}, probeRuns: runs(['failure', 'failure', 'failure']) })[0]!.rule, 'liveness-slow-start');
});

test('a container that passed its liveness probe, then failed it, keeps the liveness diagnosis without a fix', () => {
  const { p, events } = killed(35);
  const [byTime] = diagnosePod({ pod: p, events, nodes: twoNodes, previousLogs: {} });
  assert.equal(byTime!.rule, 'liveness-failing');
  assert.equal(byTime!.fixes, undefined);
  const early = killed(16);
  const [byRuns] = diagnosePod({ pod: early.p, events: early.events, nodes: twoNodes, previousLogs: {}, probeRuns: runs(['success', 'failure', 'failure', 'failure']) });
  assert.equal(byRuns!.rule, 'liveness-failing');
  assert.equal(byRuns!.fixes, undefined);
});

const jobPod = () =>
  pod('failing-migration-x1', { nodeName: 'n', restartPolicy: 'Never', containers: [{ name: 'migrate', env: [{ name: 'DATABASE_URL', valueFrom: { configMapKeyRef: { name: 'migration-config', key: 'DATABASE_URL', optional: true } } }] } as never] }, {
    phase: 'Failed',
    containerStatuses: [{ name: 'migrate', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-01-10T10:04:02Z' } } }],
  });
const job = object('Job', 'failing-migration', {
  spec: {
    backoffLimit: 2,
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } },
    template: { metadata: { labels: { app: 'failing-migration', 'batch.kubernetes.io/controller-uid': 'u1', 'controller-uid': 'u1', 'job-name': 'failing-migration', 'batch.kubernetes.io/job-name': 'failing-migration' } }, spec: { restartPolicy: 'Never', containers: [] } },
  },
}, { labels: { 'batch.kubernetes.io/controller-uid': 'u1', 'controller-uid': 'u1', 'job-name': 'failing-migration', 'batch.kubernetes.io/job-name': 'failing-migration' }, resourceVersion: '7' });

test('a Job attempt that failed on an unset variable from a missing ConfigMap: create the key and run the Job again', () => {
  const p = jobPod();
  p.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'failing-migration', uid: 'uid-failing-migration', controller: true }];
  const [finding] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: { migrate: ['applying migration 0042_add_orders', 'error: DATABASE_URL is not set'] }, related: { ...none, owners: [job] } });
  assert.equal(finding!.rule, 'run-failed');
  assert.equal(finding!.title, "Job failing-migration's attempt failed: container migrate exited with code 1");
  assert.match(finding!.cause, /DATABASE_URL is not set: DATABASE_URL comes from key DATABASE_URL of ConfigMap migration-config, which does not exist/);
  const [fix] = finding!.fixes!;
  assert.equal(fix!.title, 'Create ConfigMap migration-config with key DATABASE_URL and run the Job again');
  assert.deepEqual(fix!.changes.map((c) => c.action), ['create', 'replace']);
  const rerun = (fix!.changes[1] as unknown as { object: KubeObject & { spec: Record<string, unknown> } }).object;
  assert.deepEqual(rerun, freshJob(job));
  assert.deepEqual(rerun.metadata, { name: 'failing-migration', namespace: 'shop' });
  assert.equal(rerun.spec.selector, undefined, 'the API server generates the selector again');
  assert.deepEqual((rerun.spec.template as { metadata: unknown }).metadata, { labels: { app: 'failing-migration' } });

  // The ConfigMap exists without the key: the key is added, guarded by the version it was read at.
  const [withMap] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: { migrate: ['error: DATABASE_URL is not set'] }, related: { ...none, owners: [job], configMaps: [object('ConfigMap', 'migration-config', { data: { OTHER: 'x' } }, { resourceVersion: '9' })] } });
  assert.deepEqual(withMap!.fixes![0]!.changes[0], { action: 'patch', target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'migration-config', namespace: 'shop' }, patch: [{ op: 'test', path: '/metadata/resourceVersion', value: '9' }, { op: 'add', path: '/data/DATABASE_URL', value: 'change-me' }] });
  // A log that names no variable the pod takes from a ConfigMap: the failure is told, with no fix.
  const [unknown] = diagnosePod({ pod: p, events: [], nodes: twoNodes, previousLogs: { migrate: ['error: connection refused'] }, related: { ...none, owners: [job] } });
  assert.equal(unknown!.rule, 'run-failed');
  assert.equal(unknown!.fixes, undefined);
});

const standard = object('StorageClass', 'standard', {}, { namespace: undefined, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
const fastClaim = object('PersistentVolumeClaim', 'fast-data', { spec: { storageClassName: 'fast-ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } }, status: { phase: 'Pending' } }, { labels: { app: 'fast-app' }, annotations: { 'volume.beta.kubernetes.io/storage-provisioner': 'x', note: 'kept' } });
const claimPod = () => pod('fast-app', { containers: [{ name: 'app' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'fast-data' } }] as never }, { phase: 'Pending' });

test('a claim of a StorageClass that does not exist: the claim replaced with the default class, and the bare pod with it', () => {
  const [finding] = diagnosePod({ pod: claimPod(), events: [], nodes: twoNodes, previousLogs: {}, related: { ...none, claims: [fastClaim], storageClasses: [standard] } });
  assert.equal(finding!.rule, 'claim-storageclass');
  assert.equal(finding!.title, 'Claim fast-data asks for StorageClass "fast-ssd", which does not exist');
  const [fix] = finding!.fixes!;
  assert.deepEqual(fix!.changes, [
    { action: 'replace', object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'fast-data', namespace: 'shop', labels: { app: 'fast-app' }, annotations: { note: 'kept' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } }, storageClassName: 'standard' } } },
    { action: 'podSpec', patch: {} },
  ]);
  // No default and several classes: nothing clear to switch to.
  const other = object('StorageClass', 'slow', {}, { namespace: undefined });
  const plain = object('StorageClass', 'standard', {}, { namespace: undefined });
  assert.equal(diagnosePod({ pod: claimPod(), events: [], nodes: twoNodes, previousLogs: {}, related: { ...none, claims: [fastClaim], storageClasses: [plain, other] } })[0]!.fixes, undefined);
  // A class that exists: not this rule's.
  const ok = object('PersistentVolumeClaim', 'fast-data', { spec: { storageClassName: 'standard' }, status: { phase: 'Pending' } });
  assert.ok(!diagnosePod({ pod: claimPod(), events: [], nodes: twoNodes, previousLogs: {}, related: { ...none, claims: [ok], storageClasses: [standard] } }).some((f) => f.rule === 'claim-storageclass'));
});

const ingress = object('Ingress', 'missing-backend', { spec: { rules: [{ host: 'missing.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'storefront', port: { number: 80 } } } }] } }] } });
const webPod = () => {
  const p = pod('storefront-abc-x1', { nodeName: 'n', containers: [{ name: 'web', ports: [{ name: 'http', containerPort: 8080 }] }] }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: {} } }] });
  p.metadata.labels = { app: 'storefront' };
  return p;
};

test('an Ingress backend Service that does not exist: created for the Deployment of that name', () => {
  const deployment = object('Deployment', 'storefront', { spec: { selector: { matchLabels: { app: 'storefront' } } } });
  const [finding] = diagnosePod({ pod: webPod(), events: [], nodes: twoNodes, previousLogs: {}, related: { ...none, owners: [object('ReplicaSet', 'storefront-abc'), deployment], ingresses: [ingress] } });
  assert.equal(finding!.rule, 'ingress-backend');
  assert.equal(finding!.title, 'Ingress missing-backend routes to Service "storefront", which does not exist');
  assert.deepEqual(finding!.fixes![0]!.changes, [
    { action: 'create', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'storefront', namespace: 'shop' }, spec: { selector: { app: 'storefront' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } } },
  ]);
  // A pod of another workload, behind no Service the Ingress could mean: nothing to say from here.
  const stranger = webPod();
  stranger.metadata.labels = { app: 'other' };
  assert.deepEqual(diagnosePod({ pod: stranger, events: [], nodes: twoNodes, previousLogs: {}, related: { ...none, owners: [object('Deployment', 'other')], ingresses: [ingress] } }), []);
});

test('an Ingress backend Service that does not exist: pointed at the one existing Service clearly meant', () => {
  const service = (name: string, port: number) => object('Service', name, { spec: { selector: { app: 'storefront' }, ports: [{ port, targetPort: 8080 }] } });
  const related = { ...none, owners: [object('Deployment', 'web')], ingresses: [ingress] };
  const [finding] = diagnosePod({ pod: webPod(), events: [], nodes: twoNodes, previousLogs: {}, related: { ...related, services: [service('storefront-web', 80)] } });
  assert.deepEqual(finding!.fixes![0]!.changes, [
    {
      action: 'patch',
      target: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'missing-backend', namespace: 'shop' },
      patch: [
        { op: 'test', path: '/spec/rules/0/http/paths/0/backend/service/name', value: 'storefront' },
        { op: 'replace', path: '/spec/rules/0/http/paths/0/backend/service/name', value: 'storefront-web' },
      ],
    },
  ]);
  // Two candidates, or one on another port: not clear, so no finding from this pod.
  assert.deepEqual(diagnosePod({ pod: webPod(), events: [], nodes: twoNodes, previousLogs: {}, related: { ...related, services: [service('storefront-web', 80), service('storefront-api', 80)] } }), []);
  assert.deepEqual(diagnosePod({ pod: webPod(), events: [], nodes: twoNodes, previousLogs: {}, related: { ...related, services: [service('storefront-web', 8443)] } }), []);
});
