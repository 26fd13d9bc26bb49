// Admission webhooks end to end in one process: configurations validated and
// defaulted as Kubernetes does, and real HTTPS webhooks on 127.0.0.1 called
// for matching requests, in order, with reinvocation, failure policies,
// timeouts, selectors and match conditions.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { ApiResult } from '../../main/apiserver/dispatcher.ts';
import { StatusError } from '../../main/apiserver/errors.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import type { Verb } from '../../main/apiserver/requestInfo.ts';
import { ensureBootstrapPolicy } from '../../main/cluster/bootstrapPolicy.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { startWebhookServer, type TestWebhookServer } from '../helpers/webhookServer.ts';

const admissionGroup = { group: 'admissionregistration.k8s.io', version: 'v1' };

interface Call {
  verb: Verb;
  group?: string;
  version?: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  body?: unknown;
  query?: Record<string, string>;
  contentType?: string;
}

async function call(env: InProcessApi, c: Call): Promise<ApiResult & { type: 'object' }> {
  const group = c.group ?? '';
  const version = c.version ?? 'v1';
  const info = {
    isResourceRequest: true as const,
    path: `/${group ? `apis/${group}` : 'api'}/${version}/${c.resource}`,
    group,
    version,
    namespace: c.namespace ?? '',
    resource: c.resource,
    name: c.name ?? '',
    subresource: c.subresource ?? '',
    verb: c.verb,
  };
  const result = await env.api.dispatcher.handle({ user: adminUser, info, query: new URLSearchParams(c.query ?? {}), body: c.body, contentType: c.contentType });
  assert.equal(result.type, 'object');
  return result as ApiResult & { type: 'object' };
}

async function failure(promise: Promise<unknown>): Promise<StatusError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail('expected the request to fail');
}

function pod(name: string, image = 'busybox:1.36', labels?: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(labels ? { labels } : {}) }, spec: { containers: [{ name: 'c', image }] } };
}

function createPod(env: InProcessApi, namespace: string, body: unknown, query?: Record<string, string>) {
  return call(env, { verb: 'create', resource: 'pods', namespace, body, query });
}

function configuration(kind: 'Mutating' | 'Validating', name: string, webhooks: Array<Record<string, unknown>>) {
  const plural = kind === 'Mutating' ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations';
  return { ...admissionGroup, plural, body: { apiVersion: 'admissionregistration.k8s.io/v1', kind: `${kind}WebhookConfiguration`, metadata: { name }, webhooks } };
}

async function configure(env: InProcessApi, kind: 'Mutating' | 'Validating', name: string, webhooks: Array<Record<string, unknown>>) {
  const c = configuration(kind, name, webhooks);
  return call(env, { verb: 'create', group: c.group, version: c.version, resource: c.plural, body: c.body });
}

const podRules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];

function hook(server: TestWebhookServer, name: string, path: string, extra: Record<string, unknown> = {}) {
  return { name, clientConfig: { url: server.url(path), caBundle: server.caBundle }, rules: podRules, sideEffects: 'None', admissionReviewVersions: ['v1'], ...extra };
}

