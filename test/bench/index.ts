// `npm run bench`: PodLab's speed and memory goals, measured on this machine
// and written to test/bench/REPORT.md. Targets are reported next to the
// numbers; nothing here is a test assertion.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mergeReport } from './report.ts';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { EtcdStore } from '../../main/store/etcd.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { startEtcd } from '../helpers/etcdServer.ts';
import { removeDir, repoRoot, tempDir } from '../helpers/podlabProcess.ts';
import { benchApiMachinery } from './apiMachinery.ts';
import { benchControlPlane } from './controlPlane.ts';
import { benchDataPlane } from './dataPlane.ts';
import { benchStartup, RESTARTS_PER_RUN } from './startup.ts';
import { benchUiLaunch } from './uiLaunch.ts';
import { load1, outcome, type Outcome, type Stats } from './measures.ts';
import { benchUi } from './ui.ts';
import type { NumberedLines, PhaseResult } from './uiPage.ts';
import { benchRealLogs } from './uiRealLogs.ts';
import { benchUiContexts } from './uiContexts.ts';
import { benchStore, type StoreBenchResult } from './store.ts';
import { benchWorkloads } from './workloads.ts';
import { benchWorkloadKinds } from './workloadKinds.ts';
import { benchVolumesIngress } from './volumesIngress.ts';
import { benchProblems } from './problems.ts';
import { benchAdmission } from './admission.ts';
import { benchJourneys, journeyBounds } from './journeys.ts';

