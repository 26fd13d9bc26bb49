// `npm run bench`: PodLab's speed and memory goals, measured on this machine
// and written to test/bench/REPORT.md. Targets are reported next to the
// numbers; nothing here is a test assertion.

import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { EtcdStore } from '../../main/store/etcd.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { startEtcd } from '../helpers/etcdServer.ts';
import { removeDir, repoRoot, tempDir } from '../helpers/podlabProcess.ts';
import { benchControlPlane, type Stats } from './controlPlane.ts';
import { benchStore, type StoreBenchResult } from './store.ts';

const ms = (v: number) => `${v.toFixed(1)} ms`;
const row = (s: Stats) => `${ms(s.min)} / ${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

async function storeBenches(): Promise<StoreBenchResult[]> {
  const results: StoreBenchResult[] = [];
  for (const durability of ['normal', 'full'] as const) {
    const dir = tempDir('bench-sqlite');
    const store = new SqliteStore({ path: join(dir, 'state.db'), durability });
    try {
      results.push(await benchStore(`SQLite (WAL, synchronous=${durability.toUpperCase()})`, store));
    } finally {
      await store.close();
      removeDir(dir);
    }
  }
  const etcd = await startEtcd();
  const store = new EtcdStore({ endpoints: [etcd.endpoint] });
  try {
    results.push(await benchStore('etcd 3.4 (Debian etcd-server, one member, loopback)', store));
  } finally {
    await store.close();
    await etcd.stop();
  }
  return results;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const sections: string[] = [
    '# PodLab benchmarks',
    '',
    `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
    'Figures are min / p50 / p99 / max unless said otherwise. Targets come from the issues; they are goals, never test assertions.',
    '',
  ];

  if (want('store')) {
    console.log('store: SQLite and etcd, same run...');
    const results = await storeBenches();
    const sqlite = results[0];
    const etcd = results[results.length - 1];
    sections.push(
      '## Store',
      '',
      '1,000 sequential 1 KB creates; watch latency = from a write\'s acknowledgement to its watch event.',
      '',
      '| backend | creates/s | watch p50 | watch p99 |',
      '| --- | ---: | ---: | ---: |',
      ...results.map((r) => `| ${r.label} | ${r.createsPerSec.toFixed(0)} | ${ms(r.watchP50Ms)} | ${ms(r.watchP99Ms)} |`),
      '',
      `Target "embedded at least as fast as etcd": ${verdict(sqlite.createsPerSec >= etcd.createsPerSec)} (default durability: ${sqlite.createsPerSec.toFixed(0)} vs ${etcd.createsPerSec.toFixed(0)} creates/s).`,
      '',
    );
  }

  if (want('control-plane')) {
    console.log('control plane: start, API latency, list of 10,000 pods, idle memory...');
    const r = await benchControlPlane();
    sections.push(
      '## Control plane',
      '',
      'Against `podlab serve --runtime simulated` over HTTPS (run through tsx, as `npm start` does; the packaged app runs bundled JavaScript and starts faster).',
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
      `| start to first answered request, new cluster (CA and keys generated) | ${row(r.firstStartMs)} | |`,
      `| start to first answered request, existing cluster | ${row(r.restartMs)} | p50 under 1.5 s: ${verdict(r.restartMs.p50 < 1500)} |`,
      `| create (ConfigMap, sequential) | ${row(r.createMs)} | p99 under 10 ms: ${verdict(r.createMs.p99 < 10)} |`,
      `| get (ConfigMap, sequential) | ${row(r.getMs)} | p99 under 10 ms: ${verdict(r.getMs.p99 < 10)} |`,
      `| list of 10,000 pods (${(r.list10kPodsBytes / 2 ** 20).toFixed(1)} MiB JSON) | ${row(r.list10kPodsMs)} | under 300 ms: ${verdict(r.list10kPodsMs.p50 < 300)} |`,
      `| idle control plane RSS | ${r.idleRssMiB.toFixed(0)} MiB | under 120 MB: ${verdict(r.idleRssMiB * 1.048576 < 120)} |`,
      '',
    );
  }

  const report = `${sections.join('\n')}\n`;
  writeFileSync(join(repoRoot, 'test', 'bench', 'REPORT.md'), report);
  console.log(report);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