describe('webhook configurations', () => {
  let env: InProcessApi;
  before(async () => (env = await startInProcessApi()));
  after(async () => env.close());

  it('defaults as admissionregistration/v1 does', async () => {
    const created = await configure(env, 'Mutating', 'defaults', [
      { name: 'a.example.com', clientConfig: { service: { name: 'svc', namespace: 'ns' } }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }], sideEffects: 'None', admissionReviewVersions: ['v1'] },
    ]);
    const hook = (created.object as { webhooks: Array<Record<string, any>> }).webhooks[0];
    assert.equal(hook.failurePolicy, 'Fail');
    assert.equal(hook.matchPolicy, 'Equivalent');
    assert.deepEqual(hook.namespaceSelector, {});
    assert.deepEqual(hook.objectSelector, {});
    assert.equal(hook.timeoutSeconds, 10);
    assert.equal(hook.reinvocationPolicy, 'Never');
    assert.equal(hook.clientConfig.service.port, 443);
    assert.equal(hook.rules[0].scope, '*');
  });

  it('refuses what Kubernetes refuses, with its messages', async () => {
    const err = await failure(
      configure(env, 'Validating', 'bad', [
        { name: 'short.name', clientConfig: { url: 'http://example.com/x?y=1', service: { name: 's', namespace: 'n' } }, rules: [{ operations: [], apiGroups: ['*', 'apps'], apiVersions: ['v1'], resources: ['pods'] }], timeoutSeconds: 31 },
        { name: 'dup.example.com', clientConfig: { url: 'http://example.com/x?y=1' }, sideEffects: 'Some', admissionReviewVersions: ['v2'] },
        { name: 'dup.example.com', clientConfig: { service: { name: 's', namespace: 'n', port: 0, path: 'x' } }, sideEffects: 'None', admissionReviewVersions: ['v1'] },
      ]),
    );
    assert.equal(err.code, 422);
    const message = err.message;
    for (const expected of [
      'webhooks[0].name: Invalid value: "short.name": should be a domain with at least three segments separated by dots',
      'webhooks[0].rules[0].operations: Required value',
      `webhooks[0].rules[0].apiGroups: Invalid value: []string{"*", "apps"}: if '*' is present, must not specify other API groups`,
      'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      'webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
      'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
      'webhooks[0].clientConfig: Required value: exactly one of url or service is required',
      `webhooks[1].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme`,
      'webhooks[1].clientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL',
      'webhooks[1].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
      'webhooks[1].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1',
      'webhooks[2].name: Duplicate value: "dup.example.com"',
      'webhooks[2].clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive',
      `webhooks[2].clientConfig.service.path: Invalid value: "x": must start with a '/'`,
    ]) {
      assert.ok(message.includes(expected), `missing ${expected} in ${message}`);
    }
  });

  it('RBAC: only cluster-admin writes admission configurations, as in Kubernetes bootstrap policy (not admin, edit or view)', async () => {
    await ensureBootstrapPolicy(env.client);
    await call(env, {
      verb: 'create',
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterrolebindings',
      body: { metadata: { name: 'alice-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }] },
    });
    const alice = { name: 'alice', groups: ['system:authenticated'] };
    for (const resource of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings']) {
      const info = { isResourceRequest: true as const, path: '', ...admissionGroup, namespace: '', resource, name: '', subresource: '', verb: 'list' as const };
      const err = await failure(env.api.dispatcher.handle({ user: alice, info, query: new URLSearchParams() }));
      assert.equal(err.code, 403);
      assert.match(err.message, new RegExp(`^${resource}.admissionregistration.k8s.io is forbidden: User "alice" cannot list resource "${resource}" in API group "admissionregistration.k8s.io" at the cluster scope`));
    }
  });

  it('prints NAME WEBHOOKS AGE', async () => {
    const def = env.api.catalog.registry('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations')!.def;
    assert.deepEqual(
      def.strategy.table!.columns.map((c) => c.name),
      ['Name', 'Webhooks', 'Age'],
    );
  });
});

