// The UI page as the UI benchmarks drive and read it: browser mode's URL
// from `podlab serve`, a Chromium page with uiPageProbe.js installed, the
// way to a pod's Logs tab, and what the probe recorded over a window of the
// page's time (long tasks, frame gaps).

import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { PodlabServe } from '../helpers/podlabProcess.ts';
import { sleep, stats, type Stats } from './measures.ts';

const probeScript = join(fileURLToPath(import.meta.url), '..', 'uiPageProbe.js');

export interface PhaseResult {
  seconds: number;
  longTasks: number;
  longTasksOver100Ms: number;
  longestTaskMs: number;
  /** Time between animation frames: a smooth page stays near 16.7 ms. */
  frameGapMs: Stats;
  framesPerSecond: number;
}

/** The numbered lines (`bench line N:`) a terminal's buffer holds: numbers skipped (lost) or seen again (repeated), and the first few breaks. */
export interface NumberedLines {
  count: number;
  first: number;
  last: number;
  missing: number;
  repeated: number;
  breaks: string[];
}

interface Timed {
  start: number;
  duration: number;
}

export async function uiUrl(serve: PodlabServe): Promise<string> {
  const deadline = performance.now() + 20_000;
  let match: RegExpExecArray | null = null;
  while (!(match = /^UI: (\S+)$/m.exec(serve.output())) && performance.now() < deadline) await sleep(100);
  if (!match) throw new Error(`podlab serve printed no UI: line:\n${serve.output()}`);
  return match[1]!;
}

/** An expression evaluated in the page, where `bench` is the probe uiPageProbe.js installed. */
export const inPage = <T>(page: Page, expression: string) => page.evaluate(`(() => { const bench = window.__podlabBench; return ${expression}; })()`) as Promise<T>;

export const pageNow = (page: Page) => page.evaluate('performance.now()') as Promise<number>;

export interface ProbedPage {
  page: Page;
  /** Uncaught errors and console errors of the page (xterm.js reports discarded data this way). */
  errors: string[];
}

export async function openProbedPage(browser: Browser, url: string): Promise<ProbedPage> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error' || /discard/i.test(message.text())) errors.push(`console ${message.type()}: ${message.text()}`);
  });
  await page.addInitScript({ path: probeScript });
  await page.goto(url);
  await page.getByRole('table', { name: 'Pods' }).waitFor();
  return { page, errors };
}

/** Checks the long-task observer by making one: "no long tasks" means nothing unless a known one shows. */
export async function checkLongTaskProbe(page: Page): Promise<number> {
  const from = await pageNow(page);
  await inPage(page, 'bench.busySoon(150)');
  await sleep(500);
  const tasks = await inPage<Timed[]>(page, 'bench.longTasks');
  return Math.max(0, ...tasks.filter((t) => t.start >= from).map((t) => t.duration));
}

/** From the pods view to the pod's Logs tab, once the tab's terminal and log stream exist. */
export async function openLogsTab(page: Page, pod: string): Promise<void> {
  await page.getByLabel('Filter pods by name').fill(pod);
  await page.locator('[role=row][data-key]', { hasText: pod }).click();
  await page.getByRole('tab', { name: 'Logs' }).click();
  try {
    await page.waitForFunction('window.__podlabBench.attachTerminal() && window.__podlabBench.logStreamIds.length > 0', undefined, { timeout: 30_000, polling: 100 });
  } catch {
    throw new Error(`the Logs tab of ${pod} showed no terminal with a log stream within 30 s`);
  }
}

/** Long tasks and frames of the page between two of its performance.now() readings. */
export async function phase(page: Page, from: number, to: number): Promise<PhaseResult> {
  const probe = await inPage<{ longTasks: Timed[]; frames: number[] }>(page, '({ longTasks: bench.longTasks, frames: bench.frames })');
  const within = (t: Timed) => t.start >= from && t.start < to;
  const tasks = probe.longTasks.filter(within);
  const frames = probe.frames.filter((f) => f >= from && f < to);
  const gaps = frames.slice(1).map((f, i) => f - frames[i]!);
  const seconds = (to - from) / 1000;
  return {
    seconds,
    longTasks: tasks.length,
    longTasksOver100Ms: tasks.filter((t) => t.duration > 100).length,
    longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
    frameGapMs: stats(gaps),
    framesPerSecond: frames.length / seconds,
  };
}

/**
 * The page's live JavaScript heap after a full garbage collection, through
 * the DevTools protocol: what the page keeps, not what it has not freed yet
 * (performance.memory is coarse and cached in Chromium).
 */
export async function retainedHeapMiB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
  } finally {
    await cdp.detach();
  }
}
