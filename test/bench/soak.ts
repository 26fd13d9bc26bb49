// `npm run soak -- [--minutes 10] [--runtime docker|simulated] [--pods 10]`:
// create/delete churn against a `podlab serve` for a while, then a report of
// what the process holds at the start and at the end: resident memory, open
// file descriptors, and (on Docker) the cluster's containers. A leak shows as
// a number that grows with the cycles; nothing here is a test assertion.

import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { rssMiB } from './measures.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, runtime: { type: 'string', default: 'docker' }, pods: { type: 'string', default: '10' } } });
const minutes = Number(values.minutes);
const runtime = values.runtime === 'simulated' ? 'simulated' : 'docker';
const podsPerCycle = Number(values.pods);
const sampleEveryMs = 60_000;

interface Sample {
  at: string;
  cycles: number;
  rssMiB: number;
  openFds: number;
  containers?: number;
}

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

async function sample(serve: PodlabServe, cluster: string, cycles: number): Promise<Sample> {
  const pid = serve.process.pid!;
  const result: Sample = { at: new Date().toISOString(), cycles, rssMiB: rssMiB(pid), openFds: readdirSync(`/proc/${pid}/fd`).length };
  if (runtime === 'docker') result.containers = (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`podlab.cluster=${cluster}`] }) })).length;
  return result;
}

async function main(): Promise<void> {
  const cluster = `soak-${randomBytes(3).toString('hex')}`;
  const dataDir = tempDir('soak');
  if (runtime === 'docker') writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
  const serve = await startPodlab(['--name', cluster, '--runtime', runtime, '--nodes', '2'], dataDir);
  const api = targetFromKubeconfig(serve.kubeconfig);
  try {
    await sleep(5_000); // let the nodes register and the process settle before the first sample
    const start = await sample(serve, cluster, 0);
    const samples = [start];
    const end = Date.now() + minutes * 60_000;
    let cycles = 0;
    let nextSample = Date.now() + sampleEveryMs;
    while (Date.now() < end) {
      await cycle(api, cycles++);
      if (Date.now() >= nextSample) {
        samples.push(await sample(serve, cluster, cycles));
        nextSample += sampleEveryMs;
      }
    }
    await sleep(5_000);
    const last = await sample(serve, cluster, cycles);
    samples.push(last);
    console.log(`\nSoak: ${minutes} min of churn on ${runtime} (2 nodes), ${cycles} cycles of ${podsPerCycle} pods and 20 ConfigMaps each\n`);
    console.log('| when | cycles | RSS | open fds | containers |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const s of samples) console.log(`| ${s.at} | ${s.cycles} | ${s.rssMiB.toFixed(0)} MiB | ${s.openFds} | ${s.containers ?? 'n/a'} |`);
    console.log(`\nstart → end: RSS ${start.rssMiB.toFixed(0)} → ${last.rssMiB.toFixed(0)} MiB, open fds ${start.openFds} → ${last.openFds}, containers ${start.containers ?? 'n/a'} → ${last.containers ?? 'n/a'}`);
  } finally {
    await serve.stop();
    if (runtime === 'docker') await removeClusterObjects(cluster);
    removeDir(dataDir);
  }
}

await main();
