// UI on a cluster PodLab does not run (issue: the app on any cluster): a
// `podlab serve --runtime simulated`, reached only through a context of the
// kubeconfig the app (`podlab ui`, its own cluster simulated) reads, with 2,000 pods and then
// 20,000. Measured in Debian's Chromium as the user feels it:
//   - switching to the context in the status bar, from the Pods view, until
//     the first frame that shows the context's pods (and back);
//   - the page's JS heap after a full GC with 2,000 and with 20,000 pods
//     listed, and what is kept per pod;
//   - flinging through the 20,000-pod list: long tasks and frame gaps;
//   - the watches the page holds open (one per kind the view needs).
// The pods are ones no node takes, each given a Running status once, so the
// objects are the size of running pods and only the benchmark changes them.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, startPodlabUi, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';
import { buildUi, launchChromium, nav } from '../e2e/browserMode.ts';
import { load1, parallel, stats, type Stats } from './measures.ts';
import { statusFor } from './statusChurn.ts';
import { createChurnPods } from './ui.ts';
import { inPage, openProbedPage, phase, retainedHeapMiB, type PhaseResult } from './uiPage.ts';

export interface ContextSwitchResults {
  pods: number;
  /** Status bar change → first frame with every pod of the context counted and rows drawn. */
  switchToContextMs: Stats;
  /** The same list straight from the other cluster's API server (the bench's own HTTPS request): the part of a switch no UI change can save. */
  directListMs: Stats;
  directListBytes: number;
  /** Back to PodLab's own cluster → its pods shown. */
  switchBackMs: Stats;
  switches: number;
  /** Page heap after a full GC on the Pods view: PodLab's own (near empty) cluster, the context with `pods`, with `bigPods`. */
  heapHomeMiB: number;
  heapPodsMiB: number;
  bigPods: number;
  heapBigPodsMiB: number;
  /** From the last of the extra pods created to the page counting them all (they arrive through the watch). */
  bigPodsArrivalMs: number;
  scroll: PhaseResult;
  scrollPxPerFrame: number;
  /** Watches the page holds open on the Pods view of the context (what each selects), and after leaving for the Cluster view. */
  watchesOpen: string[];
  watchesOpenAfterLeaving: string[];
  loadAtEnd: number;
}

const contextName = 'foreign';
const countSelector = '.view-head .count';

/** The page's kubeconfig: one context, the foreign cluster's admin token and CA. */
function writeKubeconfig(path: string, foreign: PodlabServe): void {
  const admin = parse(readFileSync(foreign.kubeconfig, 'utf8'));
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: contextName, cluster: admin.clusters[0].cluster }],
      users: [{ name: 'admin', user: { token: admin.users[0].user.token } }],
      contexts: [{ name: contextName, context: { cluster: contextName, user: 'admin' } }],
    }),
  );
}

async function createRunningPods(api: ApiTarget, count: number, from: number): Promise<void> {
  const names = await createChurnPods(api, count, 'ctx', from);
  const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = JSON.stringify(statusFor(0, startedAt));
  await parallel(names.length, 16, async (i) => {
    const res = await rawRequest(api, 'PATCH', `/api/v1/namespaces/default/pods/${names[i]}/status`, status, { 'Content-Type': 'application/merge-patch+json' });
    if (res.status !== 200) throw new Error(`status of ${names[i]} (${res.status}): ${res.body}`);
  });
}

/** Picks `cluster` in the status bar and resolves with the ms from the change to the first frame showing `count` pods. */
async function switchTo(page: Page, cluster: string, count: number): Promise<number> {
  const select = page.getByLabel('Cluster', { exact: true });
  await select.focus();
  await select.locator(`option[value="${cluster}"]`).waitFor({ state: 'attached' });
  await inPage(page, 'bench.armChange()');
  const shown = inPage<number>(page, `bench.firstFrameWhen(() => bench.changedAt > 0 && document.querySelector('${countSelector}')?.textContent === '${count} of ${count}' && (${count} === 0 || document.querySelector('.vtable-row') !== null))`);
  await select.selectOption(cluster);
  const frame = await shown;
  const changedAt = await inPage<number>(page, 'bench.changedAt');
  await select.blur();
  return frame - changedAt;
}

