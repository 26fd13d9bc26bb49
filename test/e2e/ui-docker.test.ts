// The user's check on the real Docker runtime: `podlab serve --nodes 1` in
// browser mode, driven in Chromium. A sample applied with one click runs
// live, its Service answers on 127.0.0.1 and each request shows up in the
// pod's log terminal, its probes show their successes, a shell in it runs
// `hostname`; the broken samples show what is wrong with them in the
// debugger. One cluster for the whole file, removed with its containers and
// network at the end, even after a failure.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { nav, openBrowserMode, podRow, screenshot, terminalText, type BrowserModeSession } from './browserMode.ts';
import { eventually } from '../helpers/eventually.ts';

const cluster = `uidock-${randomBytes(3).toString('hex')}`;
let page: Page;
let ui: BrowserModeSession | undefined;

before(async () => ({ page } = ui = await openBrowserMode({ dockerCluster: cluster })));
after(() => ui?.close());

const statusBar = () => page.getByRole('contentinfo', { name: 'Status bar' });
const helloRows = () => podRow(page, /^hello-web-/);

async function applySample(id: string): Promise<void> {
  await nav(page, 'Samples');
  const card = page.locator(`[data-sample=${id}]`);
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('list', { name: 'Apply results' }).getByText('created').first().waitFor({ timeout: 15_000 });
  await card.getByRole('button', { name: 'Show its pods' }).click();
}

async function openPod(name: string | RegExp, tab: string): Promise<string> {
  const row = podRow(page, name).first();
  const podName = await row.locator('.cell-name').innerText();
  await row.click();
  await page.getByRole('heading', { name: new RegExp(podName) }).waitFor();
  await page.getByRole('tab', { name: tab }).click();
  return podName;
}

const restartsOf = async (name: string) => Number.parseInt(await podRow(page, name).locator('.cell-restarts').innerText(), 10);

let helloPod = '';
let nodePortUrl = '';

test('the cluster is up, and the status bar says so with the Docker engine it uses', async () => {
  const bar = statusBar();
  await bar.getByText(/^Docker \d/).waitFor({ timeout: 20_000 });
  const text = await bar.innerText();
  assert.match(text, new RegExp(`${cluster}\\s+running`));
  assert.match(text, /API https:\/\/127\.0\.0\.1:\d+/);
  assert.match(text, /kubeconfig/);
  assert.doesNotMatch(text, /not available yet/, 'logs and exec are available on Docker');
  await nav(page, 'Cluster');
  await page.getByText('node-1').first().waitFor();
  await screenshot(page, 'docker-status-nodes');
});

test('one click on the hello-web sample: its pods appear and turn Running live', async () => {
  await applySample('hello-web');
  await helloRows().nth(1).waitFor({ timeout: 15_000 });
  const seen = new Set<string>();
  await screenshot(page, 'docker-hello-pods-starting');
  await eventually('both hello-web pods Running and 1/1', async () => {
    const statuses = await helloRows().locator('.cell-status').allInnerTexts();
    for (const status of statuses) seen.add(status.trim());
    const ready = await helloRows().locator('.cell-ready').allInnerTexts();
    return statuses.length === 2 && statuses.every((t) => t.trim() === 'Running') && ready.every((t) => t === '1/1');
  });
  await screenshot(page, 'docker-hello-pods-running');
  console.log(`hello-web statuses seen in the pods view: ${[...seen].join(' → ')}`);
  assert.ok(seen.has('Running'));
});

test('the Services view links the Service on 127.0.0.1 (LoadBalancer and NodePort), and both answer', async () => {
  await nav(page, 'Workloads');
  const row = page.locator('tr', { has: page.locator('td', { hasText: /^hello-web$/ }) }).filter({ hasText: 'LoadBalancer' });
  await row.locator('.service-urls a').nth(1).waitFor({ timeout: 20_000 });
  const links = await row.locator('.service-urls a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  await screenshot(page, 'docker-services');
  assert.equal(links[0], 'http://127.0.0.1:8080/');
  assert.match(links[1], /^http:\/\/127\.0\.0\.1:3\d{4}\/$/);
  nodePortUrl = links[1];
  for (const url of links) {
    const body = await eventually(`an answer from ${url}`, async () => (await fetch(url).then((r) => r.text()).catch(() => undefined))?.match(/hello from hello-web-\S+/)?.[0]);
    assert.match(body, /^hello from hello-web-/);
  }
});

test("the pod's Overview tells its life so far: scheduled, sandbox, image, container started, Ready", async () => {
  await nav(page, 'Pods');
  helloPod = await openPod(/^hello-web-/, 'Overview');
  const timeline = page.getByRole('list', { name: 'Lifecycle' });
  await timeline.locator('[data-reason=Ready]').waitFor();
  const steps = await timeline.locator('li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.reason ?? (li as HTMLElement).dataset.step));
  // Events and conditions carry whole seconds and the sandbox condition is stamped when the kubelet writes the status: only the events' order is exact.
  const order = ['api', 'Scheduled', 'Pulled', 'Created', 'Started', 'Ready'].map((r) => steps.indexOf(r));
  assert.ok(order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1])), `lifecycle: ${steps.join(' → ')}`);
  assert.ok(steps.includes('PodReadyToStartContainers'), `lifecycle: ${steps.join(' → ')}`);
  await screenshot(page, 'docker-hello-overview');
});

