// The log terminal fed through PodLab's real path, on Docker: a busybox pod
// writes numbered lines at about 10,000 per second; they go container →
// Docker's log → the kubelet → the API server's pods/log → the UI host →
// the page's WebSocket → xterm.js. Measured: how fast lines were written
// (Docker's own timestamps) and arrived in the page, how far the page fell
// behind, whether any line was lost, and the page's long tasks meanwhile.
// The simulated UI benchmark (ui.ts) cannot do this: its runtime writes one
// synthetic line every 10 s.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildUi, launchChromium } from '../e2e/browserMode.ts';
import { rawRequest } from '../helpers/apiClient.ts';
import { startDockerServe } from './dockerServe.ts';
import { cpuSeconds, load1, sleep } from './measures.ts';
import { PodWatch } from './podWatch.ts';
import { untilReadyNodes } from './readyNodes.ts';
import { inPage, openLogsTab, openProbedPage, pageNow, phase, uiUrl, type NumberedLines, type PhaseResult } from './uiPage.ts';

export interface RealLogResult {
  lines: number;
  /** Lines per second between the first and last line's Docker timestamps. */
  writtenPerSecond: number;
  /** Lines per second between the first and last arrival in the page. */
  receivedPerSecond: number;
  /** Line feeds that reached the page and that xterm.js parsed. */
  receivedLines: number;
  parsedLines: number;
  /** Last line arrived in the page this long after Docker logged it. */
  lastLineLagMs: number;
  /** Every line the Logs tab received, and what the terminal's buffer holds at the end (its scrollback keeps the last 50,000). */
  received: NumberedLines;
  shown: NumberedLines;
  view: PhaseResult;
  /** CPU the podlab process used while the lines flowed, in % of one core. */
  podlabCpuPercent: number;
  pageErrors: string[];
  load: number;
}

// Batches of 1,000 with a 95 ms pause: busybox has no finer clock, and fork + exec of usleep adds the rest of 100 ms.
const generator = (lines: number) => `while [ ! -e /tmp/go ]; do sleep 0.1; done
awk -v n=${lines} 'BEGIN { for (i = 0; i < n; i++) { printf "bench line %07d: GET /api/items?page=%d 200 12ms bytes=%d\\n", i, i % 97, (i * 7919) % 65536; if ((i + 1) % 1000 == 0) { fflush(); system("usleep 95000") } } }'
exec sleep 3600`;

/** Docker's timestamps of the first and last numbered line (RFC 3339, nanoseconds cut to milliseconds). */
async function writtenWindow(containerId: string): Promise<{ first: number; last: number }> {
  const { stdout } = await promisify(execFile)('docker', ['logs', '--timestamps', containerId], { maxBuffer: 256 * 2 ** 20 });
  const stamps = stdout
    .split('\n')
    .filter((l) => l.includes(' bench line '))
    .map((l) => Date.parse(l.slice(0, l.indexOf(' ')).replace(/(\.\d{3})\d*Z$/, '$1Z')));
  return { first: stamps[0] ?? Number.NaN, last: stamps[stamps.length - 1] ?? Number.NaN };
}

export async function benchRealLogs(lines = 200_000): Promise<RealLogResult> {
  await buildUi();
  const ds = await startDockerServe('bench-uilog', 1);
  try {
    await untilReadyNodes(ds.api, 1, 60_000);
    const watch = await PodWatch.start(ds.api);
    try {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'log-source' },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', generator(lines)] }] },
      };
      const res = await rawRequest(ds.api, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod));
      if (res.status !== 201) throw new Error(`creating log-source failed (${res.status}): ${res.body}`);
      await watch.until('log-source Running', () => watch.running >= 1, 60_000);
    } finally {
      watch.stop();
    }
    const [container] = await ds.docker.listContainers({ filters: JSON.stringify({ label: ['io.kubernetes.pod.name=log-source', 'io.kubernetes.container.name=app', `podlab.cluster=${ds.cluster}`] }) });
    if (!container) throw new Error('the container of log-source is not running');

    const browser = await launchChromium();
    try {
      const { page, errors } = await openProbedPage(browser, await uiUrl(ds.serve));
      await openLogsTab(page, 'log-source');
      await sleep(1000);
      const [fedBefore, serverBefore] = await inPage<[number, number]>(page, '[bench.fedLines, bench.serverLogLines]');
      const from = await pageNow(page);
      const pid = ds.serve.process.pid!;
      const cpuBefore = cpuSeconds(pid);
      const wallBefore = Date.now();

      const exec = await ds.docker.getContainer(container.Id).exec({ Cmd: ['touch', '/tmp/go'] });
      await exec.start({});

      // Until every line arrived, or nothing new came for 15 s.
      let received = 0;
      let lastChange = Date.now();
      while (received < lines && Date.now() - lastChange < 15_000) {
        await sleep(200);
        const now = (await inPage<number>(page, 'bench.serverLogLines')) - serverBefore;
        if (now !== received) lastChange = Date.now();
        received = now;
      }
      const podlabCpuPercent = (100 * (cpuSeconds(pid) - cpuBefore)) / ((Date.now() - wallBefore) / 1000);
      let parsed = 0;
      const drainDeadline = Date.now() + 30_000;
      while ((parsed = (await inPage<number>(page, 'bench.fedLines')) - fedBefore) < received && Date.now() < drainDeadline) await sleep(50);
      const to = await pageNow(page);

      const arrivals = (await inPage<Array<[number, number]>>(page, 'bench.serverLogArrivals')).filter(([at]) => at >= wallBefore);
      const firstArrival = arrivals[0]?.[0] ?? Number.NaN;
      const lastArrival = arrivals[arrivals.length - 1]?.[0] ?? Number.NaN;
      const written = await writtenWindow(container.Id);
      const view = await phase(page, from, to);
      const [numberedReceived, shown] = await inPage<[NumberedLines, NumberedLines]>(page, '[bench.numberedLinesReceived(), bench.numberedLinesShown()]');
      return {
        lines,
        writtenPerSecond: lines / ((written.last - written.first) / 1000),
        receivedPerSecond: received / ((lastArrival - firstArrival) / 1000),
        receivedLines: received,
        parsedLines: parsed,
        lastLineLagMs: lastArrival - written.last,
        received: numberedReceived,
        shown,
        view,
        podlabCpuPercent,
        pageErrors: errors,
        load: load1(),
      };
    } finally {
      await browser.close();
    }
  } finally {
    await ds.cleanup();
  }
}
