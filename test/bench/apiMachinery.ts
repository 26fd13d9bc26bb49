// API machinery benchmarks (issue: API machinery for every kind), against a
// real `podlab serve --runtime simulated` over HTTPS: how soon a new CRD's
// kind is served, server-side apply of a Deployment, and a list of 10,000
// custom resources. Reported by `npm run bench`, never asserted on.

import { performance } from 'node:perf_hooks';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab } from '../helpers/podlabProcess.ts';
import { outcome, parallel, stats, type Outcome, type Stats } from './measures.ts';

export interface ApiMachineryResult {
  /** POST of a CRD → its first successful list of custom resources, per run. */
  crdServed: Outcome<{ ms: Stats; runs: number }>;
  /** Server-side apply (PATCH application/apply-patch+yaml) of a Deployment whose replicas (0/1) and an annotation change each time: a scale, not a rollout. */
  apply: Outcome<{ ms: Stats; applies: number }>;
  /** The same for a ConfigMap, which no controller reacts to: the apply path alone. */
  applyConfigMap: Outcome<{ ms: Stats; applies: number }>;
  /** GET of all 10,000 custom resources (JSON), per run. */
  list10k: Outcome<{ ms: Stats; bytes: number }>;
}

const crd = (i: number) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `things${i}.bench.example.com` },
  spec: {
    group: 'bench.example.com',
    scope: 'Namespaced',
    names: { plural: `things${i}`, singular: `thing${i}`, kind: `Thing${i}` },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: 0 }, color: { type: 'string' } } } } } },
      },
    ],
  },
});

const deployment = (replicas: number, round: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: applied
  namespace: default
  annotations:
    bench/round: "${round}"
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: applied}
  template:
    metadata:
      labels: {app: applied}
    spec:
      containers:
      - name: web
        image: busybox:1.36
        ports:
        - containerPort: 8080
`;

async function ok(target: ApiTarget, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await rawRequest(target, method, path, body, { 'Content-Type': 'application/json', ...headers });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  return res.body;
}

async function crdServed(target: ApiTarget, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await ok(target, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd(i)));
    for (;;) {
      const res = await rawRequest(target, 'GET', `/apis/bench.example.com/v1/namespaces/default/things${i}`);
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    samples.push(performance.now() - started);
  }
  return samples;
}

async function serverSideApply(target: ApiTarget, applies: number): Promise<number[]> {
  const path = '/apis/apps/v1/namespaces/default/deployments/applied?fieldManager=bench';
  const headers = { 'Content-Type': 'application/apply-patch+yaml' };
  await ok(target, 'PATCH', path, deployment(0, 0), headers);
  const samples: number[] = [];
  for (let i = 1; i <= applies; i++) {
    const started = performance.now();
    await ok(target, 'PATCH', path, deployment(i % 2, i), headers);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function configMapApply(target: ApiTarget, applies: number): Promise<number[]> {
  const path = '/api/v1/namespaces/default/configmaps/applied?fieldManager=bench';
  const headers = { 'Content-Type': 'application/apply-patch+yaml' };
  const samples: number[] = [];
  for (let i = 0; i <= applies; i++) {
    const started = performance.now();
    await ok(target, 'PATCH', path, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {round: "${i}"}\n`, headers);
    if (i > 0) samples.push(performance.now() - started);
  }
  return samples;
}

async function list10k(target: ApiTarget, runs: number): Promise<{ samples: number[]; bytes: number }> {
  const base = '/apis/bench.example.com/v1/namespaces/default/things0';
  await parallel(10_000, 16, async (i) => {
    await ok(target, 'POST', base, JSON.stringify({ apiVersion: 'bench.example.com/v1', kind: 'Thing0', metadata: { name: `t${i}` }, spec: { size: i, color: 'blue' } }));
  });
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const body = await ok(target, 'GET', base);
    samples.push(performance.now() - started);
    bytes = Buffer.byteLength(body);
  }
  return { samples, bytes };
}

export async function benchApiMachinery(): Promise<ApiMachineryResult> {
  const serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'bench-apimachinery']);
  try {
    const target = targetFromKubeconfig(serve.kubeconfig);
    const runs = 20;
    const applies = 500;
    return {
      crdServed: await outcome(async () => ({ ms: stats(await crdServed(target, runs)), runs })),
      apply: await outcome(async () => ({ ms: stats(await serverSideApply(target, applies)), applies })),
      applyConfigMap: await outcome(async () => ({ ms: stats(await configMapApply(target, applies)), applies })),
      list10k: await outcome(async () => {
        const list = await list10k(target, 10);
        return { ms: stats(list.samples), bytes: list.bytes };
      }),
    };
  } finally {
    await serve.stop();
    removeDir(serve.dataDir);
  }
}
