// The API server's memory of admission refusals: bounded, newest first, a
// controller's retries counted as one; and, through a real API server, each
// stage's structured cause kept next to the message the client got (Pod
// Security's failed checks, a webhook's configuration and why it could not
// be called, a policy's expression with the values it compared).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdmissionDenials } from '../../main/apiserver/admission/admissionDenials.ts';
import type { AdmissionAttributes } from '../../main/apiserver/admission/admission.ts';
import { errors } from '../../main/apiserver/errors.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import type { ResourceDefinition } from '../../main/apiserver/registry/resourceDefinition.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { startWebhookServer, type TestWebhookServer } from '../helpers/webhookServer.ts';

const pods = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true } as unknown as ResourceDefinition;

function attrs(name: string, extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return { operation: 'CREATE', resource: pods, subresource: '', namespace: 'shop', name, object: { metadata: { name } }, user: adminUser, dryRun: false, ...extra };
}

describe('admission denial memory', () => {
  it('keeps the newest refusals up to its capacity, newest first', () => {
    let clock = Date.parse('2025-01-10T10:00:00Z');
    const memory = new AdmissionDenials({ capacity: 3, now: () => new Date((clock += 1000)) });
    for (let i = 0; i < 5; i++) memory.refused(attrs(`p${i}`), 'PodSecurity', errors.forbidden({ group: '', resource: 'pods' }, `p${i}`, 'no'));
    assert.deepEqual(
      memory.recent().map((d) => d.name),
      ['p4', 'p3', 'p2'],
    );
    assert.deepEqual(memory.recent('other'), []);
    // A refusal seen again moves to the front and is counted, without growing the memory.
    memory.refused(attrs('p2'), 'PodSecurity', errors.forbidden({ group: '', resource: 'pods' }, 'p2', 'no'));
    const [latest] = memory.recent('shop');
    assert.equal(latest!.name, 'p2');
    assert.equal(latest!.count, 2);
    assert.equal(memory.recent().length, 3);
  });

  it("a controller's retries with generated names are one refusal, with its owner", () => {
    const memory = new AdmissionDenials({ capacity: 10 });
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4f', uid: 'rs-uid', controller: true };
    for (const suffix of ['abcde', 'fghij', 'klmno']) {
      const name = `web-6d4f-${suffix}`;
      const object: KubeObject = { metadata: { name, generateName: 'web-6d4f-', ownerReferences: [owner] } };
      memory.refused(attrs(name, { object }), 'PodSecurity', errors.forbidden({ group: '', resource: 'pods' }, name, 'violates PodSecurity "restricted:latest": x'));
    }
    const all = memory.recent();
    assert.equal(all.length, 1);
    assert.equal(all[0]!.count, 3);
    assert.equal(all[0]!.generateName, 'web-6d4f-');
    assert.equal(all[0]!.name, 'web-6d4f-klmno');
    assert.deepEqual(all[0]!.owner, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4f', uid: 'rs-uid' });
  });

  it('a recorded plugin answers as the plugin does: at once when it answers at once, and each refusal remembered', async () => {
    const memory = new AdmissionDenials();
    const refuse = (name: string) => errors.forbidden({ group: '', resource: 'pods' }, name, 'no');
    const plugin = memory.recording({
      name: 'Example',
      mutate: (a) => {
        if (a.name === 'sync-refused') throw refuse(a.name);
      },
      validate: async (a) => {
        if (a.name === 'async-refused') throw refuse(a.name);
      },
    });
    // The chain awaits only promises: a plugin that answers at once must not become one.
    assert.equal(plugin.mutate!(attrs('fine')), undefined);
    assert.throws(() => plugin.mutate!(attrs('sync-refused')), /forbidden/);
    assert.ok(plugin.validate!(attrs('fine')) instanceof Promise);
    await assert.rejects(Promise.resolve(plugin.validate!(attrs('async-refused'))), /forbidden/);
    assert.deepEqual(
      memory.recent().map((d) => [d.name, d.plugin]),
      [
        ['async-refused', 'Example'],
        ['sync-refused', 'Example'],
      ],
    );
  });

  it('what it hands out is a copy', () => {
    const memory = new AdmissionDenials();
    memory.refused(attrs('x'), 'PodSecurity', errors.forbidden({ group: '', resource: 'pods' }, 'x', 'no'));
    memory.recent()[0]!.message = 'changed';
    assert.match(memory.recent()[0]!.message, /is forbidden: no$/);
  });
});

describe('admission refusals remembered by the API server', () => {
  let env: InProcessApi;
  let server: TestWebhookServer;
  const refuse = async (promise: Promise<unknown>) => assert.rejects(promise);
  const create = (plural: string, namespace: string | undefined, body: KubeObject, group = '', version = 'v1') => env.client.resource({ group, version, plural }).create(namespace, body);

  before(async () => {
    env = await startInProcessApi();
    server = await startWebhookServer();
  });
  after(async () => {
    await env.close();
    await server.close();
  });

  it('Pod Security: the level, each failed check by ID, and the checked fields of the pod', async () => {
    await create('namespaces', undefined, { metadata: { name: 'strict', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    await refuse(create('pods', 'strict', { metadata: { name: 'root' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', env: [{ name: 'TOKEN', value: 'secret' }] }] } }));
    const [denial] = env.api.admissionDenials.recent('strict');
    assert.equal(denial!.user, adminUser.name);
    assert.equal(denial!.plugin, 'PodSecurity');
    assert.equal(denial!.code, 403);
    assert.match(denial!.message, /^pods "root" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "app"/);
    assert.ok(denial!.cause?.stage === 'podSecurity');
    assert.equal(denial!.cause.level, 'restricted');
    assert.equal(denial!.cause.version, 'latest');
    assert.deepEqual(
      denial!.cause.checks.map((c) => c.id),
      ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted'],
    );
    assert.equal(denial!.cause.checks[0]!.detail, 'container "app" must set securityContext.allowPrivilegeEscalation=false');
    // Only what the checks read is kept: not the container's environment.
    assert.deepEqual(denial!.cause.pod.spec.containers, [{ name: 'app', image: 'busybox:1.36' }]);
  });

  it('a validating webhook: its configuration, a refusal, and a call that failed for want of a Service', async () => {
    await create('namespaces', undefined, { metadata: { name: 'hooked' } });
    server.handle('/deny', () => ({ allowed: false, status: { code: 403, message: 'images with :latest are not allowed' } }));
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];
    const admission = { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'validatingwebhookconfigurations' };
    await create(admission.plural, undefined, {
      metadata: { name: 'image-policy' },
      webhooks: [
        { name: 'latest.images.podlab.dev', clientConfig: { url: server.url('/deny'), caBundle: server.caBundle }, rules, sideEffects: 'None', admissionReviewVersions: ['v1'], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'hooked' } } },
      ],
    } as KubeObject, admission.group);
    await refuse(create('pods', 'hooked', { metadata: { name: 'latest' }, spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } }));
    const [denied] = env.api.admissionDenials.recent('hooked');
    assert.equal(denied!.plugin, 'ValidatingAdmissionWebhook');
    assert.equal(denied!.message, 'admission webhook "latest.images.podlab.dev" denied the request: images with :latest are not allowed');
    assert.deepEqual(denied!.cause, { stage: 'webhook', webhook: 'latest.images.podlab.dev', outcome: 'denied', configuration: 'image-policy', configurationKind: 'ValidatingWebhookConfiguration' });

    await env.client.resource(admission).delete(undefined, 'image-policy');
    await create(admission.plural, undefined, {
      metadata: { name: 'gone' },
      webhooks: [
        { name: 'gone.podlab.dev', clientConfig: { service: { namespace: 'hooked', name: 'policy', path: '/validate' }, caBundle: server.caBundle }, rules, sideEffects: 'None', admissionReviewVersions: ['v1'], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'hooked' } } },
      ],
    } as KubeObject, admission.group);
    await refuse(create('pods', 'hooked', { metadata: { name: 'any' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } }));
    const [failed] = env.api.admissionDenials.recent('hooked');
    assert.equal(failed!.code, 500);
    assert.equal(failed!.message, 'Internal error occurred: failed calling webhook "gone.podlab.dev": failed to call webhook: Post "https://policy.hooked.svc:443/validate?timeout=10s": service "policy" not found');
    assert.deepEqual(failed!.cause, {
      stage: 'webhook',
      webhook: 'gone.podlab.dev',
      outcome: 'call-failed',
      problem: 'service-not-found',
      failurePolicy: 'Fail',
      timeoutSeconds: 10,
      clientConfig: { service: { namespace: 'hooked', name: 'policy', port: 443, path: '/validate' } },
      configuration: 'gone',
      configurationKind: 'ValidatingWebhookConfiguration',
    });
    await env.client.resource(admission).delete(undefined, 'gone');
  });

  it('a ValidatingAdmissionPolicy: policy, binding, expression, params and the values compared', async () => {
    const group = 'admissionregistration.k8s.io';
    await create('namespaces', undefined, { metadata: { name: 'capped' } });
    await create('configmaps', 'capped', { metadata: { name: 'limits' }, data: { maxReplicas: '5' } } as KubeObject);
    await create('validatingadmissionpolicies', undefined, {
      metadata: { name: 'replica-limit' },
      spec: {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
        validations: [{ expression: 'object.spec.replicas <= int(params.data.maxReplicas)' }],
      },
    } as KubeObject, group);
    await create('validatingadmissionpolicybindings', undefined, { metadata: { name: 'replica-limit-capped' }, spec: { policyName: 'replica-limit', validationActions: ['Deny'], paramRef: { name: 'limits', namespace: 'capped', parameterNotFoundAction: 'Deny' } } } as KubeObject, group);
    const deployment = { metadata: { name: 'big' }, spec: { replicas: 7, selector: { matchLabels: { app: 'big' } }, template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } };
    await refuse(create('deployments', 'capped', deployment as KubeObject, 'apps'));
    const [denial] = env.api.admissionDenials.recent('capped');
    assert.equal(denial!.plugin, 'ValidatingAdmissionPolicy');
    assert.equal(denial!.kind, 'Deployment');
    assert.deepEqual(denial!.cause, {
      stage: 'validatingAdmissionPolicy',
      policy: 'replica-limit',
      binding: 'replica-limit-capped',
      expression: 'object.spec.replicas <= int(params.data.maxReplicas)',
      message: 'failed expression: object.spec.replicas <= int(params.data.maxReplicas)',
      reason: 'Invalid',
      params: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'capped', name: 'limits' },
      clauses: [
        {
          expression: 'object.spec.replicas <= int(params.data.maxReplicas)',
          comparison: { operator: '<=', left: { expression: 'object.spec.replicas', value: '7' }, right: { expression: 'int(params.data.maxReplicas)', value: '5' } },
        },
      ],
    });
  });
});
