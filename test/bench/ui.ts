// UI benchmark (issue: the desktop app): the browser-mode UI in Debian's
// Chromium against `podlab serve --runtime simulated --nodes 2`, while 2,000
// pods keep changing status through the API and the log terminal receives
// 10,000 lines/s. What is measured is what the user feels: long tasks on the
// page's main thread and gaps between animation frames, and whether the
// terminal showed every line.
//
// The simulated runtime writes one synthetic line per container every 10 s
// (syntheticLogs.ts), so 10,000 lines/s cannot come through the real path
// here. The lines are delivered in the page instead, as messages of the log
// stream the Logs tab really opened, through its real WebSocket listener:
// everything the renderer does with a line is measured, nothing the server
// does. uiRealLogs.ts measures the real path on Docker.

import { targetFromKubeconfig, rawRequest, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, tempDir } from '../helpers/podlabProcess.ts';
import { buildUi, launchChromium } from '../e2e/browserMode.ts';
import { load1, parallel, sleep } from './measures.ts';
import { benchPod } from './podManifest.ts';
import { startStatusChurn, type ChurnResult } from './statusChurn.ts';
import { checkLongTaskProbe, inPage, openLogsTab, openProbedPage, pageNow, phase, retainedHeapMiB, uiUrl, type NumberedLines, type PhaseResult } from './uiPage.ts';
import type { Page } from 'playwright-core';

export interface InjectedLogResult {
  perSecond: number;
  linesSent: number;
  messages: number;
  /** Lines xterm.js had parsed when the last line was handed over, and once it had caught up (or 30 s later). */
  parsedAtEnd: number;
  parsedAfterDrain: number;
  /** From the last line handed over until xterm.js had parsed them all (undefined: it never did). */
  drainMs: number | undefined;
  /** Every line the Logs tab received, and what the terminal's buffer holds at the end (its scrollback keeps the last 50,000). */
  received: NumberedLines;
  shown: NumberedLines;
  pageErrors: string[];
}

export interface UiResults {
  pods: number;
  churnPerSecond: number;
  churn: ChurnResult;
  /** A 150 ms busy task run in the page before measuring, as the long-task observer reported it. */
  probeCheckMs: number;
  /** From the page's start to every pod listed, before any churn: opening the app on a big cluster. */
  loadView: PhaseResult;
  /** Pod watch batches the page received during the pods phase, and the pod changes in them. */
  watchMessages: number;
  watchChanges: number;
  /** DOM mutation records in the pods table meanwhile: the view did redraw what changed. */
  tableMutations: number;
  podsView: PhaseResult;
  logsView: PhaseResult;
  logs: InjectedLogResult;
  /** The page's heap after a full GC, with the Logs tab open before and after the lines: what the tab keeps per line. */
  heapBeforeLogsMiB: number;
  heapAfterLogsMiB: number;
  load: number;
}