test("the pod's log terminal shows the server's lines as requests arrive, and Download saves them", async () => {
  await page.getByRole('tab', { name: 'Logs' }).click();
  await eventually('the first lines of the log', async () => /response:200/.test(await terminalText(page, 'Log output')));
  const visit = `visit-${randomBytes(3).toString('hex')}`;
  // The Service spreads requests over both pods: a few reach this one.
  for (let i = 0; i < 6; i++) await fetch(`${nodePortUrl}${visit}-${i}`).then((r) => r.text());
  const shown = await eventually(`url:/${visit}-... in the log`, async () => (await terminalText(page, 'Log output')).match(new RegExp(`url:/${visit}-\\d`))?.[0], 15_000);
  await screenshot(page, 'docker-hello-logs');
  assert.ok(shown);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^${helloPod}-web\\.log$`));
  assert.ok(readFileSync(await download.path(), 'utf8').includes(shown), `the downloaded log holds ${shown}`);
});

test('its Probes tab shows the readiness checks that succeeded, live', async () => {
  await page.getByRole('tab', { name: 'Probes' }).click();
  const readiness = page.locator('[data-probe="web/readiness"]');
  await readiness.locator('tr[data-outcome=success]').first().waitFor({ timeout: 15_000 });
  const before = await readiness.locator('.probe-mark').count();
  // The probe runs every 5 seconds: the next one shows up without a reload.
  await eventually('another probe run', async () => (await readiness.locator('.probe-mark').count()) > before, 15_000);
  await screenshot(page, 'docker-hello-probes');
  // The first run may beat httpd to its port (connection refused), as in Kubernetes; the server answers since.
  assert.equal(await readiness.locator('tr.probe-run').first().getAttribute('data-outcome'), 'success');
});

test('the exec terminal runs hostname and shows the pod name', async () => {
  await page.getByRole('tab', { name: 'Shell' }).click();
  await page.getByRole('button', { name: 'Connect' }).click();
  // hello-web runs as user 1000: busybox sh prompts with $ (root's is #).
  await eventually('the shell prompt', async () => /[#$]\s*$/m.test(await terminalText(page, 'Shell')));
  await page.keyboard.type('hostname\n');
  await eventually(`${helloPod} printed`, async () => new RegExp(`^${helloPod}\\s*$`, 'm').test(await terminalText(page, 'Shell')), 10_000);
  await screenshot(page, 'docker-hello-shell');
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test('the crashing sample: CrashLoopBackOff with climbing restarts; the log follows each restart; the debugger names the exit code and the last lines', async () => {
  await applySample('crashing');
  await podRow(page, 'crashing').locator('.cell-status', { hasText: 'CrashLoopBackOff' }).waitFor({ timeout: 30_000 });
  const first = await restartsOf('crashing');
  await eventually('the restart count climbing', async () => (await restartsOf('crashing')) > first, 30_000);
  // Caught in its back-off again, as the user sees it most of the time.
  await podRow(page, 'crashing').locator('.cell-status', { hasText: 'CrashLoopBackOff' }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'docker-crashing-pods');
  assert.ok((await restartsOf('crashing')) >= 2);

  await openPod('crashing', 'Logs');
  await eventually('the log following a new instance', async () => /restarted \(restart \d+\): following the new instance/.test(await terminalText(page, 'Log output')), 30_000);
  await screenshot(page, 'docker-crashing-logs');

  await page.getByRole('tab', { name: 'Debug' }).click();
  const finding = page.locator('.finding[data-rule=crash-loop]');
  // In the last lines, and again as the missing file's evidence.
  await finding.getByText('fatal: config file /etc/app/config.yaml not found').first().waitFor({ timeout: 15_000 });
  const text = await finding.innerText();
  assert.match(text, /exit code 1/);
  assert.match(text, /starting app v1\.2/);
  await screenshot(page, 'docker-crashing-debug');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test("a failing readiness probe: the Probes tab marks each failure with the server's answer", async () => {
  await applySample('never-ready');
  await podRow(page, 'never-ready').waitFor();
  await openPod('never-ready', 'Probes');
  const readiness = page.locator('[data-probe="web/readiness"]');
  await readiness.locator('tr[data-outcome=failure]').nth(1).waitFor({ timeout: 20_000 });
  assert.match(await readiness.locator('tr[data-outcome=failure]').first().innerText(), /failed.*statuscode: 404/s);
  assert.equal(await readiness.locator('tr[data-outcome=success]').count(), 0);
  await screenshot(page, 'docker-never-ready-probes');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test('the unschedulable sample: the debugger names the resource no node has', async () => {
  await applySample('unschedulable');
  await podRow(page, 'too-big').waitFor();
  await openPod('too-big', 'Debug');
  const finding = page.locator('.finding[data-rule=pending-unschedulable]');
  await finding.waitFor({ timeout: 15_000 });
  const text = await finding.innerText();
  assert.match(text, /Insufficient cpu/);
  assert.match(text, /No node has enough cpu: the pod asks for 100 CPUs/);
  await screenshot(page, 'docker-unschedulable-debug');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test('a YAML with an invalid field shows the error at that field', async () => {
  await nav(page, 'Apply YAML');
  const yaml = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: typo', 'spec:', '  selector:', '    matchLabels: {app: typo}', '  template:', '    metadata:', '      labels: {app: typo}', '    spec:', '      containers:', '      - name: app', '        image: busybox:1.36', '        imagePullPolcy: IfNotPresent', ''].join('\n');
  await page.getByRole('textbox', { name: 'YAML to apply' }).fill(yaml);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('.yaml-mark').first().waitFor();
  const marks = await page.locator('.yaml-mark-text').allInnerTexts();
  assert.ok(marks.some((m) => m.startsWith('spec.template.spec.containers[0].imagePullPolcy:')), `marks: ${marks.join(' | ')}`);
  assert.deepEqual(await page.locator('.gutter-line.marked').allInnerTexts(), ['15']);
  await screenshot(page, 'docker-apply-invalid-field');
});
