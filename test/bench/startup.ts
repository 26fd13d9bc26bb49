// Start time and idle memory as a user meets them (issue 14): `podlab serve
// --runtime docker --nodes 2` on a new cluster until both nodes are Ready, the
// same cluster started again until its API answers and its nodes are Ready,
// and the resident memory of PodLab's whole process tree once idle. The clock
// starts when the process is spawned, so Node's own start and the bundle's
// loading count, as they do for the user. Each start also prints its steps
// (PODLAB_STARTUP_TIMING=1): the report keeps the slowest run's.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { removeDir, repoRoot, tempDir } from '../helpers/podlabProcess.ts';
import { engineBaselineMs } from './engineBaseline.ts';
import { rssMiB, sleep, stats, type Stats } from './measures.ts';
import { podlabNodeFlags } from '../../scripts/node-flags.cjs';

export interface StartupResult {
  runs: number;
  newClusterReadyMs: Stats;
  /** Docker's own network and two started pause containers, timed just before each new cluster (engineBaseline.ts). */
  engineBaselineMs: Stats;
  restartApiMs: Stats;
  /** The same restarts without NODE_EXTRA_CA_CERTS, when PodLab's environment sets it. */
  restartApiWithoutExtraCertsMs?: Stats;
  idleTreeRssMiB: number;
  /** The step-by-step lines of the slowest new-cluster start. */
  newClusterSteps: string;
  /**
   * Node.js's own start on this machine (its bootstrap, before any PodLab code runs) as PodLab's process gets the
   * environment, and without NODE_EXTRA_CA_CERTS when that is set: Node then reads and parses that certificate file
   * before it starts V8.
   */
  nodeBootMs: { asRun: Stats; withoutExtraCerts?: Stats };
}

interface Serving {
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

function serve(cluster: string, dataDir: string, environment: NodeJS.ProcessEnv = process.env): Serving {
  const child = spawn(process.execPath, [...podlabNodeFlags(), join(repoRoot, 'bin', 'podlab.cjs'), 'serve', '--name', cluster, '--runtime', 'docker', '--nodes', '2', '--data-dir', dataDir, '--cluster-dns-only'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...environment, PODLAB_STARTUP_TIMING: '1', PODLAB_HOME: join(dataDir, 'podlab-home'), KUBECONFIG: join(dataDir, 'user-kubeconfig') },
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => output, exited };
}

/** GETs until one answers 200; a server not listening yet refuses the connection. */
async function answered(target: () => ApiTarget | undefined, path: string, accept: (body: any) => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const api = target();
    if (api) {
      try {
        const res = await rawRequest(api, 'GET', path);
        if (res.status === 200 && accept(res.json())) return;
      } catch {
        // Not listening yet.
      }
    }
    if (performance.now() > deadline) throw new Error(`no answer to ${path} within ${timeoutMs} ms`);
    // Polled often: the interval is the figure's resolution.
    await sleep(5);
  }
}

const twoReady = (list: { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> }) =>
  list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length >= 2;

/** The kubeconfig once written (a new cluster writes it when its API listens). */
function targetIn(dataDir: string): () => ApiTarget | undefined {
  const path = join(dataDir, 'kubeconfig');
  return () => (existsSync(path) ? targetFromKubeconfig(path) : undefined);
}

/** RSS of a process and every descendant, from /proc. */
function treeRssMiB(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rssMiB(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

function steps(output: string): string {
  const at = output.indexOf('Start, step by step:');
  if (at < 0) return '';
  return output
    .slice(at)
    .split('\n')
    .slice(1)
    .filter((line) => /\bms\b/.test(line))
    .join('\n');
}

/** performance.nodeTiming.bootstrapComplete of `node -p`, 9 times. */
function nodeBoot(env: NodeJS.ProcessEnv): Stats {
  const samples = Array.from({ length: 9 }, () => Number(execFileSync(process.execPath, ['-p', 'performance.nodeTiming.bootstrapComplete'], { env }).toString()));
  return stats(samples);
}

async function stop(s: Serving): Promise<void> {
  s.child.kill('SIGTERM');
  await s.exited;
}

/** Restarts of the existing cluster after each run's new one. */
export const RESTARTS_PER_RUN = 5;

export async function benchStartup(runs = 3): Promise<StartupResult> {
  const newMs: number[] = [];
  const engineMs: number[] = [];
  const apiMs: number[] = [];
  const apiWithoutExtraCertsMs: number[] = [];
  const { NODE_EXTRA_CA_CERTS: extraCerts, ...withoutExtraCerts } = process.env;
  let idle = 0;
  let slowest = { ms: 0, steps: '' };
  for (let run = 0; run < runs; run++) {
    const cluster = `bench-start-${randomBytes(3).toString('hex')}`;
    const dataDir = tempDir('bench-start');
    let s: Serving | undefined;
    try {
      engineMs.push(await engineBaselineMs());
      writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
      let t0 = performance.now();
      s = serve(cluster, dataDir);
      await answered(targetIn(dataDir), '/api/v1/nodes', twoReady, 120_000);
      const ms = performance.now() - t0;
      newMs.push(ms);
      await answered(() => (/^Kubeconfig:/m.test(s!.output()) ? targetIn(dataDir)() : undefined), '/api', () => true, 60_000);
      if (ms >= slowest.ms) slowest = { ms, steps: steps(s.output()) };
      if (run === 0) {
        // Idle: the start's work done, only heartbeats, leases and resyncs go on. One sample depends on where the
        // garbage collector happens to be (82 or 92 MiB a few seconds apart): the median of six, 20 to 30 s after the start.
        await sleep(20_000);
        const samples: number[] = [];
        for (let i = 0; i < 6; i++) {
          if (i) await sleep(2_000);
          samples.push(treeRssMiB(s.child.pid!));
        }
        samples.sort((a, b) => a - b);
        idle = (samples[2]! + samples[3]!) / 2;
      }
      await stop(s);
      // A restart is quick: five of them per run, so the median stands on fifteen (this VM's speed drifts by a
      // third within minutes; more samples make the median steadier). Each is followed by one in the
      // environment without NODE_EXTRA_CA_CERTS, when that is set (what Node's own start costs with it).
      for (let restart = 0; restart < RESTARTS_PER_RUN; restart++) {
        const environments: Array<[NodeJS.ProcessEnv, number[]]> = [[process.env, apiMs]];
        if (extraCerts) environments.push([withoutExtraCerts, apiWithoutExtraCertsMs]);
        for (const [environment, samples] of environments) {
          t0 = performance.now();
          s = serve(cluster, dataDir, environment);
          await answered(targetIn(dataDir), '/api', () => true, 60_000);
          samples.push(performance.now() - t0);
          await answered(() => (/^Kubeconfig:/m.test(s!.output()) ? targetIn(dataDir)() : undefined), '/api', () => true, 60_000);
          await stop(s);
        }
      }
    } finally {
      // A run that failed leaves its serve running: it goes before its containers do.
      if (s && s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill('SIGKILL');
        await s.exited;
      }
      await removeClusterObjects(cluster);
      removeDir(dataDir);
    }
  }
  const nodeBootMs = { asRun: nodeBoot(process.env), ...(extraCerts ? { withoutExtraCerts: nodeBoot(withoutExtraCerts) } : {}) };
  return { runs, newClusterReadyMs: stats(newMs), engineBaselineMs: stats(engineMs), restartApiMs: stats(apiMs), ...(extraCerts ? { restartApiWithoutExtraCertsMs: stats(apiWithoutExtraCertsMs) } : {}), idleTreeRssMiB: idle, newClusterSteps: slowest.steps, nodeBootMs };
}
