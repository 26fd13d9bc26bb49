// The debugger's webhook findings, on refusals made by PodLab's real
// admission calling real HTTPS webhooks on 127.0.0.1, checked against the
// cluster as main/ui reads it: a webhook's refusal with its configuration and
// message; and webhooks that cannot be called, each for its reason (no
// Service, no ready endpoint with the Deployment scaled to 0, a selector that
// matches no pod, nothing listening on the targetPort, a certificate the
// caBundle does not trust or that names another host, a timeout), with the
// fix and failurePolicy Ignore as the knowing alternative.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Finding } from '../../preload/api.ts';
import { withWebhookSource } from '../../main/insight/admissionCluster.ts';
import { parseRefusalMessage, refusalFromDenial, type Refusal } from '../../main/insight/admissionRefusal.ts';
import { diagnoseRefusal } from '../../main/insight/diagnoseRefusal.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { admissionSnapshot } from '../../main/ui/admissionSnapshot.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { startWebhookServer, type TestWebhookServer } from '../helpers/webhookServer.ts';

const r = (group: string, plural: string, version = 'v1') => ({ group, version, plural });
const validating = r('admissionregistration.k8s.io', 'validatingwebhookconfigurations');
const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];

describe('webhook findings', () => {
  let env: InProcessApi;
  let server: TestWebhookServer;
  let n = 0;
  let app: string;
  let hooks: string;

  const create = (resource: ReturnType<typeof r>, namespace: string | undefined, obj: unknown) => env.client.resource(resource).create(namespace, obj as KubeObject);

  /** One webhook configuration that only takes pods of this case's app namespace. */
  async function configure(name: string, hook: Record<string, unknown>) {
    await create(validating, undefined, {
      metadata: { name },
      webhooks: [
        { name: 'first.podlab.dev', clientConfig: { url: server.url('/allow'), caBundle: server.caBundle }, rules, sideEffects: 'None', admissionReviewVersions: ['v1'], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nowhere' } } },
        { name: `${name}.podlab.dev`, rules, sideEffects: 'None', admissionReviewVersions: ['v1'], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': app } }, ...hook },
      ],
    });
  }

  /** A pod created in the app namespace, refused; the refusal as the memory keeps it, and its findings. */
  async function refusedPod(): Promise<{ refusal: Refusal; finding: Finding }> {
    await assert.rejects(create(r('', 'pods'), app, { metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } }));
    const refusal = refusalFromDenial(env.api.admissionDenials.recent(app)[0]!);
    const cluster = await admissionSnapshot(env.client, catalogKindResolver(env.api.catalog), [refusal]);
    const findings = diagnoseRefusal(refusal, cluster, new Date());
    assert.equal(findings.length, 1);
    return { refusal, finding: findings[0]! };
  }

  const service = (name: string, selector: Record<string, string> | undefined, targetPort: number) =>
    create(r('', 'services'), hooks, { metadata: { name }, spec: { ...(selector ? { selector } : {}), ports: [{ name: 'https', port: 443, targetPort }] } });
  const endpoints = (name: string, port?: number) => create(r('', 'endpoints'), hooks, { metadata: { name }, subsets: port ? [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port }] }] : [] });
  const deployment = (name: string, labels: Record<string, string>, replicas: number) =>
    create(r('apps', 'deployments'), hooks, { metadata: { name }, spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'webhook', image: 'policy:1', ports: [{ containerPort: 9443 }] }] } } } });
  const serviceHook = (name: string, extra: Record<string, unknown> = {}) => ({ clientConfig: { service: { namespace: hooks, name, path: '/validate' }, caBundle: server.caBundle }, ...extra });

  before(async () => {
    env = await startInProcessApi();
    server = await startWebhookServer();
    server.handle('/deny', () => ({ allowed: false, status: { code: 403, message: 'images must come from registry.example.com' } }));
    server.handle('/hang', () => ({ allowed: true, hang: true }));
  });
  after(async () => {
    await env.close();
    await server.close();
  });
  beforeEach(async () => {
    for (const config of (await env.client.resource(validating).list()).items) await env.client.resource(validating).delete(undefined, config.metadata.name ?? '');
    app = `app${++n}`;
    hooks = `hooks${n}`;
    for (const ns of [app, hooks]) await create(r('', 'namespaces'), undefined, { metadata: { name: ns } });
  });

  it('a webhook that refuses: its configuration, its message, where it runs, and what to look at', async () => {
    await configure('image-policy', { clientConfig: { url: server.url('/deny'), caBundle: server.caBundle } });
    const { finding } = await refusedPod();
    assert.equal(finding.rule, 'webhook-denied');
    assert.equal(finding.title, 'Refused by admission webhook "image-policy.podlab.dev"');
    assert.equal(
      finding.cause,
      `The validating webhook "image-policy.podlab.dev" (ValidatingWebhookConfiguration image-policy) was sent the create of Pod "web" in namespace ${app} by kubernetes-admin and answered allowed: false, saying: images must come from registry.example.com. ` +
        'The API server refuses what any webhook refuses, with the webhook\'s own words: the object was not created. Change the object as the message asks, or change what the webhook allows (its code or its configuration\'s rules).',
    );
    assert.deepEqual(finding.evidence[1], { label: 'Webhook', text: `image-policy.podlab.dev in ValidatingWebhookConfiguration image-policy, reached at ${server.url('/deny')}` });
    assert.deepEqual(finding.evidence[2], { label: 'It is sent', text: 'CREATE pods' });
    assert.equal(finding.next[0]!.command, 'kubectl get validatingwebhookconfiguration image-policy -o yaml');
    assert.equal(finding.next[1]!.command, 'kubectl apply --dry-run=server -f pod.yaml');
  });

  it('a FailedCreate event names only the webhook: the configuration is found in the cluster', async () => {
    await configure('image-policy', { clientConfig: { url: server.url('/deny'), caBundle: server.caBundle } });
    const { refusal } = await refusedPod();
    const fromEvent: Refusal = { ...refusal, source: 'event', ...parseRefusalMessage(refusal.message) };
    assert.deepEqual(fromEvent.cause, { stage: 'webhook', webhook: 'image-policy.podlab.dev', outcome: 'denied' });
    const cluster = await admissionSnapshot(env.client, catalogKindResolver(env.api.catalog), [fromEvent]);
    const resolved = withWebhookSource(fromEvent, cluster);
    assert.equal(resolved.plugin, 'ValidatingAdmissionWebhook');
    assert.deepEqual(resolved.cause, { stage: 'webhook', webhook: 'image-policy.podlab.dev', outcome: 'denied', configuration: 'image-policy', configurationKind: 'ValidatingWebhookConfiguration' });
  });

  it('no Service: it does not exist, the Services there, and failurePolicy Ignore as the knowing alternative', async () => {
    await configure('gone', serviceHook('policy'));
    const { refusal, finding } = await refusedPod();
    assert.equal(refusal.message, `Internal error occurred: failed calling webhook "gone.podlab.dev": failed to call webhook: Post "https://policy.${hooks}.svc:443/validate?timeout=10s": service "policy" not found`);
    assert.equal(finding.rule, 'webhook-unreachable');
    assert.equal(finding.title, 'Webhook "gone.podlab.dev" cannot be called');
    assert.match(finding.cause, /Its failurePolicy is Fail, so a webhook that cannot be called refuses every request it would have been sent, whatever the object\. The configuration sends the call to Service hooks\d+\/policy, which does not exist/);
    assert.deepEqual(finding.evidence[1], { label: 'Webhook', text: `gone.podlab.dev in ValidatingWebhookConfiguration gone, called at Service ${hooks}/policy port 443, path /validate, failurePolicy Fail` });
    assert.deepEqual(
      finding.next.map((x) => x.command),
      [
        `kubectl get services -n ${hooks}`,
        'kubectl get validatingwebhookconfiguration gone -o yaml',
        `kubectl get endpointslices -n ${hooks} -l kubernetes.io/service-name=policy -o wide`,
        `kubectl patch validatingwebhookconfiguration gone --type=json -p '[{"op":"replace","path":"/webhooks/1/failurePolicy","value":"Ignore"}]'`,
      ],
    );
  });

  it("no ready endpoint: the webhook's Deployment is scaled to 0, and scaling it up is the fix", async () => {
    await service('policy', { app: 'policy' }, 9443);
    await endpoints('policy');
    await deployment('policy', { app: 'policy' }, 0);
    await configure('scaled', serviceHook('policy'));
    const { refusal, finding } = await refusedPod();
    assert.match(refusal.message, /: no endpoints available for service "policy"$/);
    assert.match(finding.cause, new RegExp(`The Service's selector app=policy takes the pods of Deployment ${hooks}/policy, which is scaled to 0 replicas: the webhook has no pod at all\\.$`));
    assert.deepEqual(finding.next[0], { what: "Scale the webhook's Deployment up", command: `kubectl scale deployment policy -n ${hooks} --replicas=1` });
  });

  it('a selector that matches no pod: the labels to compare, and the one Deployment there to select', async () => {
    await service('policy', { app: 'policy-server' }, 9443);
    await endpoints('policy');
    await deployment('policy', { app: 'policy' }, 1);
    await configure('mislabelled', serviceHook('policy'));
    const { finding } = await refusedPod();
    assert.match(finding.cause, new RegExp(`No pod in namespace ${hooks} has the labels of the Service's selector app=policy-server`));
    assert.deepEqual(
      finding.next.slice(0, 3).map((x) => x.command),
      [`kubectl get pods -n ${hooks} --show-labels`, `kubectl patch service policy -n ${hooks} --type=json -p '[{"op":"replace","path":"/spec/selector","value":{"app":"policy"}}]'`, `kubectl get endpointslices -n ${hooks} -l kubernetes.io/service-name=policy -o wide`],
    );
  });

  it("connection refused at a ready endpoint: the Service's targetPort is not the port the pod declares", async () => {
    const closed = await startWebhookServer();
    const port = closed.port;
    await closed.close();
    await service('policy', { app: 'policy' }, port);
    await endpoints('policy', port);
    const pod = await create(r('', 'pods'), hooks, { metadata: { name: 'policy-7c9d', labels: { app: 'policy' } }, spec: { containers: [{ name: 'webhook', image: 'policy:1', ports: [{ containerPort: 9443, name: 'https' }] }] } });
    await env.client.resource(r('', 'pods')).updateStatus(hooks, { ...pod, status: { ...(pod.status as object), phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    await create(r('discovery.k8s.io', 'endpointslices'), hooks, {
      metadata: { name: 'policy-abc', labels: { 'kubernetes.io/service-name': 'policy' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'policy-7c9d', namespace: hooks } }],
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    });
    await configure('refused', serviceHook('policy'));
    const { refusal, finding } = await refusedPod();
    assert.match(refusal.message, new RegExp(`dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused$`));
    assert.match(finding.cause, new RegExp(`The Service sends the call to targetPort ${port} of pod policy-7c9d at 127\\.0\\.0\\.1:${port}, but the pod declares 9443/TCP \\(https\\): set the Service's targetPort to the port the webhook listens on\\.$`));
    assert.deepEqual(finding.evidence.slice(2), [
      { label: 'Service port', text: `443 → targetPort ${port}` },
      { label: 'Pod policy-7c9d declares', text: '9443/TCP (https)' },
    ]);
  });

  it("a certificate the caBundle did not sign: the caBundle's CA, and how to read the served certificate", async () => {
    const other = await startWebhookServer();
    try {
      await service('policy', undefined, server.port);
      await endpoints('policy', server.port);
      await configure('untrusted', { clientConfig: { service: { namespace: hooks, name: 'policy', path: '/allow' }, caBundle: other.caBundle } });
      const { refusal, finding } = await refusedPod();
      assert.match(refusal.message, /tls: failed to verify certificate: x509: certificate signed by unknown authority$/);
      assert.match(finding.cause, /The webhook serves a certificate that the CA in its configuration's caBundle did not sign, so the API server does not trust it\./);
      const ca = finding.evidence.find((e) => e.label === 'caBundle')!;
      assert.match(ca.text, /^CN=.+ \(issued by CN=.+\), valid until \d{4}-\d\d-\d\dT/);
      assert.deepEqual(
        finding.next.slice(0, 3).map((x) => x.command),
        [
          `kubectl get validatingwebhookconfiguration untrusted -o jsonpath='{.webhooks[?(@.name=="untrusted.podlab.dev")].clientConfig.caBundle}' | base64 -d | openssl x509 -noout -subject -issuer -enddate`,
          `kubectl port-forward -n ${hooks} service/policy 8443:443`,
          `openssl s_client -connect 127.0.0.1:8443 -servername policy.${hooks}.svc </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -ext subjectAltName -enddate`,
        ],
      );
    } finally {
      await other.close();
    }
  });

  it('a certificate for other names: the names it has, and the one the API server asks for', async () => {
    await service('policy', undefined, server.port);
    await endpoints('policy', server.port);
    await configure('misnamed', serviceHook('policy'));
    const { refusal, finding } = await refusedPod();
    assert.match(refusal.message, new RegExp(`x509: certificate is valid for .*, not policy\\.${hooks}\\.svc$`));
    assert.match(finding.cause, new RegExp(`The webhook's serving certificate names .*kubernetes\\.default\\.svc.*, but the API server connects to policy\\.${hooks}\\.svc and checks that name\\. Reissue the certificate with policy\\.${hooks}\\.svc among its subjectAltNames`));
  });

  it('a timeout: the timeoutSeconds it had, and more time as an option', async () => {
    await configure('slow', { clientConfig: { url: server.url('/hang'), caBundle: server.caBundle }, timeoutSeconds: 1 });
    const { refusal, finding } = await refusedPod();
    assert.match(refusal.message, /: context deadline exceeded$/);
    assert.match(finding.cause, /The webhook did not answer within its timeoutSeconds \(1s\)/);
    assert.ok(finding.next.some((x) => x.command === `kubectl patch validatingwebhookconfiguration slow --type=json -p '[{"op":"replace","path":"/webhooks/1/timeoutSeconds","value":30}]'`));
  });
});