const ms = (v: number) => `${v.toFixed(1)} ms`;
const row = (s: Stats) => `${ms(s.min)} / ${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
const seconds = (v: number) => `${(v / 1000).toFixed(1)} s`;
/** A part that failed says what happened in its row instead of a number. */
const loadNote = (parts: Array<[string, Outcome<{ load: number }>]>) =>
  `Load average (1 min) at the end of each part, other work on this machine included: ${parts.map(([name, o]) => `${name} ${o.ok ? o.value.load.toFixed(1) : 'n/a'}`).join(', ')}.`;
const tasks = (p: PhaseResult) => `${p.longTasks} (${p.longTasksOver100Ms} over 100 ms), longest ${ms(p.longestTaskMs)}`;
const frames = (p: PhaseResult) => `${p.framesPerSecond.toFixed(0)} frames/s; gaps p50 ${ms(p.frameGapMs.p50)}, p99 ${ms(p.frameGapMs.p99)}, max ${ms(p.frameGapMs.max)}`;
const numbered = (n: NumberedLines) =>
  `${n.count.toLocaleString('en')} (${n.first}–${n.last}), ${n.missing} missing, ${n.repeated} repeated${n.breaks.length ? ` (${n.breaks.join('; ')})` : ''}`;
const failed = (what: string, o: Outcome<unknown>) => (o.ok ? [] : [`| ${what} | **failed**: ${o.error.replace(/\s+/g, ' ').replace(/\|/g, '\\|')} | |`]);

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
    `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average (1 min) at the start: ${load1().toFixed(1)}.`,
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
      'Against `podlab serve --runtime simulated --nodes 0` over HTTPS, run as the `podlab` command runs it (the bundle, its V8 flags).',
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
      `| start to first answered request, new cluster (CA and keys generated) | ${row(r.firstStartMs)} | |`,
      `| start to first answered request, existing cluster | ${row(r.restartMs)} | p50 under 1.5 s: ${verdict(r.restartMs.p50 < 1500)} |`,
      `| create (ConfigMap, sequential) | ${row(r.createMs)} | p99 under 10 ms: ${verdict(r.createMs.p99 < 10)} |`,
      `| get (ConfigMap, sequential) | ${row(r.getMs)} | p99 under 10 ms: ${verdict(r.getMs.p99 < 10)} |`,
      `| list of 10,000 pods (${(r.list10kPodsBytes / 2 ** 20).toFixed(1)} MiB JSON), until its last byte arrived | ${row(r.list10kPodsMs)} | 150 ms (issue 14): ${verdict(r.list10kPodsMs.p50 < 150)} |`,
      `| the same 10,000 pods as \`kubectl get pods -A\` asks: Tables of 500 rows, 20 pages | ${row(r.list10kPodsTablePagesMs)} | |`,
      `| idle control plane RSS | ${r.idleRssMiB.toFixed(0)} MiB | under 120 MB: ${verdict(r.idleRssMiB * 1.048576 < 120)} |`,
      '',
    );
  }

  if (want('api-machinery')) {
    console.log('api machinery: CRD to served kind, server-side apply, list of 10,000 custom resources...');
    const r = await benchApiMachinery();
    sections.push(
      '## API machinery',
      '',
      'Against `podlab serve --runtime simulated` over HTTPS, raw requests (no kubectl process in the figures).',
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
    );
    if (r.crdServed.ok) {
      const c = r.crdServed.value;
      sections.push(`| CRD created (POST) → its custom resources listed (first 200), ${c.runs} CRDs one after another | ${row(c.ms)} | under 1 s: ${verdict(c.ms.max < 1000)} |`);
    }
    sections.push(...failed('CRD created → served', r.crdServed));
    if (r.apply.ok) {
      const a = r.apply.value;
      sections.push(`| server-side apply of a Deployment (PATCH application/apply-patch+yaml; replicas 0/1 and an annotation change each time, so the controllers scale it meanwhile), ${a.applies} applies | ${row(a.ms)} | p99 under 20 ms: ${verdict(a.ms.p99 < 20)} |`);
    }
    sections.push(...failed('server-side apply of a Deployment', r.apply));
    if (r.applyConfigMap.ok) {
      const a = r.applyConfigMap.value;
      sections.push(`| for context: server-side apply of a ConfigMap (no controller reacts), ${a.applies} applies | ${row(a.ms)} | |`);
    }
    sections.push(...failed('server-side apply of a ConfigMap', r.applyConfigMap));
    if (r.list10k.ok) {
      const l = r.list10k.value;
      sections.push(`| list of 10,000 custom resources (${(l.bytes / 2 ** 20).toFixed(1)} MiB JSON) | ${row(l.ms)} | under 300 ms: ${verdict(l.ms.p50 < 300)} |`);
    }
    sections.push(...failed('list of 10,000 custom resources', r.list10k), '');
  }

  if (want('workload-kinds')) {
    console.log('workload kinds: 1,000 Jobs on 100 simulated nodes, kubectl top for 2,000 pods...');
    const r = await benchWorkloadKinds();
    sections.push('## Workload kinds', '', 'Against `podlab serve --runtime simulated --nodes 100` over HTTPS, raw requests.', '', '| measure | result | target |', '| --- | --- | --- |');
    if (r.jobs.ok) {
      const j = r.jobs.value;
      sections.push(`| ${j.count.toLocaleString('en')} Jobs of one \`sleep 1\` pod each: all created / all Complete | ${seconds(j.createdMs)} / ${seconds(j.completeMs)} | Complete under 60 s: ${verdict(j.completeMs < 60_000)} |`);
    }
    sections.push(...failed('1,000 Jobs on 100 simulated nodes', r.jobs));
    if (r.top.ok) {
      const t = r.top.value;
      sections.push(`| metrics.k8s.io list of ${t.pods.toLocaleString('en')} PodMetrics (what \`kubectl top pods -A\` asks) | ${row(t.ms)} | p50 under 300 ms: ${verdict(t.ms.p50 < 300)} |`);
    }
    sections.push(...failed('metrics for 2,000 pods', r.top), '');
  }

  if (want('volumes-ingress')) {
    console.log('volumes and ingress: claim to Bound, HTTP through the ingress controller next to the pod directly...');
    const r = await benchVolumesIngress();
    sections.push('## Volumes and Ingress', '', `Against \`podlab serve --runtime docker --nodes 1\` over HTTPS, raw requests; load average (1 min) at the end: ${r.load.toFixed(1)}.`, '', '| measure | result | target |', '| --- | --- | --- |');
    if (r.claims.ok) {
      const c = r.claims.value;
      sections.push(`| PersistentVolumeClaim created → Bound to a matching volume (Immediate), ${c.runs} claims one after another | ${row(c.boundMs)} | p50 under 200 ms: ${verdict(c.boundMs.p50 < 200)} |`);
    }
    sections.push(...failed('claim created → Bound', r.claims));
    if (r.ingress.ok) {
      const i = r.ingress.value;
      const ratio = i.ingressPerSecond / i.directPerSecond;
      sections.push(
        `| ${i.requests.toLocaleString('en')} GETs one after another on one keep-alive connection, straight to the pod's published port | ${row(i.directMs)}; ${i.directPerSecond.toFixed(0)} requests/s | |`,
        `| the same through the ingress controller (Host: bench.localhost) | ${row(i.ingressMs)}; ${i.ingressPerSecond.toFixed(0)} requests/s (${(ratio * 100).toFixed(0)}% of direct) | at least 80% of direct: ${verdict(ratio >= 0.8)} |`,
      );
    }
    sections.push(...failed('ingress next to direct', r.ingress), '');
  }

  if (want('admission')) {
    console.log('admission: pod creates plain, under Pod Security restricted, with a mutating and a validating webhook...');
    const r = await benchAdmission();
    const signed = (v: number) => `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(1)} ms`;
    const over = (s: Stats) => `${signed(s.p50 - r.plainMs.p50)} p50, ${signed(s.p99 - r.plainMs.p99)} p99`;
    sections.push(
      '## Admission',
      '',
      `${r.runs} pod creates one after another on an in-process API server (no HTTP front, so only admission differs), each namespace after 20 warm-up creates; the webhooks are a local HTTPS server answering as a webhook pod would (a one-operation JSONPatch, then allowed).`,
      '',
      '| measure | result | overhead |',
      '| --- | --- | --- |',
      `| pod create, no Pod Security level, no webhook | ${row(r.plainMs)} | |`,
      `| pod create in a namespace enforcing restricted | ${row(r.podSecurityMs)} | ${over(r.podSecurityMs)} |`,
      `| pod create with one mutating and one validating webhook called | ${row(r.webhooksMs)} | ${over(r.webhooksMs)} |`,
      '',
    );
  }

  if (want('startup')) {
    console.log('startup: a new 2-node Docker cluster, a restart, idle memory...');
    const r = await benchStartup();
    console.log('startup: the UI on an existing cluster, from launch to live pods...');
    const launch = await outcome(() => benchUiLaunch());
    sections.push(
      '## Start and idle memory',
      '',
      `\`podlab serve --runtime docker --nodes 2\` as a user runs it (the bundle, V8 flags of the podlab command), ${r.runs} runs; the clock starts when the process is spawned. The desktop window cannot start on this machine (no Electron binary): in its place, \`podlab ui\` (what \`npm start\` runs without Electron) on the same kind of cluster, stopped with one pod Running, and its page opened in Debian's Chromium (started, and a tab opened, beforehand) as soon as the URL is printed; Electron's own start is not in that figure, nor is Chromium's for the tab: the clock starts once Chromium's processes are quiet (Playwright hands a new tab back while its renderer still spends about a second of CPU setting itself up).`,
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
      `| new cluster: spawn → both nodes Ready | ${row(r.newClusterReadyMs)} | 2.0 s: ${verdict(r.newClusterReadyMs.p50 <= 2000)} (p50) |`,
      `| Docker's own part of that, just before each run: a bridge network, then two pause containers created and started side by side, straight through the engine's API (no PodLab) | ${row(r.engineBaselineMs)} | |`,
      `| existing cluster: spawn → API answering (${RESTARTS_PER_RUN} restarts a run, ${RESTARTS_PER_RUN * r.runs} in all) | ${row(r.restartApiMs)} | 0.3 s: ${verdict(r.restartApiMs.p50 <= 300)} (p50) |`,
      ...(r.restartApiWithoutExtraCertsMs ? [`| same, restarts in turn with those, without NODE_EXTRA_CA_CERTS in PodLab's environment (as on a machine that does not set it) | ${row(r.restartApiWithoutExtraCertsMs)} | |`] : []),
      `| Node.js's own start on this machine (its bootstrap, before any PodLab code), in the environment PodLab runs in${r.nodeBootMs.withoutExtraCerts ? ' / without its NODE_EXTRA_CA_CERTS (Node parses that certificate file before it starts V8)' : ''} | ${row(r.nodeBootMs.asRun)}${r.nodeBootMs.withoutExtraCerts ? `; ${row(r.nodeBootMs.withoutExtraCerts)}` : ''} | part of each start figure here |`,
      `| idle RSS of PodLab's process tree, 2 Docker nodes, median of six samples 20–30 s after start | ${r.idleTreeRssMiB.toFixed(0)} MiB | 100 MB: ${verdict(r.idleTreeRssMiB * 1.048576 <= 100)} |`,
      ...(launch.ok
        ? [
            `| existing cluster, the window's stand-in: launch of \`podlab ui\` → its pod shown Running, in a tab that has finished opening (${launch.value.runs} launches) | ${row(launch.value.livePodsMs)} | 1.5 s: ${verdict(launch.value.livePodsMs.p50 <= 1500)} (p50) |`,
            `| same: launch → UI URL printed; → the page's load event | ${row(launch.value.urlMs)}; ${row(launch.value.pageLoadedMs)} | |`,
            `| same, launched as soon as Playwright hands the tab back, while Chromium still sets it up (${launch.value.runs} launches, in turn with those above): → pod shown Running; → URL printed; → load event | ${row(launch.value.unsettled.livePodsMs)}; ${row(launch.value.unsettled.urlMs)}; ${row(launch.value.unsettled.pageLoadedMs)} | |`,
          ]
        : failed("existing cluster, the window's stand-in", launch)),
      '',
      'The slowest new-cluster start, step by step (`PODLAB_STARTUP_TIMING=1`; steps overlap where they run side by side):',
      '',
      '```',
      r.newClusterSteps,
      '```',
      '',
    );
  }

  if (want('problems')) {
    console.log('problems view: every finding and piece of advice over 2,000 pods...');
    const r = benchProblems();
    sections.push(
      '## Problems view',
      '',
      `The debugger's rules and the best-practice advice over ${r.pods.toLocaleString('en')} pods (200 Deployments of 9 healthy replicas, 200 broken bare pods with their events), computed in-process as the view's call computes it after its lists; ${r.problems} problems found.`,
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
      `| compute the problems of 2,000 pods | ${row(r.computeMs)} | 200 ms: ${verdict(r.computeMs.p99 <= 200)} (p99) |`,
      '',
    );
  }

  if (want('data-plane')) {
    console.log('data plane: pod startup on Docker, a burst on 2 nodes, 10,000 simulated pods...');
    const { startup, burst, scale } = await benchDataPlane();
    sections.push(
      '## Data plane',
      '',
      'Against `podlab serve` over HTTPS; a pod counts as Running when a watch on the API delivers `status.phase: Running`.',
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
    );
    if (startup.ok) {
      const s = startup.value;
      const ratio = s.podlabMs.p50 / s.dockerMs.p50;
      sections.push(
        `| pod create → Running, \`--runtime docker --nodes 1\`, busybox:latest (IfNotPresent, image present) \`sleep 3600\`, ${s.runs} pods one at a time | ${row(s.podlabMs)} | |`,
        `| the same two containers by hand: pause (\`--ipc shareable\`, cluster network) + busybox \`--network/--ipc container:<pause>\`, create+start through dockerode, interleaved with the pods | ${row(s.dockerMs)} | |`,
        `| ratio PodLab / docker run | p50 ${ratio.toFixed(2)}×, p99 ${(s.podlabMs.p99 / s.dockerMs.p99).toFixed(2)}× | within 1.5×: ${verdict(ratio <= 1.5)} (p50) |`,
      );
    }
    sections.push(...failed('pod startup next to docker run', startup));
    if (burst.ok) {
      const b = burst.value;
      sections.push(
        `| ${b.pods} pods created at once on 2 Docker nodes: all bound / all Running | ${seconds(b.allScheduledMs)} / ${seconds(b.allRunningMs)} | |`,
        `| same, each pod's first create → its Running | ${row(b.perPodMs)} | |`,
        `| the same ${b.pods} pause + busybox pairs by hand, all at once (dockerode, same engine and network, after the pods) | ${seconds(b.dockerAllRunningMs)} | |`,
        `| podlab process RSS: idle with 2 nodes / peak during the burst (${b.rssSamples} samples, every 100 ms) | ${b.idleRssMiB.toFixed(0)} MiB / ${b.peakRssMiB.toFixed(0)} MiB | |`,
      );
    }
    sections.push(...failed('50 pods at once on 2 Docker nodes', burst));
    if (scale.ok) {
      const { runs, median: c } = scale.value;
      const each = runs.map((r) => `${seconds(r.allRunningMs)} (calibration ${r.calibrationMs.toFixed(0)} ms)`).join(' / ');
      sections.push(
        `| \`podlab serve --runtime simulated --nodes ${c.nodes}\`: spawn → \`Kubeconfig:\` printed / → ${c.nodes} nodes Ready | ${seconds(c.serveReadyMs)} / ${seconds(c.nodesReadyMs)} | |`,
        `| Deployment of ${c.pods.toLocaleString('en')} replicas (busybox:latest, IfNotPresent), ${runs.length} runs one after another: all Running in each, with the machine's speed just before it (cpuCalibrationMs: ~630 ms quiet, up to ~1100 ms in a slow spell) | ${each} | |`,
        `| the median run: all pods created / bound / Running | ${seconds(c.allCreatedMs)} / ${seconds(c.allScheduledMs)} / ${seconds(c.allRunningMs)} | Running in 25 s (issue 14): ${verdict(c.allRunningMs < 25_000)} (median) |`,
        `| the median run: the pods' own events (Scheduled, Pulled, Created, Started) all written (seen every 500 ms) | ${seconds(c.allEventsWrittenMs)} | |`,
        `| pods created by the ReplicaSet controller / bound by the scheduler, per second (first to last) | ${c.createdPerSec.toFixed(0)} / ${c.scheduledPerSec.toFixed(0)} pods/s | |`,
        `| scheduler binding rate over the first / the last 1,000 pods | ${c.scheduledPerSecFirst1000.toFixed(0)} / ${c.scheduledPerSecLast1000.toFixed(0)} pods/s | |`,
        `| podlab process RSS: idle with ${c.nodes} nodes / peak with ${c.pods.toLocaleString('en')} pods | ${c.idleRssMiB.toFixed(0)} MiB / ${c.peakRssMiB.toFixed(0)} MiB | |`,
      );
    }
    sections.push(...failed('10,000 pods on 100 simulated nodes', scale));
    sections.push('', loadNote([['startup', startup], ['burst', burst], ['scale', scale]]), '');
  }

  if (want('workloads')) {
    console.log('workloads: a rolling update under traffic, the host service proxy, readiness to Endpoints...');
    const w = await benchWorkloads();
    sections.push(
      '## Workloads and traffic',
      '',
      `Against \`podlab serve --runtime docker --nodes 2\`; busybox:1.36 httpd pods (readiness probe httpGet / every 1 s, failureThreshold 3), LoadBalancer Services on 127.0.0.1. Every request is a plain HTTP GET on a new connection (Node's http, \`agent: false\`: busybox httpd closes each connection). 1-minute load average at the start: ${w.load1.toFixed(2)}.`,
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
    );
    if (w.rollout.ok) {
      const r = w.rollout.value;
      sections.push(
        `| rolling update of ${r.replicas} replicas (\`kubectl set image\` busybox:1.36 → busybox:latest, default 25% surge / 25% unavailable): \`set image\` → \`rollout status\` succeeds | ${seconds(r.rolloutMs)} | |`,
        `| requests to the LoadBalancer port during it (4 concurrent loops, from 2 s before to 2 s after): failed / total | ${r.failed} / ${r.requests}${r.failed ? ` (${Object.entries(r.reasons).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''} | zero failed: ${verdict(r.failed === 0)} |`,
      );
    }
    sections.push(...failed('rolling update under traffic', w.rollout));
    if (w.throughput.ok) {
      const t = w.throughput.value;
      const ratio = t.proxyPerSec / t.directPerSec;
      sections.push(
        `| requests/s straight to the pod's published port (127.0.0.1:${t.directPort}), concurrency ${t.concurrency}, ${t.seconds} s in 2 rounds alternating with the proxy | ${t.directPerSec.toFixed(0)}/s (${t.directFailed} failed) | |`,
        `| requests/s through the host service proxy (LoadBalancer → that one ready pod), same client and rounds; podlab process CPU meanwhile ${t.podlabCpuDuringProxy.toFixed(2)} cores | ${t.proxyPerSec.toFixed(0)}/s (${t.proxyFailed} failed) | |`,
        `| proxy / direct | ${(ratio * 100).toFixed(1)}% | at least 80%: ${verdict(ratio >= 0.8)} |`,
      );
    }
    sections.push(...failed('host service proxy against the pod\'s port', w.throughput));
    if (w.readiness.ok) {
      const r = w.readiness.value;
      sections.push(
        `| readiness lost → endpoint removed: the pod's Ready condition turns False (as a pod watch delivers it) → its IP leaves the Service's Endpoints addresses (as an Endpoints watch delivers it), ${r.runs} runs | ${row(r.readyToEndpointMs)} | p99 under 1 s: ${verdict(r.readyToEndpointMs.p99 < 1000)} |`,
        `| for context: \`kubectl exec rm /www/index.html\` returned → Ready False (probe period × failureThreshold + status write) | ${row(r.execToNotReadyMs)} | |`,
        `| for context: Ready False → the LoadBalancer stops reaching the pod (first request it does not answer, probed every 10 ms; the pod is its only endpoint) | ${r.readyToProxyStopsMs.max ? row(r.readyToProxyStopsMs) : 'not seen'} | |`,
      );
    }
    sections.push(...failed('readiness to Endpoints', w.readiness));
    sections.push('');
  }

  if (want('journeys')) {
    console.log('pod journeys: heap per pod for 2,000 recorded journeys...');
    const r = await outcome(benchJourneys);
    sections.push(
      '## Pod journeys',
      '',
      `One real journey from \`podlab serve --runtime simulated\` (a pod behind a Service, read back from /podlab/v1/.../trace), then ${journeyBounds.maxPods.toLocaleString('en')} pods' journeys of that shape (own names, uids, addresses, span ids) recorded through the recorder's API; heap measured after full collections. The recorder keeps at most ${journeyBounds.maxPods.toLocaleString('en')} pods, ${journeyBounds.maxSpansPerPod} spans each.`,
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
    );
    if (r.ok) {
      const j = r.value;
      sections.push(
        `| heap per pod with a full journey (${j.spansPerPod} spans: ${j.steps}) | ${(j.heapBytesPerPod / 1024).toFixed(1)} KiB | bounded memory |`,
        `| heap for ${j.pods.toLocaleString('en')} pods' journeys | ${j.heapMiB.toFixed(1)} MiB | |`,
        `| after 1,000 more pods than the bound: journeys kept / heap | ${j.keptAfterOverflow.toLocaleString('en')} / ${j.heapMiBAfterOverflow.toFixed(1)} MiB | kept at the bound: ${verdict(j.keptAfterOverflow === j.pods)} |`,
        `| recording cost (time in the recorder's calls / spans) | ${j.microsPerSpan.toFixed(2)} µs per span | |`,
      );
    }
    sections.push(...failed('pod journeys', r), '');
  }

  if (want('ui')) {
    console.log('ui: Chromium against browser mode, 2,000 pods changing, 10,000 log lines/s...');
    const ui = await outcome(() => benchUi());
    console.log('ui: the log terminal through the real path on Docker...');
    const real = await outcome(() => benchRealLogs());
    sections.push(
      '## UI',
      '',
      'Browser mode of `podlab serve --runtime simulated --nodes 2` in Debian\'s Chromium (headless, playwright-core), 1400×850. Long tasks are the page\'s PerformanceObserver `longtask` entries (main-thread tasks of 50 ms and more); frame gaps are the times between `requestAnimationFrame` callbacks (16.7 ms when smooth), which also show stalls in style, layout and paint.',
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
    );
    if (ui.ok) {
      const u = ui.value;
      const l = u.logs;
      sections.push(
        `| check of the probe: a 150 ms busy task in the page is reported as | ${ms(u.probeCheckMs)} | |`,
        `| opening the UI: page start → all ${(u.pods + 1).toLocaleString('en')} pods listed (before any churn): time; long tasks | ${seconds(u.loadView.seconds * 1000)}; ${tasks(u.loadView)} | none over 100 ms: ${verdict(u.loadView.longTasksOver100Ms === 0)} |`,
        `| same: frames | ${frames(u.loadView)} | |`,
        `| pods view, ${(u.pods + 1).toLocaleString('en')} pods listed, ${u.churnPerSecond} status patches/s through the API (${(u.churn.patches / u.churn.seconds).toFixed(0)}/s achieved, ${u.churn.failures} failed), ${u.podsView.seconds.toFixed(0)} s: long tasks | ${tasks(u.podsView)} | none over 100 ms: ${verdict(u.podsView.longTasksOver100Ms === 0)} |`,
        `| same: pod changes the page received / in watch batches / DOM mutation records in the table | ${u.watchChanges} / ${u.watchMessages} / ${u.tableMutations} | |`,
        `| same: frames | ${frames(u.podsView)} | |`,
        `| log terminal (pod detail, Logs tab, follow), ${l.perSecond.toLocaleString('en')} lines/s **injected in the page** as messages of the tab's real log stream (${l.messages} messages), ${(l.linesSent / l.perSecond).toFixed(0)} s, churn going on: long tasks | ${tasks(u.logsView)} | none over 100 ms: ${verdict(u.logsView.longTasksOver100Ms === 0)} |`,
        `| same: frames (window includes the drain) | ${frames(u.logsView)} | |`,
        `| same: lines handed over / parsed by xterm.js when the last was handed over / after the drain (drain time) | ${l.linesSent.toLocaleString('en')} / ${l.parsedAtEnd.toLocaleString('en')} / ${l.parsedAfterDrain.toLocaleString('en')} (${l.drainMs === undefined ? 'never caught up in 30 s' : ms(l.drainMs)}) | |`,
        `| same: numbered lines the Logs tab received / the terminal's buffer shows (scrollback 50,000); page errors | ${numbered(l.received)} / ${numbered(l.shown)}; ${l.pageErrors.length} errors${l.pageErrors.length ? ` (${l.pageErrors[0]})` : ''} | no dropped lines: ${verdict(l.received.count === l.linesSent && l.received.missing === 0 && l.shown.missing === 0 && l.shown.last === l.linesSent - 1 && l.drainMs !== undefined)} |`,
        `| page JS heap after a full GC, Logs tab open: before / after the ${l.linesSent.toLocaleString('en')} lines | ${u.heapBeforeLogsMiB.toFixed(0)} MiB / ${u.heapAfterLogsMiB.toFixed(0)} MiB | |`,
      );
    }
    sections.push(...failed('UI against the simulated runtime', ui));
    if (real.ok) {
      const r = real.value;
      sections.push(
        `| **real path** on \`--runtime docker --nodes 1\`: a busybox pod writes ${r.lines.toLocaleString('en')} numbered lines; lines/s written (Docker's timestamps) / arriving in the page; last line's lag | ${r.writtenPerSecond.toFixed(0)} / ${r.receivedPerSecond.toFixed(0)} lines/s; ${ms(r.lastLineLagMs)} | about 10,000 lines/s, kept up with |`,
        `| same: line feeds that reached the page / parsed by xterm.js | ${r.receivedLines.toLocaleString('en')} / ${r.parsedLines.toLocaleString('en')} | |`,
        `| same: numbered lines the Logs tab received / the terminal's buffer shows | ${numbered(r.received)} / ${numbered(r.shown)} | no dropped lines: ${verdict(r.received.missing === 0 && r.received.first === 0 && r.received.last === r.lines - 1)} |`,
        `| same: long tasks | ${tasks(r.view)} | none over 100 ms: ${verdict(r.view.longTasksOver100Ms === 0)} |`,
        `| same: frames; podlab CPU while the lines flowed | ${frames(r.view)}; podlab ${r.podlabCpuPercent.toFixed(0)}% of a core | |`,
      );
    }
    sections.push(...failed('log terminal through the real path on Docker', real));
    sections.push('', loadNote([['simulated UI', ui], ['real log path', real]]), '');
  }

  if (want('ui-contexts')) {
    console.log('ui-contexts: Chromium, a kubeconfig context with 2,000 then 20,000 pods...');
    const r = await outcome(() => benchUiContexts());
    sections.push(
      '## UI on a kubeconfig context',
      '',
      'The app in browser mode (`podlab ui --runtime simulated`) in Debian\'s Chromium (headless, 1400×850); the other cluster is a `podlab serve --runtime simulated`, reached only through a context of the kubeconfig the app reads (HTTPS, token). Its pods are ones no node takes, each given a Running status once. A switch is timed in the page, from the status bar\'s `change` event to the first animation frame that shows every pod counted and rows drawn, on the Pods view.',
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
    );
    if (r.ok) {
      const u = r.value;
      const perPodKiB = ((u.heapBigPodsMiB - u.heapPodsMiB) * 1024) / (u.bigPods - u.pods);
      sections.push(
        `| switch to the context with ${u.pods.toLocaleString('en')} pods → its pods shown (${u.switches} switches) | ${row(u.switchToContextMs)} | ≤ 1 s: ${verdict(u.switchToContextMs.max <= 1000)} |`,
        `| same list straight from that API server (one HTTPS GET of ${(u.directListBytes / 2 ** 20).toFixed(1)} MiB, no UI): what a switch cannot go below | ${row(u.directListMs)} | |`,
        `| switch back to PodLab's own cluster → its pods shown | ${row(u.switchBackMs)} | |`,
        `| watches the page holds on the Pods view / after leaving for the Cluster view | ${u.watchesOpen.join(', ')} / ${u.watchesOpenAfterLeaving.join(', ')} | one per kind the view needs, released when it closes |`,
        `| page JS heap after a full GC: own cluster / ${u.pods.toLocaleString('en')} pods / ${u.bigPods.toLocaleString('en')} pods | ${u.heapHomeMiB.toFixed(0)} / ${u.heapPodsMiB.toFixed(0)} / ${u.heapBigPodsMiB.toFixed(0)} MiB (${perPodKiB.toFixed(1)} KiB per pod) | |`,
        `| ${(u.bigPods - u.pods).toLocaleString('en')} more pods created (and given a status) while the page shows the list: from the last write to the page counting them all, through the watch | ${seconds(u.bigPodsArrivalMs)} | |`,
        `| flinging through ${u.bigPods.toLocaleString('en')} pods (${u.scrollPxPerFrame} px a frame, ${u.scroll.seconds.toFixed(0)} s): long tasks | ${tasks(u.scroll)} | none over 100 ms: ${verdict(u.scroll.longTasksOver100Ms === 0)} |`,
        `| same: frames | ${frames(u.scroll)} | |`,
      );
    }
    sections.push(
      ...failed('UI on a kubeconfig context', r),
      '',
      'A switch is: the app opens the context (one discovery request), the Pods view starts its watches (namespaces, nodes, pods), the main process lists the pods over HTTPS, sends them to the page without managedFields, and the page draws the visible rows. Most of it is the other API server answering the list (the "straight from that API server" row): on a machine this loaded, that alone can exceed the target. The page keeps the pods it lists (its heap row) and prints only the rows on screen when the clock ticks.',
      '',
      loadNote([['ui-contexts', r.ok ? { ok: true, value: { load: r.value.loadAtEnd } } : r]]),
      '',
    );
  }

  const report = `${sections.join('\n')}\n`;
  const path = join(repoRoot, 'test', 'bench', 'REPORT.md');
  // A run of some sections only updates those in the report.
  writeFileSync(path, only.length === 0 || !existsSync(path) ? report : mergeReport(readFileSync(path, 'utf8'), report));
  console.log(report);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
