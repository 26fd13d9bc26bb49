// The Cluster view and the Settings view against a real `podlab serve`
// (simulated runtime): the serve's cluster listed as current, another
// stopped cluster deleted from the page, nodes stopped, started, added and
// removed with the buttons, what their pods take; and registry logins whose
// password never comes back to the page.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { kubectlOk } from '../helpers/kubectl.ts';
import { startPodlab, tempDir } from '../helpers/podlabProcess.ts';
import { launchChromium, nav as navIn, openUi, screenshot, startBrowserModeServe, stopServe, type BrowserModeServe } from './browserMode.ts';

const clusterName = 'e2e-clusters';
let s: BrowserModeServe;
let browser: Browser;
let page: Page;
let leftoverDir: string;

before(async () => {
  const dataDir = tempDir('ui-clusters');
  // A cluster made earlier and not running: serve may delete it, unlike its own.
  leftoverDir = join(dataDir, 'podlab-home', 'clusters', 'leftover');
  mkdirSync(leftoverDir, { recursive: true });
  writeFileSync(join(leftoverDir, 'cluster.json'), JSON.stringify({ runtime: 'simulated' }));
  s = await startBrowserModeServe(['--name', clusterName, '--runtime', 'simulated', '--nodes', '2'], dataDir);
  browser = await launchChromium();
  // Tall enough for the clusters card and three node cards in one screenshot.
  page = await openUi(browser, s, { width: 1400, height: 1100 });
});

after(async () => {
  await browser?.close();
  await stopServe(s);
});

const nav = (view: string) => navIn(page, view);
const clusterRow = (name: string) => page.locator(`tr[data-cluster="${name}"]`);
const nodeCard = (name: string) => page.locator(`.node-card[data-node="${name}"]`);
const readyOf = (card: Locator) => card.locator('.node-ready');

test('the Cluster view lists the serve cluster as current and running, and offers no create under serve', async () => {
  await nav('Cluster');
  const own = clusterRow(clusterName);
  await own.waitFor();
  assert.match(await own.innerText(), /current/);
  assert.equal(await own.locator('.cluster-state').innerText(), 'running');
  assert.equal(await own.getByRole('button', { name: 'Delete' }).isDisabled(), true, 'serve cannot delete its own cluster');
  assert.equal(await own.getByRole('button', { name: 'Switch to' }).isDisabled(), true);

  const form = page.getByRole('form', { name: 'New cluster' });
  assert.equal(await form.getByRole('textbox', { name: 'Cluster name' }).isDisabled(), true);
  assert.equal(await form.getByRole('button', { name: 'Create and start' }).isDisabled(), true);
  assert.match(await form.innerText(), /podlab serve runs a single cluster.*podlab ui.*podlab serve --name NAME/s);
  await screenshot(page, 'cluster-view-serve');
});

test('another cluster that is not running is deleted after an in-page confirmation', async () => {
  await nav('Cluster');
  const row = clusterRow('leftover');
  await row.waitFor();
  assert.equal(await row.locator('.cluster-state').innerText(), 'stopped');
  await row.getByRole('button', { name: 'Delete' }).click();
  const confirm = row.getByRole('group', { name: /Delete cluster leftover\? This removes its containers and data/ });
  await confirm.waitFor();
  await screenshot(page, 'cluster-delete-confirm');
  await confirm.getByRole('button', { name: 'Delete leftover' }).click();
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(existsSync(leftoverDir), false, 'its data directory is gone');
});

test('a cluster another PodLab process starts shows up running, and stopped once it stops, with no click', async () => {
  await nav('Cluster');
  // Same PODLAB_HOME as the page's serve, so the other cluster lives in its clusters directory.
  const other = await startPodlab(['--name', 'other', '--runtime', 'simulated', '--nodes', '1'], join(s.serve.dataDir, 'podlab-home', 'clusters', 'other'), join(s.serve.dataDir, 'podlab-home'));
  try {
    await clusterRow('other').locator('.cluster-state', { hasText: /^running$/ }).waitFor({ timeout: 20_000 });
  } finally {
    await other.stop();
  }
  await clusterRow('other').locator('.cluster-state', { hasText: /^stopped$/ }).waitFor({ timeout: 20_000 });
});

test('both nodes show Ready with what their pods are allocated', async () => {
  // Bound straight to node-2 (as the scheduler would bind it): its requests count on that node only.
  const overrides = { spec: { nodeName: 'node-2', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } }] } };
  await kubectlOk(s.serve.kubeconfig, ['run', 'allocated', '--image=busybox:1.36', '--restart=Never', `--overrides=${JSON.stringify(overrides)}`]);
  await nav('Cluster');
  for (const name of ['node-1', 'node-2']) await readyOf(nodeCard(name)).filter({ hasText: /^Ready$/ }).waitFor({ timeout: 20_000 });
  await nodeCard('node-2').locator('.allocated-requests', { hasText: /^requests cpu 250m \(\d+%\) · memory 64Mi \(\d+%\)$/ }).waitFor({ timeout: 10_000 });
  assert.match(await nodeCard('node-2').locator('.allocated-limits').innerText(), /^limits cpu 500m \(\d+%\) · memory 128Mi \(\d+%\)$/);
  assert.match(await nodeCard('node-1').locator('.allocated-requests').innerText(), /^requests cpu \S+ \(\d+%\) · memory \S+ \(\d+%\)$/);
  assert.match(await nodeCard('node-2').locator('.node-pods').innerText(), /^1 of \d+ non-terminated\ndefault\/allocated$/);
  await screenshot(page, 'cluster-nodes-allocated');
});

