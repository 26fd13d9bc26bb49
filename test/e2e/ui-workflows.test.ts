// The UI against a real `podlab serve`: what kubectl does shows up live, an
// invalid field is reported at that field, a sample applies with one click.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { kubectlOk } from '../helpers/kubectl.ts';
import { nav as navIn, openBrowserMode, podRow as podRowIn, screenshot, terminalText, type BrowserModeServe, type BrowserModeSession } from './browserMode.ts';

let s: BrowserModeServe;
let page: Page;
let ui: BrowserModeSession | undefined;

before(async () => ({ s, page } = ui = await openBrowserMode()));
after(() => ui?.close());

// Pods no node can take stay Pending whatever runs the data plane, so only the test changes them.
const unplaceable = ['--overrides', JSON.stringify({ spec: { nodeSelector: { 'podlab.test/none': 'x' } } })];
const podRow = (name: string) => podRowIn(page, name);
const nav = (view: string) => navIn(page, view);

test('the pods view lists a pod created with kubectl and follows its changes live', async () => {
  await nav('Pods');
  await kubectlOk(s.serve.kubeconfig, ['run', 'web', '--image=busybox:1.36', '--restart=Never', ...unplaceable, '--', 'httpd', '-f', '-p', '8080']);
  await podRow('web').waitFor({ timeout: 10_000 });
  assert.match(await podRow('web').locator('.cell-status').innerText(), /Pending/);
  assert.equal(await podRow('web').locator('.cell-ready').innerText(), '0/1');

  // What a kubelet will report for a crash-looping container: the view must show it as kubectl would.
  const finishedAt = new Date(Date.now() - 30_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const status = {
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'web',
          image: 'busybox:1.36',
          imageID: '',
          ready: false,
          restartCount: 4,
          started: false,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container=web' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: finishedAt, finishedAt } },
        },
      ],
    },
  };
  await kubectlOk(s.serve.kubeconfig, ['patch', 'pod', 'web', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  await podRow('web').locator('.cell-status', { hasText: 'CrashLoopBackOff' }).waitFor({ timeout: 10_000 });
  assert.match(await podRow('web').locator('.cell-restarts').innerText(), /^4 \(\d+s ago\)$/);
  assert.equal(await podRow('web').locator('.status').getAttribute('class'), 'status tone-bad');
  await screenshot(page, 'pods-live-crashloop');

  await kubectlOk(s.serve.kubeconfig, ['delete', 'pod', 'web', '--wait=false']);
  await podRow('web').waitFor({ state: 'detached', timeout: 10_000 });
});

