// `podlab ui`, the app in a browser (what `npm start` serves where Electron
// cannot run): the page is up before the cluster, shows its start step by
// step, and creates, switches to and deletes clusters as the desktop window
// does. The simulated runtime keeps it quick; the steps are the same.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { eventually } from '../helpers/eventually.ts';
import { removeDir, startPodlabUi, type PodlabUi } from '../helpers/podlabProcess.ts';
import { buildUi, launchChromium, screenshot } from './browserMode.ts';

let ui: PodlabUi;
let browser: Browser;
let page: Page;
let bridge: WebSocket;
let nextId = 1;

/** The bridge as the page uses it, for steps the test drives itself. */
function call(name: string, request: unknown = {}): Promise<{ result?: unknown; error?: { message: string; status?: { code: number; reason: string } } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString());
      if (message.id !== id) return;
      bridge.off('message', onMessage);
      resolve(message);
    };
    bridge.on('message', onMessage);
    bridge.send(JSON.stringify({ id, call: name, request }));
  });
}

before(async () => {
  await buildUi();
  ui = await startPodlabUi(['--runtime', 'simulated', '--name', 'first']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  // Every text the start screen shows, in order, however briefly it shows it.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { startupTexts: string[] }).startupTexts = seen;
    new MutationObserver(() => {
      const text = document.querySelector('main.startup')?.textContent ?? '';
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const url = new URL(ui.url);
  const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
  bridge = new WebSocket(`ws://${url.host}/bridge`, ['podlab.v1', `podlab.token.${token}`], { origin: url.origin });
  await new Promise((resolve, reject) => bridge.once('open', resolve).once('error', reject));
});

after(async () => {
  bridge?.close();
  await browser?.close();
  await ui?.stop();
  if (ui) removeDir(ui.home);
});

const statusBar = () => page.getByRole('contentinfo', { name: 'Status bar' });
const startupTexts = () => page.evaluate(() => (window as unknown as { startupTexts: string[] }).startupTexts);

test('the page comes up with the cluster: its status bar names it running, with a kubeconfig', async () => {
  await page.goto(ui.url);
  await statusBar().getByText(/running/).waitFor({ timeout: 30_000 });
  assert.equal(await statusBar().getByRole('combobox', { name: 'Cluster' }).inputValue(), 'first');
  assert.match(await statusBar().innerText(), new RegExp(`${join(ui.home, 'clusters', 'first', 'kubeconfig').replace(/[/.]/g, '\\$&')}`));
  // The status says running while the nodes still start; the terminal hears once, when the start is over.
  await statusBar().getByText('logs/exec: not available yet').waitFor({ state: 'detached', timeout: 30_000 });
  await eventually('the start announced', async () => ui.output().includes('Cluster "first" is running.'));
  assert.equal(ui.output().split('Cluster "first" is running.').length - 1, 1, ui.output());
});

test('in a narrow window the status bar cuts the kubeconfig path, not the Copy button after it', async () => {
  const size = page.viewportSize()!;
  try {
    await page.setViewportSize({ width: 900, height: size.height });
    const bar = (await statusBar().boundingBox())!;
    const copy = (await statusBar().getByRole('button', { name: 'Copy' }).boundingBox())!;
    assert.ok(copy.x + copy.width <= bar.x + bar.width, `the Copy button (right edge ${copy.x + copy.width}) fits the bar (${bar.x + bar.width})`);
    const path = statusBar().locator('.kubeconfig code');
    assert.ok(await path.evaluate((el) => el.scrollWidth > el.clientWidth), 'the path is cut');
    assert.match((await path.getAttribute('title'))!, /^Kubeconfig: \/.*kubeconfig$/);
  } finally {
    await page.setViewportSize(size);
  }
});

test('creating a cluster shows the current one stopping, then each step of the new one starting', async () => {
  // Every step the bridge announces; the page may render two quick ones in one frame, so the screen is checked for what stays a while.
  const steps: string[] = [];
  const onEvent = (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString());
    if (message.event === 'cluster' && message.payload.progress?.step) steps.push(`${message.payload.name}: ${message.payload.progress.step}`);
  };
  bridge.on('message', onEvent);
  const created = await call('cluster.create', { name: 'second', runtime: 'simulated', nodes: 2 });
  assert.equal(created.result, null, JSON.stringify(created.error));
  await statusBar().getByText(/running/).waitFor({ timeout: 30_000 });
  bridge.off('message', onEvent);
  assert.equal(await statusBar().getByRole('combobox', { name: 'Cluster' }).inputValue(), 'second');
  const texts = await startupTexts();
  assert.ok(texts.some((t) => /Stopping cluster first/.test(t)), texts.join(' | '));
  assert.ok(texts.some((t) => /Starting cluster second: /.test(t)), texts.join(' | '));
  assert.ok(steps.includes('second: opening the store and starting the API server'), steps.join(' | '));
  // The workspace opens while the nodes start; node actions asked for meanwhile wait for them.
  assert.ok(steps.includes('second: starting the nodes'), steps.join(' | '));
  await screenshot(page, 'app-second-cluster-running');
  const nodes = await call('nodes.list');
  assert.deepEqual(
    (nodes.result as Array<{ name: string }>).map((n) => n.name),
    ['node-1', 'node-2'],
  );
});

test('the clusters are listed; a second create of the same name and deleting the shown cluster are refused, deleting the other works', async () => {
  const listed = (await call('cluster.list')).result as Array<{ name: string; running: boolean; current: boolean; runtime: string }>;
  assert.deepEqual(
    listed.map((c) => [c.name, c.running, c.current, c.runtime]),
    [
      ['first', false, false, 'simulated'],
      ['second', true, true, 'simulated'],
    ],
  );
  const again = await call('cluster.create', { name: 'second' });
  assert.equal(again.error?.status?.reason, 'AlreadyExists');
  const shown = await call('cluster.delete', { name: 'second' });
  assert.equal(shown.error?.status?.code, 409);
  assert.match(shown.error!.message, /switch to another cluster first/);
  const invalid = await call('cluster.create', { name: 'Not_A_Name' });
  assert.equal(invalid.error?.status?.code, 400);

  assert.deepEqual((await call('cluster.delete', { name: 'first' })).result, null);
  assert.equal(existsSync(join(ui.home, 'clusters', 'first')), false);
  const after = (await call('cluster.list')).result as Array<{ name: string }>;
  assert.deepEqual(
    after.map((c) => c.name),
    ['second'],
  );
});

test('on SIGTERM the app stops its cluster and exits cleanly, releasing the cluster for the next start', async () => {
  const code = await ui.stop();
  assert.equal(code, 0);
  assert.match(ui.output(), /stopping cluster "second"/);
  assert.equal(existsSync(join(ui.home, 'clusters', 'second', 'podlab.pid')), false);
  // Stopping is not deleting: the store stays for the next start.
  assert.ok(existsSync(join(ui.home, 'clusters', 'second', 'state.db')));
});
