// Admission's cost on pod creates, and the journey trace's memory: pods
// created one after another on an in-process API server (the HTTP front
// left out, so only admission differs) in a plain namespace, in one
// enforcing Pod Security restricted, and in one where a mutating and a
// validating webhook (a local HTTPS server, as a webhook pod would answer)
// are called; then the heap that 2,000 full pod journeys take.

import { createServer, type Server } from 'node:https';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { selfSignedCertificate } from '../../main/network/ingress/tlsCertificates.ts';
import { JourneyRecorder } from '../../main/kube/trace/journeyRecorder.ts';
import type { TraceSpan } from '../../preload/api.ts';
import { startInProcessApi } from '../helpers/inProcessApi.ts';
import { stats, type Stats } from './measures.ts';

export interface AdmissionBenchResult {
  runs: number;
  plainMs: Stats;
  podSecurityMs: Stats;
  webhooksMs: Stats;
  journeyBytesPerPod: number;
  spansPerJourney: number;
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

function heapUsed(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A journey's later steps as the scheduler, kubelet and endpoint controllers record them, for the memory measure. */
function laterSpans(startMs: number): TraceSpan[] {
  const names: Array<[TraceSpan['step'], string, string]> = [
    ['schedule', 'kube-scheduler', 'schedule'],
    ['schedule', 'kube-scheduler', 'bind'],
    ['node', 'kubelet', 'admit'],
    ['node', 'kubelet', 'sandbox'],
    ['node', 'kubelet', 'image busybox:1.36'],
    ['node', 'kubelet', 'create container app'],
    ['node', 'kubelet', 'start container app'],
    ['status', 'kubelet', 'status Pending'],
    ['status', 'kubelet', 'probe readiness app'],
    ['status', 'kubelet', 'status Running'],
    ['service', 'endpoint-controller', 'EndpointSlice web-abcde'],
    ['service', 'kube-proxy', 'service table'],
  ];
  return names.map(([step, component, name], i) => ({
    spanId: `${i}`.padStart(16, '0'),
    step,
    component,
    name,
    startMs: startMs + i,
    endMs: startMs + i + 0.5,
    status: 'ok',
    attributes: { node: 'node-1', podIP: '10.244.0.9', phase: 'Running', ready: 'True' },
  }));
}

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

    const recorder = new JourneyRecorder();
    const baseline = heapUsed();
    const pods2000 = 2000;
    // The request part of each journey as the API server records it, copied from a real one, plus the later steps.
    const sample = api.api.journeys.trace('hooked', 'p-0');
    const requestSpans = sample?.spans ?? [];
    for (let i = 0; i < pods2000; i++) {
      const ref = { namespace: 'bench', name: `pod-${i}`, uid: `uid-${i}` };
      for (const span of [...requestSpans, ...laterSpans(i)]) recorder.add(ref, { ...span, spanId: `${span.spanId}`.slice(0, 12) + `${i}`.padStart(4, '0').slice(-4) });
    }
    const used = heapUsed() - baseline;
    // Read after measuring, so the journeys are still held when the heap is.
    if (recorder.size !== pods2000) throw new Error(`the recorder kept ${recorder.size} journeys, not ${pods2000}`);
    return { runs, plainMs, podSecurityMs, webhooksMs, journeyBytesPerPod: used / pods2000, spansPerJourney: requestSpans.length + laterSpans(0).length };
  } finally {
    server.close();
    await api.close();
  }
}
