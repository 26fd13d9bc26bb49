// What the e2e tests share: a real `podlab serve` (simulated runtime unless
// told otherwise) with its UI built, Debian's Chromium driven by
// playwright-core, and screenshots saved under test-results/ as artifacts.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { removeDir, repoRoot, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

export const screenshotDir = join(repoRoot, 'test-results', 'e2e');

export interface BrowserModeServe {
  serve: PodlabServe;
  /** The `UI:` URL with its token. */
  url: string;
  origin: string;
}

export async function buildUi(): Promise<void> {
  // @ts-expect-error: a plain JavaScript module without types.
  const { buildRenderer } = (await import('../../scripts/build-renderer.js')) as { buildRenderer: (o?: object) => Promise<boolean> };
  await buildRenderer({ log: () => undefined });
}

export async function startBrowserModeServe(args = ['--runtime', 'simulated', '--nodes', '1'], dataDir?: string): Promise<BrowserModeServe> {
  await buildUi();
  const serve = await startPodlab(args, dataDir);
  const deadline = Date.now() + 20_000;
  let match: RegExpExecArray | null = null;
  while (!(match = /^UI: (\S+)$/m.exec(serve.output())) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!match) {
    await serve.stop();
    throw new Error(`podlab serve printed no UI: line:\n${serve.output()}`);
  }
  return { serve, url: match[1], origin: new URL(match[1]).origin };
}

export async function stopServe(s: BrowserModeServe | undefined): Promise<void> {
  if (!s) return;
  await s.serve.stop();
  removeDir(s.serve.dataDir);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** A row of the pods table by the pod's exact name (or a pattern of names). */
export function podRow(page: Page, name: string | RegExp) {
  return page.locator('[role=row][data-key]', { has: page.locator('.cell-name', { hasText: typeof name === 'string' ? new RegExp(`^${name}$`) : name }) });
}

export function nav(page: Page, view: string): Promise<void> {
  return page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view, exact: true }).click();
}

/** What an xterm.js terminal shows now (its rendered rows, one line each). */
export function terminalText(page: Page, label: string): Promise<string> {
  return page.locator(`.terminal[aria-label="${label}"] .xterm-rows`).innerText();
}

/** A page of the serve's UI in `browser`, with page errors printed, once the pods view shows. */
export async function openUi(browser: Browser, s: BrowserModeServe, viewport = { width: 1400, height: 850 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  await page.goto(s.url);
  await page.getByRole('table', { name: 'Pods' }).waitFor();
  return page;
}

export interface BrowserModeSession {
  s: BrowserModeServe;
  browser: Browser;
  page: Page;
  /** Closes the browser, stops the serve and removes what it left (a Docker cluster's containers, volumes and network too). */
  close(): Promise<void>;
}

export interface BrowserModeOptions {
  /** `podlab serve`'s flags; default: the simulated runtime, one node. Ignored with `dockerCluster`. */
  args?: string[];
  /** A cluster of that name on the real Docker engine (one node), on a subnet no network uses yet. */
  dockerCluster?: string;
  viewport?: { width: number; height: number };
}

/**
 * What a test file's `before` sets up: a `podlab serve` and a Chromium page
 * on its UI, once the pods view shows. A failure part way removes what was
 * started, so `after` has only the session's close to call.
 */
export async function openBrowserMode(options: BrowserModeOptions = {}): Promise<BrowserModeSession> {
  const cluster = options.dockerCluster;
  const dataDir = cluster ? tempDir(cluster) : undefined;
  let s: BrowserModeServe | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await s?.serve.stop();
    if (cluster) await removeClusterObjects(cluster);
    const dir = s?.serve.dataDir ?? dataDir;
    if (dir) removeDir(dir);
  };
  try {
    if (dataDir) await reserveSubnet(dataDir);
    s = await startBrowserModeServe(cluster ? ['--name', cluster, '--runtime', 'docker', '--nodes', '1'] : options.args, dataDir);
    browser = await launchChromium();
    const page = await openUi(browser, s, options.viewport);
    return { s, browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
