// Waiting for a cluster's nodes: Ready as the API reports them, which is
// what the scheduler needs before it places anything.

import { performance } from 'node:perf_hooks';
import { rawRequest, type ApiTarget } from '../helpers/apiClient.ts';
import { sleep } from './measures.ts';

async function readyNodes(api: ApiTarget): Promise<number> {
  const res = await rawRequest(api, 'GET', '/api/v1/nodes');
  if (res.status !== 200) return 0;
  const nodes = res.json().items as Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
  return nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

export async function untilReadyNodes(api: ApiTarget, count: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let ready = 0;
  while ((ready = await readyNodes(api)) < count) {
    if (performance.now() > deadline) throw new Error(`only ${ready} of ${count} nodes were Ready after ${(timeoutMs / 1000).toFixed(0)} s`);
    await sleep(100);
  }
}
