// Admission's cost on pod creates: pods created one after another on an
// in-process API server (the HTTP front left out, so only admission
// differs) in a plain namespace, in one enforcing Pod Security restricted,
// and in one where a mutating and a validating webhook (a local HTTPS
// server, as a webhook pod would answer) are called. The journeys' memory
// is the `journeys` benchmark's.

import { createServer, type Server } from 'node:https';
import { performance } from 'node:perf_hooks';
import { selfSignedCertificate } from '../../main/network/ingress/tlsCertificates.ts';
import { startInProcessApi } from '../helpers/inProcessApi.ts';
import { stats, type Stats } from './measures.ts';

export interface AdmissionBenchResult {
  runs: number;
  plainMs: Stats;
  podSecurityMs: Stats;
  webhooksMs: Stats;
}

/** A webhook server answering both paths: a one-operation JSONPatch, and allowed. */
function webhookServer(cert: string, key: string): Promise<{ server: Server; port: number }> {
  const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/metadata/annotations', value: { 'bench.podlab.dev/mutated': 'yes' } }])).toString('base64');
  const server = createServer({ cert, key }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const review = JSON.parse(body) as { request: { uid: string } };
      const response = req.url?.startsWith('/mutate') ? { uid: review.request.uid, allowed: true, patchType: 'JSONPatch', patch } : { uid: review.request.uid, allowed: true };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  },
});

export async function benchAdmission(runs = 300): Promise<AdmissionBenchResult> {
  const api = await startInProcessApi();
  const { cert, key } = selfSignedCertificate('localhost', ['localhost']);
  const { server, port } = await webhookServer(cert, key);
  try {
    const namespaces = api.client.resource({ group: '', version: 'v1', plural: 'namespaces' });
    await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } });
    await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'restricted', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hooked', labels: { bench: 'webhooks' } } });
    const webhook = (name: string, path: string) => ({
      name,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Fail',
      clientConfig: { url: `https://localhost:${port}${path}`, caBundle: Buffer.from(cert).toString('base64') },
      namespaceSelector: { matchLabels: { bench: 'webhooks' } },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    });
    await api.client.resource({ group: 'admissionregistration.k8s.io', version: 'v1', plural: 'mutatingwebhookconfigurations' }).create(undefined, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'bench-mutate' }, webhooks: [webhook('mutate.bench.podlab.dev', '/mutate')] } as never);
    await api.client.resource({ group: 'admissionregistration.k8s.io', version: 'v1', plural: 'validatingwebhookconfigurations' }).create(undefined, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'bench-validate' }, webhooks: [webhook('validate.bench.podlab.dev', '/validate')] } as never);
    const pods = api.client.resource({ group: '', version: 'v1', plural: 'pods' });
    // One create in each namespace in turn, so warm-up and load fall on all three alike.
    const names = ['plain', 'restricted', 'hooked'];
    const samples: number[][] = names.map(() => []);
    for (let i = 0; i < runs + 20; i++) {
      for (const [n, namespace] of names.entries()) {
        const start = performance.now();
        await pods.create(namespace, pod(`p-${i}`) as never);
        // The first 20 rounds warm the caches (schemas, the webhook connection, Pod Security's check tables).
        if (i >= 20) samples[n]!.push(performance.now() - start);
      }
    }
    const [plainMs, podSecurityMs, webhooksMs] = samples.map(stats) as [Stats, Stats, Stats];

    return { runs, plainMs, podSecurityMs, webhooksMs };
  } finally {
    server.close();
    await api.close();
  }
}
