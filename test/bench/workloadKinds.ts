// Issue "Every workload kind": 1,000 one-second Jobs on 100 simulated nodes
// run to Complete (target: 60 s), and `kubectl top pods -A` for 2,000 pods
// (the metrics API's list; target 300 ms), against `podlab serve --runtime
// simulated`.

import { performance } from 'node:perf_hooks';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab } from '../helpers/podlabProcess.ts';
import { outcome, parallel, sleep, stats, type Outcome, type Stats } from './measures.ts';
import { untilReadyNodes } from './readyNodes.ts';

export interface WorkloadKindsResult {
  jobs: Outcome<{ count: number; createdMs: number; completeMs: number }>;
  top: Outcome<{ pods: number; ms: Stats }>;
}

function job(i: number): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `job-${i}` },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '1'] }] } } },
  });
}

async function completedJobs(api: ApiTarget): Promise<number> {
  const list = (await rawRequest(api, 'GET', '/apis/batch/v1/namespaces/default/jobs')).json();
  return list.items.filter((j: any) => (j.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True')).length;
}

async function thousandJobs(api: ApiTarget, count: number): Promise<{ count: number; createdMs: number; completeMs: number }> {
  const start = performance.now();
  await parallel(count, 20, async (i) => {
    const res = await rawRequest(api, 'POST', '/apis/batch/v1/namespaces/default/jobs', job(i));
    if (res.status !== 201) throw new Error(`creating job-${i}: ${res.status}`);
  });
  const createdMs = performance.now() - start;
  while ((await completedJobs(api)) < count) {
    if (performance.now() - start > 300_000) throw new Error(`only ${await completedJobs(api)} of ${count} Jobs complete after 300 s`);
    await sleep(500);
  }
  return { count, createdMs, completeMs: performance.now() - start };
}

async function topPods(api: ApiTarget, pods: number): Promise<{ pods: number; ms: Stats }> {
  const deployment = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'many' },
    spec: { replicas: pods, selector: { matchLabels: { app: 'many' } }, template: { metadata: { labels: { app: 'many' } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'exec httpd -f'] }] } } },
  });
  await rawRequest(api, 'POST', '/apis/apps/v1/namespaces/metrics/deployments', deployment);
  const deadline = performance.now() + 240_000;
  for (;;) {
    const list = (await rawRequest(api, 'GET', '/apis/metrics.k8s.io/v1beta1/pods')).json();
    if (list.items.length >= pods) break;
    if (performance.now() > deadline) throw new Error(`metrics for ${list.items.length} of ${pods} pods after 240 s`);
    await sleep(1000);
  }
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const res = await rawRequest(api, 'GET', '/apis/metrics.k8s.io/v1beta1/pods');
    if (res.status !== 200) throw new Error(`metrics list: ${res.status}`);
    samples.push(performance.now() - t);
  }
  return { pods, ms: stats(samples) };
}

export async function benchWorkloadKinds(): Promise<WorkloadKindsResult> {
  const serve = await startPodlab(['--runtime', 'simulated', '--nodes', '100', '--name', 'bench-workload-kinds']);
  try {
    const api = targetFromKubeconfig(serve.kubeconfig);
    await untilReadyNodes(api, 100, 60_000);
    const jobs = await outcome(() => thousandJobs(api, 1000));
    await rawRequest(api, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'metrics' } }));
    const top = await outcome(() => topPods(api, 2000));
    return { jobs, top };
  } finally {
    await serve.stop();
    removeDir(serve.dataDir);
  }
}
