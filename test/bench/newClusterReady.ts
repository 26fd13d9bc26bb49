// How long a new 2-node Docker cluster takes until both nodes are Ready, from
// the spawn of `podlab serve --runtime docker --nodes 2` (the target:
// 2.0 s), N times: each run a new cluster name and data directory, stopped
// (SIGTERM) and deleted (`podlab cluster delete`) after. Prints every run,
// min/median and the load average, since a shared machine makes them noisy.
// Given other checkouts too (ROOT: a directory with bin/podlab.cjs, or an
// older one's bin/podlab.js), the runs
// take turns between them, so a comparison sees the same load on each side.
//
//   node --import tsx test/bench/newClusterReady.ts [RUNS] [ROOT...]

import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rawRequest, targetFromKubeconfig } from '../helpers/apiClient.ts';
import { freeSubnet } from '../helpers/dockerCluster.ts';
import { removeDir, repoRoot, tempDir } from '../helpers/podlabProcess.ts';
import { podlabNodeFlags } from '../../scripts/node-flags.cjs';

const runs = Number(process.argv[2] ?? 5);
const roots = process.argv.length > 3 ? process.argv.slice(3) : [repoRoot];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type NodeList = { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> };
const readyCount = (list: NodeList) => list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;

async function oneRun(root: string): Promise<{ ms: number; steps: string }> {
  const podlab = [join(root, 'bin', 'podlab.cjs'), join(root, 'bin', 'podlab.js')].find((entry) => existsSync(entry))!;
  const name = `ready-${randomBytes(3).toString('hex')}`;
  const dataDir = tempDir('new-cluster');
  const env = { ...process.env, PODLAB_STARTUP_TIMING: '1', PODLAB_HOME: join(dataDir, 'podlab-home'), KUBECONFIG: join(dataDir, 'user-kubeconfig') };
  writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...podlabNodeFlags(), podlab, 'serve', '--name', name, '--runtime', 'docker', '--nodes', '2', '--data-dir', dataDir, '--cluster-dns-only'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kubeconfig = join(dataDir, 'kubeconfig');
  try {
    let ms: number | undefined;
    while (ms === undefined) {
      if (performance.now() - t0 > 120_000) throw new Error(`no 2 Ready nodes within 120 s:\n${output}`);
      if (child.exitCode !== null) throw new Error(`serve exited:\n${output}`);
      if (existsSync(kubeconfig)) {
        try {
          const res = await rawRequest(targetFromKubeconfig(kubeconfig), 'GET', '/api/v1/nodes');
          if (res.status === 200 && readyCount(res.json() as NodeList) >= 2) ms = performance.now() - t0;
        } catch {
          // Not listening yet.
        }
      }
      if (ms === undefined) await sleep(20);
    }
    // The steps are printed once the start is through.
    while (!/^Kubeconfig:/m.test(output) && performance.now() - t0 < 60_000) await sleep(50);
    const at = output.indexOf('Start, step by step:');
    return { ms, steps: at < 0 ? '' : output.slice(at).split('\n').filter((l) => /\bms\b/.test(l)).join('\n') };
  } finally {
    child.kill('SIGTERM');
    await exited;
    execFileSync(process.execPath, [podlab, 'cluster', 'delete', name, '--data-dir', dataDir], { cwd: root, env, stdio: 'ignore' });
    removeDir(dataDir);
  }
}

const median = (sorted: number[]) => (sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2);
const results = roots.map((root) => ({ root, times: [] as number[], slowest: { ms: 0, steps: '' } }));
for (let i = 0; i < runs; i++) {
  for (const result of results) {
    const load = loadavg()[0]!.toFixed(2);
    const run = await oneRun(result.root);
    result.times.push(run.ms);
    if (run.ms >= result.slowest.ms) result.slowest = run;
    console.log(`${result.root} run ${i + 1}: ${Math.round(run.ms)} ms (load ${load})`);
  }
}
for (const { root, times, slowest } of results) {
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`\n${root}: new 2-node cluster, both Ready: min ${Math.round(sorted[0]!)} ms, median ${Math.round(median(sorted))} ms over ${runs} runs`);
  console.log(`slowest run's steps:\n${slowest.steps}`);
}
console.log(`uptime: ${execFileSync('uptime').toString().trim()}`);