const openWatches = (page: Page) => inPage<string[]>(page, '[...bench.openWatches.values()].sort()');

const progress = (text: string) => console.log(`  ui-contexts ${new Date().toISOString().slice(11, 19)}: ${text}`);

const podCount = (page: Page) => page.locator(countSelector).innerText();

export async function benchUiContexts(options: { pods?: number; bigPods?: number; switches?: number } = {}): Promise<ContextSwitchResults> {
  const pods = options.pods ?? 2000;
  const bigPods = options.bigPods ?? 20_000;
  const switches = options.switches ?? 5;
  await buildUi();
  const dir = tempDir('bench-ui-contexts');
  const servers: Array<{ stop(): Promise<unknown> }> = [];
  try {
    const foreign = await startPodlab(['--runtime', 'simulated', '--nodes', '1', '--name', contextName], join(dir, 'foreign'));
    servers.push(foreign);
    const api = targetFromKubeconfig(foreign.kubeconfig);
    progress(`creating ${pods} pods`);
    await createRunningPods(api, pods, 0);
    // The app as the desktop runs it (`podlab ui`: clusters switch in the status bar), reading this kubeconfig for contexts.
    const homeDir = join(dir, 'home');
    mkdirSync(homeDir, { recursive: true });
    writeKubeconfig(join(homeDir, 'user-kubeconfig'), foreign);
    const home = await startPodlabUi(['--runtime', 'simulated', '--name', 'home'], homeDir);
    servers.push(home);

    const browser = await launchChromium();
    try {
      const { page } = await openProbedPage(browser, home.url);
      await page.locator(countSelector, { hasText: / of / }).waitFor({ timeout: 60_000 });
      const homeCount = Number(/of (\d+)/.exec(await podCount(page))?.[1] ?? 0);
      const heapHomeMiB = await retainedHeapMiB(page);

      progress('switching');
      const direct: number[] = [];
      let directListBytes = 0;
      for (let i = 0; i < switches; i++) {
        const from = performance.now();
        directListBytes = (await rawRequest(api, 'GET', '/api/v1/namespaces/default/pods')).body.length;
        direct.push(performance.now() - from);
      }
      const toContext: number[] = [];
      const back: number[] = [];
      for (let i = 0; i < switches; i++) {
        toContext.push(await switchTo(page, contextName, pods));
        back.push(await switchTo(page, 'home', homeCount));
      }
      toContext.push(await switchTo(page, contextName, pods));
      const heapPodsMiB = await retainedHeapMiB(page);
      const watchesOpen = await openWatches(page);

      progress(`creating ${bigPods - pods} more pods`);
      await createRunningPods(api, bigPods - pods, pods);
      progress('waiting for the page to count them');
      const created = performance.now();
      await page.locator(countSelector, { hasText: `${bigPods} of ${bigPods}` }).waitFor({ timeout: 300_000 });
      const bigPodsArrivalMs = performance.now() - created;
      const heapBigPodsMiB = await retainedHeapMiB(page);

      progress('scrolling');
      const scrollPxPerFrame = 300;
      const scrolled = await inPage<{ started: number; ended: number }>(page, `bench.scrollFor('.vtable-body', 10000, ${scrollPxPerFrame})`);
      const scroll = await phase(page, scrolled.started, scrolled.ended);

      await nav(page, 'Cluster');
      await page.locator('tr[data-cluster]').first().waitFor();
      await page.waitForTimeout(500);
      const watchesOpenAfterLeaving = await openWatches(page);

      return {
        pods,
        switchToContextMs: stats(toContext),
        directListMs: stats(direct),
        directListBytes,
        switchBackMs: stats(back),
        switches: toContext.length,
        heapHomeMiB,
        heapPodsMiB,
        bigPods,
        heapBigPodsMiB,
        bigPodsArrivalMs,
        scroll,
        scrollPxPerFrame,
        watchesOpen,
        watchesOpenAfterLeaving,
        loadAtEnd: load1(),
      };
    } finally {
      await browser.close();
    }
  } finally {
    for (const serve of servers.reverse()) await serve.stop();
    removeDir(dir);
  }
}