describe('webhook dispatch', () => {
  let env: InProcessApi;
  let server: TestWebhookServer;
  let namespaceCount = 0;
  let ns: string;

  before(async () => {
    env = await startInProcessApi();
    server = await startWebhookServer();
  });
  after(async () => {
    await env.close();
    await server.close();
  });
  beforeEach(async () => {
    // Each case starts with no configurations and its own namespace.
    for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
      await call(env, { verb: 'deletecollection', ...admissionGroup, resource: plural });
    }
    server.reviews.length = 0;
    ns = `t${++namespaceCount}`;
    await call(env, { verb: 'create', resource: 'namespaces', body: { metadata: { name: ns, labels: { team: ns } } } });
  });

  it('a validating webhook refuses with its message and code, and sees the whole request', async () => {
    server.handle('/deny-latest', (req) => {
      const images = (req.object?.spec.containers ?? []).map((c: { image: string }) => c.image);
      return images.some((i: string) => i.endsWith(':latest')) ? { allowed: false, status: { code: 403, message: 'images with :latest are not allowed' } } : { allowed: true };
    });
    await configure(env, 'Validating', 'deny-latest', [hook(server, 'deny-latest.podlab.dev', '/deny-latest')]);
    const err = await failure(createPod(env, ns, pod('x', 'busybox:latest')));
    assert.equal(err.code, 403);
    assert.equal(err.message, 'admission webhook "deny-latest.podlab.dev" denied the request: images with :latest are not allowed');
    await createPod(env, ns, pod('y'), { fieldManager: 'tests' });
    const { request } = server.reviews.at(-1)!;
    assert.ok(request.uid);
    assert.deepEqual(request.kind, { group: '', version: 'v1', kind: 'Pod' });
    assert.deepEqual(request.resource, { group: '', version: 'v1', resource: 'pods' });
    assert.deepEqual(request.requestKind, { group: '', version: 'v1', kind: 'Pod' });
    assert.equal(request.name, 'y');
    assert.equal(request.namespace, ns);
    assert.equal(request.operation, 'CREATE');
    assert.equal(request.userInfo.username, adminUser.name);
    assert.equal(request.object?.spec.containers[0].image, 'busybox:1.36');
    assert.equal(request.oldObject, null);
    assert.equal(request.dryRun, false);
    assert.deepEqual(request.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', fieldManager: 'tests' });
  });

  it('a refusal without a code is a 400; one without a message says so', async () => {
    server.handle('/deny', () => ({ allowed: false }));
    await configure(env, 'Validating', 'deny', [hook(server, 'deny.podlab.dev', '/deny')]);
    const err = await failure(createPod(env, ns, pod('x')));
    assert.equal(err.code, 400);
    assert.equal(err.message, 'admission webhook "deny.podlab.dev" denied the request without explanation');
  });

  it('a mutating webhook patches the object, and its warnings reach the client', async () => {
    server.handle('/label', (req) => ({
      allowed: true,
      warnings: ['labelled by the webhook'],
      patch: req.object?.metadata.labels ? [{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }] : [{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }],
    }));
    await configure(env, 'Mutating', 'label', [hook(server, 'label.podlab.dev', '/label')]);
    const result = await createPod(env, ns, pod('x'));
    assert.equal((result.object as { metadata: { labels: Record<string, string> } }).metadata.labels.mutated, 'yes');
    assert.deepEqual(result.warnings, ['labelled by the webhook']);
  });

  it('a create with generateName: mutating webhooks see no name yet, validating ones the generated name (as kube-apiserver, which generates it between the two)', async () => {
    server.handle('/seen', () => ({ allowed: true }));
    await configure(env, 'Mutating', 'seen-m', [hook(server, 'seen-m.podlab.dev', '/seen')]);
    await configure(env, 'Validating', 'seen-v', [hook(server, 'seen-v.podlab.dev', '/seen')]);
    const created = await createPod(env, ns, { ...pod(''), metadata: { generateName: 'web-7d4b9-' } });
    const name = (created.object as { metadata: { name: string } }).metadata.name;
    assert.match(name, /^web-7d4b9-[a-z0-9]{5}$/);
    const [mutating, validating] = server.reviews.map((r) => r.request);
    assert.equal(mutating!.name, '');
    assert.equal(mutating!.object?.metadata.name, undefined);
    assert.equal(mutating!.object?.metadata.generateName, 'web-7d4b9-');
    assert.equal(validating!.name, name);
    assert.equal(validating!.object?.metadata.name, name);
  });

  it('mutating webhooks run by configuration name, then webhook order; validating ones see the result', async () => {
    const append = (mark: string) => (req: { object: Record<string, any> | null }) => {
      const trail = req.object?.metadata.annotations?.trail;
      return { allowed: true, patch: [{ op: 'add', path: '/metadata/annotations', value: { trail: trail ? `${trail},${mark}` : mark } }] };
    };
    server.handle('/a1', append('a1'));
    server.handle('/a2', append('a2'));
    server.handle('/b', append('b'));
    let seenTrail = '';
    server.handle('/check', (req) => {
      seenTrail = req.object?.metadata.annotations?.trail;
      return { allowed: true };
    });
    await configure(env, 'Mutating', 'b-config', [hook(server, 'b.podlab.dev', '/b')]);
    await configure(env, 'Mutating', 'a-config', [hook(server, 'a1.podlab.dev', '/a1'), hook(server, 'a2.podlab.dev', '/a2')]);
    await configure(env, 'Validating', 'check', [hook(server, 'check.podlab.dev', '/check')]);
    const result = await createPod(env, ns, pod('x'));
    assert.equal((result.object as { metadata: { annotations: Record<string, string> } }).metadata.annotations.trail, 'a1,a2,b');
    assert.equal(seenTrail, 'a1,a2,b');
    // Each call has its own request.uid, as kube-apiserver makes one for every AdmissionReview it sends (CreateAdmissionObjects).
    assert.equal(server.reviews.length, 4);
    assert.equal(new Set(server.reviews.map((r) => r.request.uid)).size, 4);
  });

  it('reinvocationPolicy IfNeeded calls a webhook again when a later one changed the object', async () => {
    const observe = (req: { object: Record<string, any> | null }) => ({
      allowed: true,
      patch: [{ op: 'add', path: '/metadata/annotations', value: { ...(req.object?.metadata.annotations ?? {}), 'saw-b': String(!!req.object?.metadata.labels?.b) } }],
    });
    server.handle('/observe', observe);
    server.handle('/add-b', (req) => ({ allowed: true, patch: req.object?.metadata.labels?.b ? [] : [{ op: 'add', path: '/metadata/labels', value: { b: 'yes' } }] }));
    await configure(env, 'Mutating', 'a-observe', [hook(server, 'observe.podlab.dev', '/observe', { reinvocationPolicy: 'IfNeeded' })]);
    await configure(env, 'Mutating', 'b-add', [hook(server, 'add-b.podlab.dev', '/add-b')]);
    const result = await createPod(env, ns, pod('x'));
    assert.equal((result.object as { metadata: { annotations: Record<string, string> } }).metadata.annotations['saw-b'], 'true');
    assert.equal(server.reviews.filter((r) => r.path === '/observe').length, 2);
    assert.equal(server.reviews.filter((r) => r.path === '/add-b').length, 1);

    server.reviews.length = 0;
    await call(env, { verb: 'delete', ...admissionGroup, resource: 'mutatingwebhookconfigurations', name: 'a-observe' });
    await configure(env, 'Mutating', 'a-observe', [hook(server, 'observe.podlab.dev', '/observe', { reinvocationPolicy: 'Never' })]);
    const once = await createPod(env, ns, pod('y'));
    assert.equal((once.object as { metadata: { annotations: Record<string, string> } }).metadata.annotations['saw-b'], 'false');
    assert.equal(server.reviews.filter((r) => r.path === '/observe').length, 1);
  });

  it('failurePolicy Fail refuses with kube-apiserver message when the webhook is unreachable; Ignore lets the request through', async () => {
    const closed = await startWebhookServer();
    const port = closed.port;
    await closed.close();
    await configure(env, 'Validating', 'down', [{ ...hook(server, 'down.podlab.dev', '/'), clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: server.caBundle } }]);
    const err = await failure(createPod(env, ns, pod('x')));
    assert.equal(err.code, 500);
    assert.equal(err.status.reason, 'InternalError');
    assert.equal(
      err.message,
      `Internal error occurred: failed calling webhook "down.podlab.dev": failed to call webhook: Post "https://127.0.0.1:${port}/validate?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    await call(env, { verb: 'delete', ...admissionGroup, resource: 'validatingwebhookconfigurations', name: 'down' });
    await configure(env, 'Validating', 'down', [{ ...hook(server, 'down.podlab.dev', '/'), failurePolicy: 'Ignore', clientConfig: { url: `https://127.0.0.1:${port}/validate` } }]);
    await createPod(env, ns, pod('y'));
  });

  it('timeoutSeconds ends a call that does not answer', async () => {
    server.handle('/hang', () => ({ allowed: true, hang: true }));
    await configure(env, 'Validating', 'slow', [hook(server, 'slow.podlab.dev', '/hang', { timeoutSeconds: 1 })]);
    const err = await failure(createPod(env, ns, pod('x')));
    assert.equal(err.message, `Internal error occurred: failed calling webhook "slow.podlab.dev": failed to call webhook: Post "${server.url('/hang')}?timeout=1s": context deadline exceeded`);
  });

  it('a server whose certificate the caBundle does not sign is refused', async () => {
    const other = await startWebhookServer();
    try {
      await configure(env, 'Validating', 'untrusted', [{ ...hook(server, 'untrusted.podlab.dev', '/'), clientConfig: { url: server.url('/'), caBundle: other.caBundle } }]);
      const err = await failure(createPod(env, ns, pod('x')));
      assert.match(err.message, /failed to call webhook: Post ".*": tls: failed to verify certificate: x509: certificate signed by unknown authority$/);
    } finally {
      await other.close();
    }
  });

  it('an answer for another request is refused as an invalid response', async () => {
    const { createServer } = await import('node:https');
    const { loadOrCreatePki } = await import('../../main/cluster/pki.ts');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const pki = loadOrCreatePki(mkdtempSync(join(tmpdir(), 'podlab-wrong-uid-')), 'w');
    const liar = createServer({ key: pki.serverKey, cert: pki.serverCert }, (req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'other', allowed: true } })));
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    const port = (liar.address() as { port: number }).port;
    try {
      await configure(env, 'Validating', 'liar', [{ ...hook(server, 'liar.podlab.dev', '/'), clientConfig: { url: `https://127.0.0.1:${port}/`, caBundle: Buffer.from(pki.caCert).toString('base64') } }]);
      const err = await failure(createPod(env, ns, pod('x')));
      assert.match(err.message, /^Internal error occurred: failed calling webhook "liar.podlab.dev": received invalid webhook response: expected response.uid="[0-9a-f-]+", got "other"$/);
    } finally {
      liar.closeAllConnections();
      await new Promise<void>((resolve) => liar.close(() => resolve()));
    }
  });

  it('namespaceSelector, objectSelector and matchConditions choose the requests', async () => {
    server.handle('/deny', () => ({ allowed: false, status: { message: 'no' } }));
    await configure(env, 'Validating', 'selective', [
      hook(server, 'selective.podlab.dev', '/deny', {
        namespaceSelector: { matchLabels: { team: ns } },
        objectSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
        matchConditions: [{ name: 'not-exempt', expression: "!has(object.metadata.annotations) || !('exempt' in object.metadata.annotations)" }],
      }),
    ]);
    await createPod(env, ns, pod('no-label'));
    await createPod(env, ns, { ...pod('exempt', 'busybox:1.36', { app: 'web' }), metadata: { name: 'exempt', labels: { app: 'web' }, annotations: { exempt: 'yes' } } });
    await call(env, { verb: 'create', resource: 'namespaces', body: { metadata: { name: `${ns}-other` } } });
    await createPod(env, `${ns}-other`, pod('elsewhere', 'busybox:1.36', { app: 'web' }));
    const err = await failure(createPod(env, ns, pod('web', 'busybox:1.36', { app: 'web' })));
    assert.equal(err.message, 'admission webhook "selective.podlab.dev" denied the request: no');
  });

  it('a match condition that fails to evaluate follows the failurePolicy', async () => {
    await configure(env, 'Validating', 'broken', [hook(server, 'broken.podlab.dev', '/', { matchConditions: [{ name: 'bad', expression: 'object.spec.nothing.here' }] })]);
    const err = await failure(createPod(env, ns, pod('x')));
    assert.match(err.message, /^Internal error occurred: failed calling webhook "broken.podlab.dev": failed to evaluate match conditions: /);
  });

  it('rules name subresources: pods/status and */scale, never the main resource alone', async () => {
    server.handle('/deny', (req) => ({ allowed: false, status: { message: `${req.resource.resource}/${req.subResource ?? ''} ${req.kind.kind}` } }));
    await configure(env, 'Validating', 'subresources', [
      hook(server, 'subresources.podlab.dev', '/deny', { rules: [{ operations: ['UPDATE'], apiGroups: ['', 'apps'], apiVersions: ['v1'], resources: ['pods/status', '*/scale'] }] }),
    ]);
    await createPod(env, ns, pod('x'));
    await call(env, { verb: 'patch', resource: 'pods', namespace: ns, name: 'x', body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' });
    const status = await failure(call(env, { verb: 'patch', resource: 'pods', namespace: ns, name: 'x', subresource: 'status', body: { status: { message: 'm' } }, contentType: 'application/merge-patch+json' }));
    assert.equal(status.message, 'admission webhook "subresources.podlab.dev" denied the request: pods/status Pod');
    const deployment = { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } };
    await call(env, { verb: 'create', group: 'apps', resource: 'deployments', namespace: ns, body: deployment });
    const scale = await failure(call(env, { verb: 'patch', group: 'apps', resource: 'deployments', namespace: ns, name: 'web', subresource: 'scale', body: { spec: { replicas: 3 } }, contentType: 'application/merge-patch+json' }));
    assert.equal(scale.message, 'admission webhook "subresources.podlab.dev" denied the request: deployments/scale Scale');
    const review = server.reviews.at(-1)!.request;
    assert.equal(review.object?.spec.replicas, 3);
    assert.equal(review.oldObject?.spec.replicas, 1);
  });

  it('dry runs reach webhooks without side effects, marked dryRun', async () => {
    await configure(env, 'Validating', 'dry', [hook(server, 'dry.podlab.dev', '/', { sideEffects: 'NoneOnDryRun' })]);
    await createPod(env, ns, pod('x'), { dryRun: 'All' });
    const { request } = server.reviews.at(-1)!;
    assert.equal(request.dryRun, true);
    assert.deepEqual(request.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', dryRun: ['All'] });
  });

  it('DELETE sends the old object and the DeleteOptions', async () => {
    await createPod(env, ns, pod('x'));
    await configure(env, 'Validating', 'deletes', [hook(server, 'deletes.podlab.dev', '/', { rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] })]);
    await call(env, { verb: 'delete', resource: 'pods', namespace: ns, name: 'x', query: { gracePeriodSeconds: '0' } });
    const { request } = server.reviews.at(-1)!;
    assert.equal(request.operation, 'DELETE');
    assert.equal(request.object, null);
    assert.equal(request.oldObject?.metadata.name, 'x');
    assert.deepEqual(request.options, { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', gracePeriodSeconds: 0 });
  });

  it('a webhook named by a Service is reached at a ready endpoint, verified by the Service name', async () => {
    // kubernetes.default.svc is a name the test server's certificate carries.
    await call(env, { verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'kubernetes' }, spec: { ports: [{ name: 'https', port: 443, targetPort: server.port }] } } }).catch(() => undefined);
    await call(env, {
      verb: 'create',
      resource: 'endpoints',
      namespace: 'default',
      body: { metadata: { name: 'kubernetes' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: server.port }] }] },
    }).catch(() => undefined);
    server.handle('/via-service', () => ({ allowed: false, status: { message: 'reached through the service' } }));
    await configure(env, 'Validating', 'service', [{ ...hook(server, 'service.podlab.dev', '/'), clientConfig: { service: { name: 'kubernetes', namespace: 'default', path: '/via-service' }, caBundle: server.caBundle } }]);
    const err = await failure(createPod(env, ns, pod('x')));
    assert.equal(err.message, 'admission webhook "service.podlab.dev" denied the request: reached through the service');

    await call(env, { verb: 'delete', ...admissionGroup, resource: 'validatingwebhookconfigurations', name: 'service' });
    await configure(env, 'Validating', 'service', [{ ...hook(server, 'service.podlab.dev', '/'), clientConfig: { service: { name: 'missing', namespace: 'default', path: '/x' }, caBundle: server.caBundle } }]);
    const missing = await failure(createPod(env, ns, pod('y')));
    assert.equal(missing.message, 'Internal error occurred: failed calling webhook "service.podlab.dev": failed to call webhook: Post "https://missing.default.svc:443/x?timeout=10s": service "missing" not found');
  });

  it("a Service's endpoint is reached through the cluster network's dialer, the certificate still checked against the Service's name", async () => {
    // A pod address the process could not reach itself: only the dialer gets there.
    const upsert = async (resource: string, body: Record<string, unknown>) => {
      const name = (body.metadata as { name: string }).name;
      await call(env, { verb: 'delete', resource, namespace: 'default', name }).catch(() => undefined);
      await call(env, { verb: 'create', resource, namespace: 'default', body });
    };
    for (const name of ['kubernetes', 'webhook-elsewhere']) {
      await upsert('services', { metadata: { name }, spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] } });
      await upsert('endpoints', { metadata: { name }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'https', port: 8443 }] }] });
    }
    const dialed: string[] = [];
    let refuse: Error | undefined;
    env.api.clusterDialer = async ({ host, port }) => {
      dialed.push(`${host}:${port}`);
      if (refuse) throw refuse;
      const socket = connect({ host: '127.0.0.1', port: server.port });
      await once(socket, 'connect');
      return socket;
    };
    try {
      server.handle('/dialed', () => ({ allowed: false, status: { message: 'reached through the dialer' } }));
      const serviceHook = (name: string) => ({ ...hook(server, 'dialed.podlab.dev', '/'), clientConfig: { service: { name, namespace: 'default', path: '/dialed' }, caBundle: server.caBundle } });
      await configure(env, 'Validating', 'dialed', [serviceHook('kubernetes')]);
      const err = await failure(createPod(env, ns, pod('x')));
      assert.equal(err.message, 'admission webhook "dialed.podlab.dev" denied the request: reached through the dialer');
      assert.deepEqual(dialed, ['192.0.2.10:8443']);

      // The dialer's failures read as Go's dialer words them, for the pod address.
      refuse = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:32768'), { code: 'ECONNREFUSED' });
      const refused = await failure(createPod(env, ns, pod('y')));
      assert.equal(refused.message, 'Internal error occurred: failed calling webhook "dialed.podlab.dev": failed to call webhook: Post "https://kubernetes.default.svc:443/dialed?timeout=10s": dial tcp 192.0.2.10:8443: connect: connection refused');
      refuse = new Error('192.0.2.10:8443: connect ECONNREFUSED 192.0.2.10:8443');
      assert.equal((await failure(createPod(env, ns, pod('y')))).message, refused.message);
      refuse = undefined;

      // The same server behind a Service its certificate does not name: refused by TLS, as kube-apiserver refuses it.
      await call(env, { verb: 'delete', ...admissionGroup, resource: 'validatingwebhookconfigurations', name: 'dialed' });
      await configure(env, 'Validating', 'dialed', [serviceHook('webhook-elsewhere')]);
      const untrusted = await failure(createPod(env, ns, pod('z')));
      // Go lists the certificate's DNS names for a name (its IP addresses only for an IP).
      assert.equal(
        untrusted.message,
        'Internal error occurred: failed calling webhook "dialed.podlab.dev": failed to call webhook: Post "https://webhook-elsewhere.default.svc:443/dialed?timeout=10s": ' +
          'tls: failed to verify certificate: x509: certificate is valid for localhost, kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, host.docker.internal, not webhook-elsewhere.default.svc',
      );
    } finally {
      env.api.clusterDialer = undefined;
    }
  });

  it('webhook configurations themselves are never sent to webhooks', async () => {
    server.handle('/deny', () => ({ allowed: false }));
    await configure(env, 'Validating', 'deny-all', [hook(server, 'deny-all.podlab.dev', '/deny', { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }] })]);
    await call(env, { verb: 'delete', ...admissionGroup, resource: 'validatingwebhookconfigurations', name: 'deny-all' });
  });
});