/** `count` pods no node takes (so only a benchmark changes them), named PREFIX-NNNN from `from`. */
export async function createChurnPods(api: ApiTarget, count: number, prefix = 'churn', from = 0): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(from + i).padStart(4, '0')}`);
  await parallel(count, 16, async (i) => {
    const pod = benchPod(names[i], { labels: { app: 'ui-bench' }, nodeSelector: { 'podlab.bench/none': 'x' } });
    const res = await rawRequest(api, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod));
    if (res.status !== 201) throw new Error(`creating ${names[i]} failed (${res.status}): ${res.body}`);
  });
  return names;
}

/** Drives the lines, then waits for xterm.js to parse them; the window ends before the buffer is read, which blocks the page. */
async function injectLogs(page: Page, perSecond: number, ms: number, pageErrors: string[]): Promise<{ logs: InjectedLogResult; windowEnd: number }> {
  // The real stream's own lines (a heartbeat every 10 s) must be parsed too.
  const [fedBefore, serverBefore] = await inPage<[number, number]>(page, '[bench.fedLines, bench.serverLogLines]');
  const driven = await inPage<{ sent: number; messages: number; ended: number }>(page, `bench.driveLogs(${perSecond}, ${ms})`);
  const parsedAtEnd = (await inPage<number>(page, 'bench.fedLines')) - fedBefore;
  let drainMs: number | undefined;
  let parsed = parsedAtEnd;
  let windowEnd = driven.ended;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [fed, server, now] = await inPage<[number, number, number]>(page, '[bench.fedLines, bench.serverLogLines, performance.now()]');
    parsed = fed - fedBefore;
    windowEnd = now;
    if (parsed >= driven.sent + (server - serverBefore)) {
      drainMs = now - driven.ended;
      break;
    }
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  const [received, shown] = await inPage<[NumberedLines, NumberedLines]>(page, '[bench.numberedLinesReceived(), bench.numberedLinesShown()]');
  return { logs: { perSecond, linesSent: driven.sent, messages: driven.messages, parsedAtEnd, parsedAfterDrain: parsed, drainMs, received, shown, pageErrors }, windowEnd };
}

export async function benchUi(options: { pods?: number; churnPerSecond?: number; seconds?: number; logLinesPerSecond?: number } = {}): Promise<UiResults> {
  const pods = options.pods ?? 2000;
  const churnPerSecond = options.churnPerSecond ?? 200;
  const phaseMs = (options.seconds ?? 20) * 1000;
  const logLinesPerSecond = options.logLinesPerSecond ?? 10_000;
  await buildUi();
  const dir = tempDir('bench-ui');
  const serve = await startPodlab(['--runtime', 'simulated', '--nodes', '2'], dir);
  const browser = await launchChromium().catch(async (err: unknown) => {
    await serve.stop();
    throw err;
  });
  try {
    const api = targetFromKubeconfig(serve.kubeconfig);
    const names = await createChurnPods(api, pods);
    // The one pod that runs (on a simulated node): its Logs tab is the terminal measured.
    const created = await rawRequest(api, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(benchPod('log-source', { labels: { app: 'ui-bench-log' } })));
    if (created.status !== 201) throw new Error(`creating log-source failed (${created.status}): ${created.body}`);

    const { page, errors } = await openProbedPage(browser, await uiUrl(serve));
    await page.locator('.view-head .count', { hasText: `${pods + 1} of ${pods + 1}` }).waitFor({ timeout: 60_000 });
    const loadView = await phase(page, 0, await pageNow(page));
    const probeCheckMs = await checkLongTaskProbe(page);

    const churn = startStatusChurn(api, 'default', names, churnPerSecond);
    let churnResult: ChurnResult | undefined;
    try {
      const watchBefore = await inPage<[number, number]>(page, '[bench.watchMessages, bench.watchChanges]');
      await inPage(page, "bench.countMutations('.vtable-body')");
      const podsFrom = await pageNow(page);
      await sleep(phaseMs);
      const podsView = await phase(page, podsFrom, await pageNow(page));
      const tableMutations = await inPage<number>(page, 'bench.stopMutations()');
      const watchAfter = await inPage<[number, number]>(page, '[bench.watchMessages, bench.watchChanges]');

      // The churn goes on: the pod detail no longer lists every pod, but the server keeps sending the page's other watches.
      await openLogsTab(page, 'log-source');
      await sleep(1000);
      const heapBeforeLogsMiB = await retainedHeapMiB(page);
      const logsFrom = await pageNow(page);
      const { logs, windowEnd } = await injectLogs(page, logLinesPerSecond, phaseMs, errors);
      const logsView = await phase(page, logsFrom, windowEnd);
      const heapAfterLogsMiB = await retainedHeapMiB(page);
      churnResult = await churn.stop();
      return {
        pods,
        churnPerSecond,
        churn: churnResult,
        probeCheckMs,
        loadView,
        watchMessages: watchAfter[0] - watchBefore[0],
        watchChanges: watchAfter[1] - watchBefore[1],
        tableMutations,
        podsView,
        logsView,
        logs,
        heapBeforeLogsMiB,
        heapAfterLogsMiB,
        load: load1(),
      };
    } finally {
      if (!churnResult) await churn.stop();
    }
  } finally {
    await browser.close();
    await serve.stop();
    removeDir(dir);
  }
}