test('Stop shows the node stopped, Start brings it back Ready', async () => {
  await nav('Cluster');
  const card = nodeCard('node-2');
  await card.getByRole('button', { name: 'Stop', exact: true }).click();
  // The raw pod bound there above: the confirmation says no controller will bring it back.
  const question = card.getByRole('group', { name: /Stop node node-2\?/ });
  assert.match(await question.innerText(), /No controller owns default\/allocated: it is lost once evicted\./);
  await question.getByRole('button', { name: 'Stop node-2' }).click();
  await page.locator('.node-card[data-node="node-2"][data-machine-state=stopped]').waitFor({ timeout: 10_000 });
  assert.equal(await card.locator('.machine-state').innerText(), 'stopped');
  await card.getByRole('button', { name: 'Start', exact: true }).waitFor();
  await screenshot(page, 'cluster-node-stopped');

  await card.getByRole('button', { name: 'Start', exact: true }).click();
  await page.locator('.node-card[data-node="node-2"][data-machine-state=running]').waitFor({ timeout: 10_000 });
  await readyOf(card).filter({ hasText: /^Ready$/ }).waitFor({ timeout: 20_000 });
  assert.equal(await card.locator('.machine-state').count(), 0);
});

test('a node added with 2 CPUs turns Ready with that capacity, and Remove takes it away', async () => {
  await nav('Cluster');
  const form = page.getByRole('form', { name: 'Add node' });
  await form.getByRole('textbox', { name: 'Node name' }).fill('node-3');
  await form.getByRole('textbox', { name: 'CPU' }).fill('2');
  await form.getByRole('button', { name: 'Add node' }).click();
  const card = nodeCard('node-3');
  await readyOf(card).filter({ hasText: /^Ready$/ }).waitFor({ timeout: 20_000 });
  const capacity = await card.locator('dt', { hasText: /^Capacity$/ }).locator('xpath=following-sibling::dd[1]').innerText();
  assert.match(capacity, /(^| · )cpu 2( · |$)/, `capacity: ${capacity}`);
  assert.equal(await form.getByRole('textbox', { name: 'Node name' }).inputValue(), '', 'the form is cleared once the node is added');
  await screenshot(page, 'cluster-node-added');

  await card.getByRole('button', { name: 'Remove', exact: true }).click();
  await card.getByRole('group', { name: /Remove node node-3\?/ }).getByRole('button', { name: 'Remove node-3' }).click();
  await card.waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal(await nodeCard('node-2').count(), 1);
});

test('Settings: a registry login lists its server and username, never its password, and is removed', async () => {
  const password = 'pa55-never-shown-e2e';
  await nav('Settings');
  assert.equal(await page.locator('.podlab-home').innerText(), join(s.serve.dataDir, 'podlab-home'));
  const form = page.getByRole('form', { name: 'Add registry credential' });
  await form.getByRole('textbox', { name: 'Registry server' }).fill('registry.example.com:5000');
  await form.getByRole('textbox', { name: 'Registry username' }).fill('ci-bot');
  await form.getByLabel('Registry password').fill(password);
  await form.getByRole('button', { name: 'Save login' }).click();
  const row = page.locator('tr[data-registry="registry.example.com:5000"]');
  await row.waitFor();
  assert.match(await row.innerText(), /registry\.example\.com:5000\s+ci-bot/);
  assert.equal(await form.getByLabel('Registry password').inputValue(), '', 'the password field is cleared after saving');
  assert.equal((await page.content()).includes(password), false, 'the page holds no copy of the password');
  await screenshot(page, 'settings-registry-credential');

  // A fresh page gets the list from the main side: still no password in it.
  await page.reload();
  await page.getByRole('table', { name: 'Pods' }).waitFor();
  await nav('Settings');
  await row.waitFor();
  assert.equal((await page.content()).includes(password), false);

  await row.getByRole('button', { name: 'Remove registry.example.com:5000' }).click();
  await row.waitFor({ state: 'detached' });
  await page.getByText('None: images are pulled anonymously.').waitFor();
});

test('Settings: the pause image is saved on Enter and read back from the main side', async () => {
  await nav('Settings');
  const field = page.getByRole('textbox', { name: 'Pause image' });
  await field.fill('registry.example.com/pause:3.10');
  await field.press('Enter');
  await page.locator('.commit-state', { hasText: 'saved' }).waitFor();
  await page.reload();
  await page.getByRole('table', { name: 'Pods' }).waitFor();
  await nav('Settings');
  await page.waitForFunction(() => (document.querySelector('input[aria-label="Pause image"]') as HTMLInputElement | null)?.value === 'registry.example.com/pause:3.10');
  assert.match(await page.locator('[aria-label="Cluster start"]').innerText(), /applies at the next cluster start/);
  await screenshot(page, 'settings-cluster-start');
});
