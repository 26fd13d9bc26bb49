// Control-plane benchmarks (issue: control plane core): start to first
// answered request, API create/get latency, a list of 10,000 pods, idle memory.
// Measured against a real `podlab serve` child process over HTTPS, as kubectl
// would see it.

import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { rawRequest, rawRequestBytes, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, tempDir } from '../helpers/podlabProcess.ts';
import { parallel, rssMiB, stats, type Stats } from './measures.ts';
import { benchPod } from './podManifest.ts';

export interface ControlPlaneResults {
  firstStartMs: Stats;
  restartMs: Stats;
  createMs: Stats;
  getMs: Stats;
  /** The whole JSON list, until its last byte has arrived (decoding it is the client's own cost). */
  list10kPodsMs: Stats;
  list10kPodsBytes: number;
  /** What `kubectl get pods -A` asks for: Tables of 500 rows, page after page. */
  list10kPodsTablePagesMs: Stats;
  idleRssMiB: number;
}

/** GET `path` and count the bytes of the answer as they arrive, keeping none: the time is the server's and the connection's, not the client's. */
function receivedBytes(api: ApiTarget, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.server}${path}`, { ca: api.ca, headers: { Authorization: `Bearer ${api.token}` } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function timeStart(args: string[], dataDir: string): Promise<{ ms: number; stop: () => Promise<unknown>; kubeconfig: string; pid: number }> {
  const started = performance.now();
  const serve = await startPodlab(args, dataDir);
  return { ms: performance.now() - started, stop: () => serve.stop(), kubeconfig: serve.kubeconfig, pid: serve.process.pid! };
}

export async function benchControlPlane(runs = 5): Promise<ControlPlaneResults> {
  const args = ['--runtime', 'simulated', '--nodes', '0'];
  const first: number[] = [];
  const restart: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = tempDir('bench-start');
    const a = await timeStart(args, dir);
    first.push(a.ms);
    await a.stop();
    const b = await timeStart(args, dir);
    restart.push(b.ms);
    await b.stop();
    removeDir(dir);
  }

  const dir = tempDir('bench-api');
  const serve = await timeStart(args, dir);
  try {
    const api: ApiTarget = targetFromKubeconfig(serve.kubeconfig);
    await new Promise((r) => setTimeout(r, 2000));
    const idleRssMiB = rssMiB(serve.pid);

    const createMs: number[] = [];
    const getMs: number[] = [];
    for (let i = 0; i < 500; i++) {
      let t = performance.now();
      const created = await rawRequest(api, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-${i}` }, data: { a: 'b' } }));
      createMs.push(performance.now() - t);
      if (created.status !== 201) throw new Error(`create failed: ${created.body}`);
      t = performance.now();
      await rawRequest(api, 'GET', `/api/v1/namespaces/default/configmaps/bench-${i}`);
      getMs.push(performance.now() - t);
    }

    await parallel(10_000, 16, async (i) => {
      const res = await rawRequest(api, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(benchPod(`p-${i}`, { schedulerName: 'bench-unscheduled' })));
      if (res.status !== 201) throw new Error(`pod create failed: ${res.body}`);
    });
    // The creates' own aftermath (watch deliveries, the WAL's checkpoint) settles first: the list is timed alone.
    await new Promise((r) => setTimeout(r, 3000));
    const listMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      bytes = await receivedBytes(api, '/api/v1/pods');
      listMs.push(performance.now() - t);
    }
    const listed = await rawRequestBytes(api, 'GET', '/api/v1/pods');
    if (listed.body.length !== bytes || JSON.parse(listed.body.toString()).items.length !== 10_000) throw new Error('the list did not hold 10,000 pods');
    const tablePagesMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      let rows = 0;
      let next = '';
      do {
        const res = await rawRequest(api, 'GET', `/api/v1/pods?limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
        const table = res.json();
        rows += table.rows.length;
        next = table.metadata.continue ?? '';
      } while (next);
      tablePagesMs.push(performance.now() - t);
      if (rows !== 10_000) throw new Error(`the pages held ${rows} rows, not 10,000`);
    }
    return {
      firstStartMs: stats(first),
      restartMs: stats(restart),
      createMs: stats(createMs),
      getMs: stats(getMs),
      list10kPodsMs: stats(listMs),
      list10kPodsBytes: bytes,
      list10kPodsTablePagesMs: stats(tablePagesMs),
      idleRssMiB,
    };
  } finally {
    await serve.stop();
    removeDir(dir);
  }
}
