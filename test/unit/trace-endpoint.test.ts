// GET /podlab/v1/namespaces/NS/pods/NAME/trace over HTTPS, as a client of
// the API sees it: the journey of a pod created with the admin's token
// (bearer token authentication, a mutating webhook's patch with the YAML
// before and after), the same as OTLP/JSON, and the refusals: 403 for a user
// who may not read the pod, 404 in Kubernetes' Status shape for a pod
// nobody knows, 400 for a format there is none of. Discovery does not list it.

import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { PodTrace } from '../../preload/api.ts';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import type { OtlpTraces } from '../../main/kube/trace/otlp.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';
import { startWebhookServer, type TestWebhookServer } from '../helpers/webhookServer.ts';

interface Answer {
  status: number;
  json: any;
}

describe('the pod trace endpoint', () => {
  const dir = tempDir('trace-endpoint');
  const pki = loadOrCreatePki(dir, 'trace');
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17' });
  let webhook: TestWebhookServer;

  function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(`${api.url}${path}`, { method, ca: pki.caCert, headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  before(async () => {
    await api.listen(0);
    await ensureSystemNamespaces(api.client(adminUser));
    webhook = await startWebhookServer();
    webhook.handle('/label', () => ({ allowed: true, patch: [{ op: 'add', path: '/metadata/labels', value: { injected: 'yes' } }] }));
    await api.client(adminUser).resource({ group: 'admissionregistration.k8s.io', version: 'v1', plural: 'mutatingwebhookconfigurations' }).create(undefined, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'labeler' },
      webhooks: [{ name: 'label.podlab.dev', clientConfig: { url: webhook.url('/label'), caBundle: webhook.caBundle }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }], sideEffects: 'None', admissionReviewVersions: ['v1'] }],
    });
    const created = await call('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } });
    assert.equal(created.status, 201);
  });

  after(async () => {
    await webhook?.close();
    await api.close();
    await store.close();
    removeDir(dir);
  });

  it('answers the journey with the admin credentials: authentication, the webhook patch as YAML before and after, the write', async () => {
    const answer = await call('GET', '/podlab/v1/namespaces/default/pods/web/trace');
    assert.equal(answer.status, 200);
    const trace = answer.json as PodTrace;
    const pod = await api.client(adminUser).resource({ group: '', version: 'v1', plural: 'pods' }).get('default', 'web');
    assert.equal(trace.uid, pod.metadata.uid);
    assert.equal(trace.namespace, 'default');
    assert.equal(trace.name, 'web');

    const request = trace.spans[0]!;
    assert.equal(request.step, 'request');
    assert.equal(request.name, 'POST /api/v1/namespaces/default/pods');
    assert.equal(request.attributes.client, 'https');
    const authenticate = trace.spans.find((s) => s.name === 'authenticate')!;
    assert.deepEqual([authenticate.attributes.user, authenticate.attributes.method], ['kubernetes-admin', 'bearer token']);
    assert.ok(authenticate.startMs >= request.startMs, 'authentication starts when the request arrived or after');

    const hook = trace.spans.find((s) => s.name === 'mutating webhook label.podlab.dev')!;
    assert.equal(hook.step, 'admission');
    assert.equal(hook.attributes.configuration, 'labeler');
    assert.equal(hook.attributes.patched, true);
    assert.equal(hook.detail?.kind, 'patch');
    if (hook.detail?.kind !== 'patch') return;
    assert.deepEqual(hook.detail.operations, [{ op: 'add', path: '/metadata/labels', value: { injected: 'yes' } }]);
    assert.doesNotMatch(hook.detail.before, /injected/);
    assert.match(hook.detail.after, /labels:\n\s+injected: yes/);
    assert.equal(trace.spans.find((s) => s.step === 'persist')?.attributes.resourceVersion, pod.metadata.resourceVersion);
  });

  it('answers OpenTelemetry OTLP/JSON with ?format=otlp', async () => {
    const answer = await call('GET', '/podlab/v1/namespaces/default/pods/web/trace?format=otlp');
    assert.equal(answer.status, 200);
    const otlp = answer.json as OtlpTraces;
    const [apiserver] = otlp.resourceSpans;
    assert.deepEqual(apiserver!.resource.attributes[0], { key: 'service.name', value: { stringValue: 'kube-apiserver' } });
    const spans = apiserver!.scopeSpans[0]!.spans;
    assert.equal(apiserver!.scopeSpans[0]!.scope.name, 'podlab.dev/journey');
    const server = spans.find((s) => s.kind === 2)!;
    assert.equal(server.name, 'POST /api/v1/namespaces/default/pods');
    assert.match(server.startTimeUnixNano, /^\d{19}$/);
    assert.ok(BigInt(server.endTimeUnixNano) >= BigInt(server.startTimeUnixNano));
    assert.ok(spans.filter((s) => s.kind === 1).every((s) => s.parentSpanId === server.spanId), 'the request is the parent of its steps');
  });

  it('refuses a user who may not get the pod with 403, as for the pod itself', async () => {
    const answer = await call('GET', '/podlab/v1/namespaces/default/pods/web/trace', undefined, { 'Impersonate-User': 'jane' });
    assert.equal(answer.status, 403);
    assert.equal(answer.json.kind, 'Status');
    assert.equal(answer.json.reason, 'Forbidden');
    assert.equal(answer.json.message, 'pods "web" is forbidden: User "jane" cannot get resource "pods" in API group "" in the namespace "default"');
  });

  it('answers 404 in Kubernetes\' Status shape for a pod it knows nothing of, 400 for an unknown format', async () => {
    const missing = await call('GET', '/podlab/v1/namespaces/default/pods/nope/trace');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'pods' }, code: 404 });
    const format = await call('GET', '/podlab/v1/namespaces/default/pods/web/trace?format=zipkin');
    assert.equal(format.status, 400);
    assert.equal((await call('POST', '/podlab/v1/namespaces/default/pods/web/trace', {})).status, 405);
  });

  it('traces a server-side apply that creates a pod, and nothing of a later apply to it, refused or not', async () => {
    const apply = (body: unknown, manager: string) => call('PATCH', `/api/v1/namespaces/default/pods/applied?fieldManager=${manager}`, body, { 'Content-Type': 'application/apply-patch+yaml' });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'applied' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } };
    const created = await apply(pod, 'first');
    assert.equal(created.status, 201);
    const conflicting = await apply({ ...pod, spec: { containers: [{ name: 'app', image: 'busybox:1.37' }] } }, 'second');
    assert.equal(conflicting.status, 409);
    const trace = api.journeys.trace('default', 'applied')!;
    assert.equal(trace.uid, created.json.metadata.uid, 'the refused apply to the existing pod is not filed as a refused creation');
    assert.equal(trace.spans[0]!.name, 'PATCH /api/v1/namespaces/default/pods/applied');
    assert.equal(trace.spans.filter((s) => s.step === 'request').length, 1);
  });

  it('is not an API group: discovery stays as it was', async () => {
    const groups = await call('GET', '/apis');
    assert.ok(!JSON.stringify(groups.json).includes('podlab'), 'no podlab group in /apis');
  });
});
