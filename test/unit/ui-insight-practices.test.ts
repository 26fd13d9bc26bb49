import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { bestPractices } from '../../main/insight/bestPractices.ts';
import type { PodView } from '../../main/insight/podView.ts';
import { pod } from './ui-insight-fixtures.ts';

test('a raw root pod without limits: each practice named, with its fix', () => {
  const raw = pod('scratch', { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] }, { phase: 'Running' });
  const advice = bestPractices({ pod: raw, disruptionBudget: false });
  assert.deepEqual(advice.map((a) => a.rule), ['practice-controller', 'practice-requests', 'practice-limits', 'practice-probes', 'practice-root', 'practice-latest-tag', 'practice-pod-security']);
  const controller = advice[0]!;
  const deployment = (controller.fixes![0]!.changes[0] as unknown as { object: { kind: string; spec: { template: { spec: object } } } }).object;
  assert.equal(deployment.kind, 'Deployment');
  assert.deepEqual(deployment.spec.template.spec, raw.spec);
  assert.deepEqual(advice.find((a) => a.rule === 'practice-probes')!.fixes![0]!.changes, [{ action: 'podSpec', patch: { containers: [{ name: 'app', readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 10 } }] } }]);
  assert.deepEqual(advice.find((a) => a.rule === 'practice-root')!.fixes![0]!.changes, [{ action: 'podSpec', patch: { securityContext: { runAsNonRoot: true, runAsUser: 1000 } } }]);
  assert.match(advice.find((a) => a.rule === 'practice-pod-security')!.title, /^Pod Security: passes baseline, not restricted$/);
  assert.match(advice.find((a) => a.rule === 'practice-pod-security')!.cause, /allowPrivilegeEscalation != false/);
});

test('a single-replica Deployment without a budget gets two replicas and a PodDisruptionBudget on its selector', () => {
  const owned = pod('web-1', { containers: [{ name: 'web', image: 'busybox:1.36' }] }, {});
  owned.metadata.labels = { app: 'web', 'pod-template-hash': 'abc' };
  const advice = bestPractices({ pod: owned, owner: { kind: 'Deployment', name: 'web', replicas: 1, selector: { app: 'web' } }, disruptionBudget: false });
  const disruption = advice.find((a) => a.rule === 'practice-disruption')!;
  assert.equal(disruption.title, 'Deployment web has a single replica and no disruption budget');
  assert.deepEqual(disruption.fixes![0]!.changes[0], { action: 'ownerPatch', patch: { spec: { replicas: 2 } } });
  assert.deepEqual((disruption.fixes![0]!.changes[1] as unknown as { object: { spec: object } }).object.spec, { minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
  assert.equal(bestPractices({ pod: owned, owner: { kind: 'Deployment', name: 'web', replicas: 3, selector: { app: 'web' } }, disruptionBudget: true }).some((a) => a.rule === 'practice-disruption'), false);
  // A Job's pods finish on their own: no probes asked of them.
  assert.equal(bestPractices({ pod: owned, owner: { kind: 'Job', name: 'migrate' }, disruptionBudget: false }).some((a) => a.rule === 'practice-probes'), false);
});

test('the hello-web sample follows every practice PodLab checks', () => {
  const docs = parseAllDocuments(readFileSync(new URL('../../resources/samples/hello-web.yaml', import.meta.url), 'utf8')).map((d) => d.toJSON());
  const deployment = docs.find((d) => d.kind === 'Deployment');
  const budget = docs.find((d) => d.kind === 'PodDisruptionBudget');
  assert.ok(budget, 'the sample carries its disruption budget');
  const podFromTemplate: PodView = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello-web-1', namespace: 'default', labels: deployment.spec.template.metadata.labels }, spec: deployment.spec.template.spec };
  const advice = bestPractices({ pod: podFromTemplate, owner: { kind: 'Deployment', name: 'hello-web', replicas: deployment.spec.replicas, selector: deployment.spec.selector.matchLabels }, disruptionBudget: true });
  assert.deepEqual(advice.map((a) => `${a.rule}: ${a.title}`), []);
});

test('the restricted securityContext fix makes a root pod pass restricted, checked by Pod Security itself; host namespaces get no fix', async () => {
  const { restrictedPatch } = await import('../../main/insight/podSecurityFix.ts');
  const { applyPatch } = await import('../../main/apiserver/patch/applyPatch.ts');
  const { SchemaLookup } = await import('../../main/apiserver/openapi/schemaLookup.ts');
  const { aggregate, evaluatePod } = await import('../../main/apiserver/admission/podSecurity/checkRegistry.ts');
  const root = pod('root', { containers: [{ name: 'app', image: 'busybox:1.36', securityContext: { capabilities: { add: ['NET_ADMIN'] } } } as never] }, {});
  const { patch, remaining } = restrictedPatch(root);
  assert.equal(remaining, undefined);
  const patched = applyPatch('application/strategic-merge-patch+json', root, { spec: patch }, SchemaLookup.kubernetes(), { group: '', version: 'v1', kind: 'Pod' }) as typeof root;
  assert.equal(aggregate(evaluatePod({ level: 'restricted', version: 'latest' }, {}, patched.spec as never)).allowed, true);
  const advice = bestPractices({ pod: root, disruptionBudget: false }).find((a) => a.rule === 'practice-pod-security')!;
  assert.equal(advice.fixes?.[0]?.title, 'Set the securityContext that passes restricted');

  const host = pod('host', { hostNetwork: true, containers: [{ name: 'app', image: 'busybox:1.36' }] } as never, {});
  const hostAdvice = bestPractices({ pod: host, disruptionBudget: false }).find((a) => a.rule === 'practice-pod-security')!;
  assert.equal(hostAdvice.fixes, undefined);
  assert.match(hostAdvice.cause, /No securityContext changes this part: host namespaces/);
});
