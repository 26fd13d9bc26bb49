import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterProblems } from '../../main/insight/problems.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { Finding, RefusedRequest } from '../../preload/api.ts';
import type { PodView } from '../../main/insight/podView.ts';
import { event, pod, twoNodes } from './ui-insight-fixtures.ts';

const now = new Date('2025-01-10T10:06:00Z');
const goodContainer = {
  name: 'web',
  image: 'busybox:1.36',
  ports: [{ containerPort: 8080 }],
  readinessProbe: { tcpSocket: { port: 8080 } },
  resources: { requests: { cpu: '50m', memory: '16Mi' }, limits: { memory: '32Mi' } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

function replicaOf(deploymentUid: string, n: number): { rs: KubeObject; pod: PodView } {
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'shop', uid: 'rs-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deploymentUid, controller: true }] } };
  const p = pod(`web-abc-${n}`, { containers: [goodContainer], securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } } as never, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] });
  p.metadata.labels = { app: 'web' };
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1', controller: true }];
  return { rs, pod: p };
}

test('problems: findings per pod, advice once per workload, errors first', () => {
  const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'dep-1' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } } } as never;
  const a = replicaOf('dep-1', 1);
  const b = replicaOf('dep-1', 2);
  const broken = pod('bad-image', { nodeName: 'podlab-worker', containers: [{ name: 'app', image: 'busybox:no-such-tag' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "busybox:no-such-tag"' } } }],
  });
  const problems = clusterProblems({ pods: [a.pod, b.pod, broken], events: [event(broken, 'Failed', 'Failed to pull image: manifest unknown')], nodes: twoNodes, replicaSets: [a.rs], workloads: [deployment], disruptionBudgets: [] }, now);
  assert.equal(problems[0]!.finding.rule, 'image-pull');
  assert.deepEqual(problems[0]!.subject, { kind: 'Pod', namespace: 'shop', name: 'bad-image', pod: 'bad-image' });
  const workloadAdvice = problems.filter((p) => p.subject.kind === 'Deployment');
  assert.deepEqual(workloadAdvice.map((p) => p.finding.rule), ['practice-disruption'], 'two replicas, advised once');
  assert.ok(problems.some((p) => p.subject.name === 'bad-image' && p.finding.rule === 'practice-controller'));

  const budget: KubeObject = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } } as never;
  const covered = clusterProblems({ pods: [a.pod], events: [], nodes: twoNodes, replicaSets: [a.rs], workloads: [deployment], disruptionBudgets: [budget] }, now);
  assert.deepEqual(covered, []);
});

test('object problems: a Service selecting nothing or nothing ready, a named targetPort no pod has, a failed Job, a Pending claim, an Ingress without its Service', () => {
  const ready = pod('api-1', { containers: [{ name: 'api', image: 'busybox:1.36', ports: [{ name: 'http', containerPort: 8080 }] }] }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] });
  ready.metadata.labels = { app: 'api' };
  const svc = (name: string, selector: Record<string, string>, targetPort: number | string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop', uid: `svc-${name}` }, spec: { selector, ports: [{ port: 80, targetPort }] } }) as never;
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop', uid: 'job-1' }, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } } as never;
  const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop', uid: 'pvc-1' }, status: { phase: 'Pending' } } as never;
  const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop', uid: 'ing-1' }, spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 'storefront' } } }] } }] } } as never;
  const provisioning = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'shop' }, involvedObject: { kind: 'PersistentVolumeClaim', name: 'data', uid: 'pvc-1' }, reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "fast-ssd" not found', type: 'Warning' } as never;
  const problems = clusterProblems(
    { pods: [ready], events: [provisioning], nodes: twoNodes, replicaSets: [], workloads: [], disruptionBudgets: [], services: [svc('typo', { app: 'apii' }, 80), svc('api', { app: 'api' }, 'web')], jobs: [job], claims: [claim], ingresses: [ingress] },
    now,
  ).filter((p) => !p.finding.rule.startsWith('practice-'));
  const byRule = Object.fromEntries(problems.map((p) => [p.finding.rule, p]));
  assert.match(byRule['service-no-pods']!.finding.cause, /selector app=apii matches no pod in namespace shop/);
  assert.match(byRule['service-target-port']!.finding.title, /targetPort "web" is not a port of its pods/);
  assert.match(byRule['service-not-ready']!.finding.cause, /1 pod\(s\) match its selector but none is Ready/);
  assert.equal(byRule['service-not-ready']!.subject.pod, 'api-1');
  assert.equal(byRule['job-failed']!.finding.title, 'Job migrate failed (BackoffLimitExceeded)');
  assert.equal(byRule['claim-pending']!.finding.cause, 'storageclass.storage.k8s.io "fast-ssd" not found');
  assert.equal(byRule['claim-pending']!.subject.pod, undefined);
  assert.match(byRule['ingress-backend']!.finding.title, /Service "storefront" not found/);
});