test('the pod detail shows the pod, its YAML and what the debugger makes of it', async () => {
  await nav('Pods');
  await kubectlOk(s.serve.kubeconfig, ['run', 'inspect-me', '--image=busybox:1.36', '--restart=Never', ...unplaceable, '--', 'sleep', '3600']);
  await podRow('inspect-me').click();
  await page.getByRole('heading', { name: /inspect-me/ }).waitFor();
  await page.locator('.container-card[data-container=inspect-me]').waitFor();
  await screenshot(page, 'pod-detail-overview');
  await page.getByRole('tab', { name: 'YAML' }).click();
  await page.waitForFunction(() => (document.querySelector('textarea[aria-label="Object YAML"]') as HTMLTextAreaElement | null)?.value.includes('name: inspect-me'));
  await page.getByRole('tab', { name: 'Debug' }).click();
  await page.locator('.finding[data-rule=pending-unschedulable]', { hasText: 'nodeSelector podlab.test/none=x' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'pod-detail-debug');
  await page.getByRole('tab', { name: 'Logs' }).click();
  // A pod with no node has no log yet: the terminal says so and waits for a node to run it.
  await page.locator('.xterm').first().waitFor();
  await screenshot(page, 'pod-detail-logs-pending');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test('the terminal and the YAML parser load when first opened; a part that cannot load says so and the window goes on', async () => {
  const fresh = await ui!.browser.newPage({ viewport: { width: 1400, height: 850 } });
  try {
    const scripts: string[] = [];
    fresh.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    // The terminal's file never arrives, as when the app was rebuilt under an open page and its old files are gone.
    await fresh.route(/\/assets\/Terminal-[^/]+\.js$/, (route) => route.abort());
    await fresh.goto(s.url);
    await fresh.getByRole('table', { name: 'Pods' }).waitFor();
    assert.equal(scripts.length, 1, `the first view runs one script: ${scripts.join(', ')}`);
    await kubectlOk(s.serve.kubeconfig, ['run', 'parts-later', '--image=busybox:1.36', '--restart=Never', ...unplaceable, '--', 'sleep', '3600']);
    await podRowIn(fresh, 'parts-later').click();
    await fresh.getByRole('tab', { name: 'Logs' }).click();
    await fresh.getByRole('alert').filter({ hasText: 'This part of PodLab could not be loaded' }).waitFor({ timeout: 10_000 });
    await screenshot(fresh, 'pod-detail-part-not-loaded');
    // The rest of the window goes on, the YAML tab loading its own part.
    const before = scripts.length;
    await fresh.getByRole('tab', { name: 'YAML' }).click();
    await fresh.waitForFunction(() => (document.querySelector('textarea[aria-label="Object YAML"]') as HTMLTextAreaElement | null)?.value.includes('name: parts-later'));
    assert.ok(scripts.length > before, 'the YAML tab fetched its part when first opened');
  } finally {
    await fresh.close();
    await kubectlOk(s.serve.kubeconfig, ['delete', 'pod', 'parts-later', '--wait=false', '--ignore-not-found']);
  }
});

test('the Logs tab opened before its container starts says it waits, then shows the log once the container runs', async () => {
  await nav('Pods');
  // The ConfigMap it reads is missing: the kubelet holds the container (CreateContainerConfigError) until it exists.
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late-start' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'late-settings', key: 'MODE' } } }] }] } };
  await kubectlOk(s.serve.kubeconfig, ['apply', '-f', '-'], JSON.stringify(pod));
  await podRow('late-start').click();
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.locator('.terminal[aria-label="Log output"] .xterm-rows', { hasText: 'container "app" is waiting to start' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'pod-detail-logs-waiting');

  await kubectlOk(s.serve.kubeconfig, ['create', 'configmap', 'late-settings', '--from-literal=MODE=fast']);
  await page.locator('.terminal[aria-label="Log output"] .xterm-rows', { hasText: 'simulated container app of pod default/late-start started' }).waitFor({ timeout: 30_000 });
  const text = await terminalText(page, 'Log output');
  assert.match(text, /container "app" started/);
  assert.equal(await page.getByText('log ended').count(), 0, 'the followed log stays open');
  assert.equal(await page.locator('.terminal-tab .error-box').count(), 0);
  await screenshot(page, 'pod-detail-logs-started');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test('applying YAML with an invalid field shows the error at that field', async () => {
  await nav('Apply YAML');
  const editor = page.getByRole('textbox', { name: 'YAML to apply' });
  const yaml = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: Bad_Name',
    'spec:',
    '  containers:',
    '  - name: app',
    '    image: busybox:1.36',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: typo',
    'spec:',
    '  containers:',
    '  - name: app',
    '    imagee: busybox:1.36',
    '',
  ].join('\n');
  await editor.fill(yaml);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const results = page.getByRole('list', { name: 'Apply results' });
  await results.waitFor();
  await page.locator('.yaml-mark').nth(1).waitFor();
  const marks = await page.locator('.yaml-mark-text').allInnerTexts();
  assert.ok(marks.some((m) => m.startsWith('metadata.name:') && m.includes('Bad_Name')), `marks: ${marks.join(' | ')}`);
  assert.ok(marks.some((m) => m.startsWith('spec.containers[0].imagee:')), `marks: ${marks.join(' | ')}`);
  // The marks sit on the lines of those fields (1-based: line 4 and line 17).
  const marked = await page.locator('.gutter-line.marked').allInnerTexts();
  assert.deepEqual(marked, ['4', '17']);
  assert.match(await results.innerText(), /failed/);
  await screenshot(page, 'apply-invalid-field');
});

test('a sample applies with one click and its pods appear', async () => {
  await nav('Samples');
  const card = page.locator('[data-sample=crashing]');
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('list', { name: 'Apply results' }).getByText('created').waitFor({ timeout: 10_000 });
  await screenshot(page, 'samples-applied');
  await card.getByRole('button', { name: 'Show its pods' }).click();
  await podRow('crashing').waitFor({ timeout: 10_000 });
  const names = await page.locator('[role=row][data-key] .cell-name').allInnerTexts();
  assert.deepEqual(names, ['crashing'], 'the pods view is filtered to the sample (app=crashing)');
  await screenshot(page, 'sample-pods');
});

test('workloads: a sample Deployment and its Service show, and Scale changes spec.replicas', async () => {
  await nav('Samples');
  const card = page.locator('[data-sample=hello-web]');
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('list', { name: 'Apply results' }).getByText('service/hello-web (default) created').waitFor({ timeout: 10_000 });
  await nav('Workloads');
  const row = page.locator('tr', { has: page.locator('td', { hasText: /^hello-web$/ }) }).first();
  await row.waitFor();
  await row.getByRole('spinbutton', { name: 'Replicas of hello-web' }).fill('3');
  await row.getByRole('button', { name: 'Scale' }).click();
  const deadline = Date.now() + 10_000;
  let replicas = '';
  while (Date.now() < deadline && replicas !== '3') {
    replicas = await kubectlOk(s.serve.kubeconfig, ['get', 'deployment', 'hello-web', '-o', 'jsonpath={.spec.replicas}']);
    if (replicas !== '3') await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(replicas, '3');
  await page.locator('td', { hasText: /^hello-web$/ }).nth(1).waitFor();
  await screenshot(page, 'workloads');
  await nav('Cluster');
  await page.getByRole('heading', { name: 'Nodes' }).waitFor();
  await screenshot(page, 'nodes');
});

test('the pods table stays virtualized with hundreds of pods', async () => {
  const count = 400;
  const items = Array.from({ length: count }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `bulk-${String(i).padStart(4, '0')}`, namespace: 'default', labels: { bulk: 'yes' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } }));
  await kubectlOk(s.serve.kubeconfig, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await nav('Pods');
  await page.getByRole('table', { name: 'Pods' }).waitFor();
  // The sample test left the view filtered to its pods: the chip clears it.
  const selectorChip = page.locator('.view-head button.chip');
  if (await selectorChip.count()) await selectorChip.click();
  try {
    await page.waitForFunction((n) => Number(document.querySelector('[role=table][aria-label=Pods]')?.getAttribute('aria-rowcount')) >= n, count, { timeout: 30_000 });
  } finally {
    await screenshot(page, 'pods-many');
  }
  const rendered = await page.locator('[role=row][data-key]').count();
  assert.ok(rendered < 80, `only the rows in view are in the DOM (${rendered})`);
  await page.locator('.vtable-body').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await podRow('bulk-0399').waitFor();
  await screenshot(page, 'pods-many');
});
