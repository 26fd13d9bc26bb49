// `npm run soak -- [--minutes 10] [--runtime docker|simulated] [--pods 10] [--name-prefix soak]`
// (or SOAK_MINUTES=2 npm run soak): create/delete churn against a `podlab
// serve` for a while, then a report of what the process holds at the start,
// every minute and at the end: resident memory, heap after a full GC, active
// handles by kind, open file descriptors, and (on Docker) the cluster's
// containers. A leak shows as a number that grows with the cycles; nothing
// here is a test assertion, and it is not part of `npm test`.

import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { rssMiB } from './measures.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: process.env.SOAK_MINUTES ?? '10' }, runtime: { type: 'string', default: 'docker' }, pods: { type: 'string', default: '10' }, 'name-prefix': { type: 'string', default: 'soak' } } });
const minutes = Number(values.minutes);
const runtime = values.runtime === 'simulated' ? 'simulated' : 'docker';
const podsPerCycle = Number(values.pods);
const sampleEveryMs = 60_000;

interface Sample {
  at: string;
  cycles: number;
  rssMiB: number;
  heapMiB: number;
  /** Active handles and requests by kind (process.getActiveResourcesInfo()). */
  handles: Record<string, number>;
  openFds: number;
  containers?: number;
}

/** The probe the served process loads (see soakProbe.mjs) and the file it answers in. */
const probeModule = fileURLToPath(new URL('./soakProbe.mjs', import.meta.url));

const pods = '/api/v1/namespaces/default/pods';
const configMaps = '/api/v1/namespaces/default/configmaps';
const docker = new Docker();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pod(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { soak: 'yes' } },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
  });
}

async function podNames(api: ApiTarget, phase?: string): Promise<string[]> {
  const list = (await rawRequest(api, 'GET', `${pods}?labelSelector=soak%3Dyes`)).json();
  return list.items.filter((p: any) => !phase || p.status?.phase === phase).map((p: any) => p.metadata.name);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`soak: ${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** One cycle: pods created, Running, deleted and gone; ConfigMaps created and deleted. */
async function cycle(api: ApiTarget, n: number): Promise<void> {
  const names = Array.from({ length: podsPerCycle }, (_, i) => `soak-${n}-${i}`);
  await Promise.all(names.map((name) => rawRequest(api, 'POST', pods, pod(name))));
  await until(`pods of cycle ${n} Running`, async () => (await podNames(api, 'Running')).length === names.length);
  await Promise.all(names.map((name) => rawRequest(api, 'DELETE', `${pods}/${name}`)));
  for (let i = 0; i < 20; i++) {
    await rawRequest(api, 'POST', configMaps, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `soak-${n}-${i}` }, data: { i: String(i) } }));
    await rawRequest(api, 'DELETE', `${configMaps}/soak-${n}-${i}`);
  }
  await until(`pods of cycle ${n} gone`, async () => (await podNames(api)).length === 0);
}

/** Asks the served process for its heap and handles (SIGUSR2 to its probe) and waits for the answer. */
async function probe(serve: PodlabServe, file: string): Promise<{ heapUsed: number; handles: Record<string, number> }> {
  rmSync(file, { force: true });
  serve.process.kill('SIGUSR2');
  await until('the process\'s probe to answer', async () => existsSync(file), 10_000);
  return JSON.parse(readFileSync(file, 'utf8'));
}

const total = (handles: Record<string, number>) => Object.values(handles).reduce((a, b) => a + b, 0);
const byKind = (handles: Record<string, number>) => Object.entries(handles).sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${kind} ${n}`).join(', ');

async function sample(serve: PodlabServe, probeFile: string, cluster: string, cycles: number): Promise<Sample> {
  const pid = serve.process.pid!;
  const held = await probe(serve, probeFile);
  const result: Sample = { at: new Date().toISOString(), cycles, rssMiB: rssMiB(pid), heapMiB: held.heapUsed / 2 ** 20, handles: held.handles, openFds: readdirSync(`/proc/${pid}/fd`).length };
  if (runtime === 'docker') result.containers = (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`podlab.cluster=${cluster}`] }) })).length;
  return result;
}

async function main(): Promise<void> {
  const cluster = `${values['name-prefix']}-${randomBytes(3).toString('hex')}`;
  const dataDir = tempDir('soak');
  if (runtime === 'docker') await reserveSubnet(dataDir);
  const probeFile = join(dataDir, 'soak-probe.json');
  const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(probeModule).href}`.trim(), PODLAB_SOAK_PROBE: probeFile };
  const serve = await startPodlab(['--name', cluster, '--runtime', runtime, '--nodes', '2'], dataDir, undefined, env);
  const api = targetFromKubeconfig(serve.kubeconfig);
  try {
    await sleep(5_000); // let the nodes register and the process settle before the first sample
    const start = await sample(serve, probeFile, cluster, 0);
    const samples = [start];
    const end = Date.now() + minutes * 60_000;
    let cycles = 0;
    let nextSample = Date.now() + sampleEveryMs;
    while (Date.now() < end) {
      await cycle(api, cycles++);
      if (Date.now() >= nextSample) {
        samples.push(await sample(serve, probeFile, cluster, cycles));
        nextSample += sampleEveryMs;
      }
    }
    await sleep(5_000);
    const last = await sample(serve, probeFile, cluster, cycles);
    samples.push(last);
    console.log(`\nSoak: ${minutes} min of churn on ${runtime} (2 nodes), ${cycles} cycles of ${podsPerCycle} pods and 20 ConfigMaps each\n`);
    console.log('| when | cycles | RSS | heap (after GC) | handles | open fds | containers |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of samples) console.log(`| ${s.at} | ${s.cycles} | ${s.rssMiB.toFixed(0)} MiB | ${s.heapMiB.toFixed(1)} MiB | ${total(s.handles)} | ${s.openFds} | ${s.containers ?? 'n/a'} |`);
    console.log(`\nstart → end: RSS ${start.rssMiB.toFixed(0)} → ${last.rssMiB.toFixed(0)} MiB, heap ${start.heapMiB.toFixed(1)} → ${last.heapMiB.toFixed(1)} MiB, handles ${total(start.handles)} → ${total(last.handles)}, open fds ${start.openFds} → ${last.openFds}, containers ${start.containers ?? 'n/a'} → ${last.containers ?? 'n/a'}`);
    console.log(`handles at start: ${byKind(start.handles)}`);
    console.log(`handles at end:   ${byKind(last.handles)}`);
  } finally {
    await serve.stop();
    if (runtime === 'docker') await removeClusterObjects(cluster);
    removeDir(dataDir);
  }
}

await main();