test('a Deployment whose ReplicaSet cannot create pods (quota, Pod Security) is a problem on the Deployment, gone once the pods exist', () => {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'capped', namespace: 'shop', uid: 'dep-9' }, spec: { replicas: 3 } } as never as KubeObject;
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'capped-7f', namespace: 'shop', uid: 'rs-9', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'capped', uid: 'dep-9', controller: true }] }, spec: { replicas: 3 }, status: { replicas: 2 } } as never as KubeObject;
  const refused = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'shop' }, involvedObject: { kind: 'ReplicaSet', name: 'capped-7f', uid: 'rs-9' }, reason: 'FailedCreate', type: 'Warning', count: 4, lastTimestamp: '2025-01-10T10:05:00Z', message: 'pods "capped-7f-x" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2' } as never;
  const [failed] = clusterProblems({ pods: [], events: [refused], nodes: twoNodes, replicaSets: [rs], workloads: [deployment], disruptionBudgets: [] }, now);
  assert.equal(failed!.finding.rule, 'failed-create');
  assert.deepEqual(failed!.subject, { kind: 'Deployment', namespace: 'shop', name: 'capped' });
  assert.match(failed!.finding.cause, /A ResourceQuota in the namespace refuses it/);
  assert.match(failed!.finding.evidence[0]!.label, /FailedCreate on ReplicaSet capped-7f \(x4\)/);
  const caughtUp = { ...rs, status: { replicas: 3 } } as never as KubeObject;
  assert.deepEqual(clusterProblems({ pods: [], events: [refused], nodes: twoNodes, replicaSets: [caughtUp], workloads: [deployment], disruptionBudgets: [] }, now), []);
});

test('admission refusals name the webhook or policy and why: a denial, no endpoints, a certificate, a policy', async () => {
  const { admissionRefusal } = await import('../../main/insight/objectProblems.ts');
  assert.match(admissionRefusal('pods "x" is forbidden: admission webhook "pinned-images.podlab.dev" denied the request: container "app" uses image "busybox:latest": pin a version tag')!, /^The admission webhook pinned-images\.podlab\.dev refuses the pod: container "app" uses image "busybox:latest"/);
  assert.match(admissionRefusal('Internal error occurred: failed calling webhook "sidecar-injector.podlab.dev": failed to call webhook: Post "https://admission-demo.webhook-demo.svc:443/mutate?timeout=5s": no endpoints available for service "admission-demo"')!, /sidecar-injector\.podlab\.dev cannot be reached: its Service admission-demo has no ready endpoint/);
  assert.match(admissionRefusal('Internal error occurred: failed calling webhook "w.example.com": failed to call webhook: Post "https://w.ns.svc:443/?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority')!, /certificate is not one the configuration's caBundle verifies/);
  assert.match(admissionRefusal("deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'replica-cap' with binding 'replica-cap-binding' denied request: failed expression: object.spec.replicas <= 5")!, /ValidatingAdmissionPolicy replica-cap \(binding replica-cap-binding\) refuses the pod: failed expression/);
  assert.equal(admissionRefusal('pods "x" is forbidden: exceeded quota: q'), undefined);
});

test('writes refused when a person made them are problems with the refusal explained; controllers\' refused creates, dry runs, writes made good since and old refusals are not', async () => {
  const { refusalProblems } = await import('../../main/insight/admissionRefusals.ts');
  const at = Date.parse('2025-01-10T10:06:00Z');
  const refused = (name: string, user: string | undefined, message: string, agoMs: number, more: Partial<RefusedRequest> = {}): RefusedRequest => ({
    ...(user ? { user } : {}),
    operation: 'CREATE',
    kind: 'Pod',
    namespace: 'demo',
    name,
    dryRun: false,
    stage: 'PodSecurity',
    message,
    count: 1,
    lastAt: new Date(at - agoMs).toISOString(),
    source: 'api-server',
    findings: [],
    ...more,
  });
  const explained: Finding = { rule: 'pod-security-violation', severity: 'error', title: 'Pod Security restricted refuses the pod', cause: 'The namespace enforces restricted: set allowPrivilegeEscalation: false.', evidence: [], changes: [{ what: 'corrected', text: 'securityContext: {}' }], next: [] };
  const problems = refusalProblems(
    [
      refused('root', 'kubernetes-admin', 'pods "root" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false', 1000, { findings: [explained] }),
      refused('floating', 'kubernetes-admin', 'admission webhook "pinned-images.podlab.dev" denied the request: pin a version tag', 2000, { stage: 'ValidatingAdmissionWebhook' }),
      refused('web-7f-abcde', 'system:kube-controller-manager', 'pods "web-7f-abcde" is forbidden: exceeded quota: q', 1000),
      refused('tried', 'kubernetes-admin', 'denied', 1000, { dryRun: true }),
      refused('fixed', 'kubernetes-admin', 'denied', 1000, { resolved: 'Pod demo/fixed exists now' }),
      refused('from-event', undefined, 'denied', 1000, { source: 'event' }),
      refused('ancient', 'kubernetes-admin', 'denied', 3_600_000),
    ],
    new Date(at),
  );
  assert.deepEqual(problems.map((p) => p.subject.name), ['root', 'floating']);
  assert.equal(problems[0]!.finding.rule, 'pod-security-violation');
  assert.match(problems[0]!.finding.cause, /enforces restricted/);
  assert.equal(problems[0]!.finding.changes?.length, 1);
  assert.equal(problems[1]!.finding.cause, 'admission webhook "pinned-images.podlab.dev" denied the request: pin a version tag');
  assert.equal(problems[0]!.subject.pod, undefined);
});
