// The debugger's fix loop in Chromium: a broken sample's finding offers a
// fix, its preview is the API server's dry run as a diff, Apply makes the
// change as the user, and the debugger then says whether the pod is healthy,
// with both steps on the pod's events.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { kubectlOk } from '../helpers/kubectl.ts';
import { nav, openBrowserMode, podRow, screenshot, type BrowserModeServe, type BrowserModeSession } from './browserMode.ts';

let s: BrowserModeServe;
let page: Page;
let ui: BrowserModeSession | undefined;

before(async () => ({ s, page } = ui = await openBrowserMode({ viewport: { width: 1400, height: 900 } })));
after(() => ui?.close());

test('missing ConfigMap: the fix creates it, and the debugger sees the pod turn Ready', async () => {
  await nav(page, 'Samples');
  const card = page.locator('[data-sample=missing-configmap]');
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('list', { name: 'Apply results' }).getByText('created').waitFor({ timeout: 10_000 });
  await card.getByRole('button', { name: 'Show its pods' }).click();
  await podRow(page, 'missing-config').click();
  await page.getByRole('tab', { name: 'Debug' }).click();
  const finding = page.locator('.finding[data-rule=missing-config]');
  await finding.waitFor({ timeout: 30_000 });
  const fix = finding.locator('.fix');
  assert.match(await fix.locator('.fix-title').innerText(), /Create ConfigMap app-settings/);
  assert.equal(await fix.getByRole('button', { name: 'Apply' }).isDisabled(), true, 'Apply waits for a preview');

  await fix.getByRole('button', { name: 'Preview' }).click();
  await fix.getByText("The API server's dry run accepts it").waitFor();
  const added = await fix.getByLabel('Changes to ConfigMap app-settings').locator('.diff-added').allInnerTexts();
  assert.ok(added.some((line) => /kind: ConfigMap/.test(line)), added.join('\n'));
  // The dry run stored nothing.
  const before = await kubectlOk(s.serve.kubeconfig, ['get', 'configmaps', '-o', 'name']);
  assert.doesNotMatch(before, /app-settings/);
  await screenshot(page, 'debugger-fix-preview');

  await fix.getByRole('button', { name: 'Apply' }).click();
  await page.locator('.fix-progress[data-fix-state=fixed]').waitFor({ timeout: 60_000 });
  assert.match(await page.locator('.fix-progress').innerText(), /Fixed: pod missing-config is Ready/);
  await screenshot(page, 'debugger-fix-verified');

  const events = await kubectlOk(s.serve.kubeconfig, ['get', 'events', '--field-selector', 'involvedObject.name=missing-config', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
  assert.match(events, /FixApplied/);
  assert.match(events, /FixVerified/);
});

test('the Problems view lists a broken sample with its cause, advice on a bare pod, nothing on hello-web; Debug opens the pod', async () => {
  await nav(page, 'Samples');
  for (const sample of ['unschedulable', 'hello-web']) {
    const card = page.locator(`[data-sample=${sample}]`);
    await card.getByRole('button', { name: /^Apply/ }).click();
    await card.getByRole('list', { name: 'Apply results' }).getByText('created').first().waitFor({ timeout: 10_000 });
  }
  await nav(page, 'Problems');
  const list = page.getByRole('list', { name: 'Problems' });
  const pending = list.locator('.problem[data-rule=pending-unschedulable]');
  await pending.waitFor({ timeout: 20_000 });
  assert.match(await pending.innerText(), /error/);
  await list.locator('.problem[data-rule=practice-controller]').first().waitFor();
  assert.equal(await list.locator('.problem[data-subject^="Deployment/default/hello-web"]').count(), 0, 'hello-web follows every practice');
  await screenshot(page, 'problems-view');

  await pending.getByRole('button', { name: 'Debug' }).click();
  await page.locator('.finding[data-rule=pending-unschedulable]').waitFor({ timeout: 10_000 });
  await page.getByRole('region', { name: 'Best practices' }).waitFor();
});

test('a deleted pod stays shown as last seen and links to the pod its Deployment made to replace it', async () => {
  await kubectlOk(s.serve.kubeconfig, ['create', 'deployment', 'phoenix', '--image=busybox:1.36', '--', 'sleep', '3600']);
  await nav(page, 'Pods');
  // An earlier test left the list filtered to its sample's pods.
  const chip = page.getByTitle('Show all pods');
  if (await chip.count()) await chip.click();
  const row = podRow(page, /^phoenix-/);
  await row.first().waitFor({ timeout: 20_000 });
  const first = (await row.first().locator('.cell-name').innerText()).trim();
  await row.first().click();
  await page.getByRole('tab', { name: 'Overview' }).waitFor();
  await kubectlOk(s.serve.kubeconfig, ['delete', 'pod', first, '--wait=false']);
  const notice = page.locator('.deleted-notice');
  await notice.getByRole('button', { name: /^Open its replacement phoenix-/ }).waitFor({ timeout: 30_000 });
  assert.match(await notice.innerText(), new RegExp(`Pod ${first} was deleted`));
  assert.equal(await page.getByRole('tab', { name: 'Logs' }).count(), 1, 'the tabs stay');
  await notice.getByRole('button', { name: /^Open its replacement/ }).click();
  await page.locator('.deleted-notice').waitFor({ state: 'detached' });
  const heading = await page.locator('.pod-detail h1').innerText();
  assert.match(heading, /phoenix-/);
  assert.doesNotMatch(heading, new RegExp(first));
});

async function applySample(id: string): Promise<void> {
  await nav(page, 'Samples');
  const card = page.locator(`[data-sample=${id}]`);
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('list', { name: 'Apply results' }).getByText('created').first().waitFor({ timeout: 10_000 });
}

/** The failed-create problem of a Deployment in the Problems view, its fix previewed and applied; the problem then goes. */
async function fixRefusedDeployment(namespace: string, deployment: string, fixTitle: RegExp): Promise<void> {
  await nav(page, 'Problems');
  const row = page.locator(`.problem[data-rule=failed-create][data-subject="Deployment/${namespace}/${deployment}"]`);
  // The fix comes once the controller's status says how many pods it has (the quota fix scales to that).
  await row.locator('.chip', { hasText: 'fix' }).waitFor({ timeout: 30_000 });
  await row.locator('.problem-title').click();
  const fix = row.locator('.fix', { has: page.locator('.fix-title', { hasText: fixTitle }) });
  await fix.getByRole('button', { name: 'Preview' }).click();
  await fix.getByText("The API server's dry run accepts it").waitFor({ timeout: 10_000 });
  await fix.getByRole('button', { name: 'Apply' }).click();
  await row.waitFor({ state: 'detached', timeout: 60_000 });
}

test('refused by a quota: the Problems view offers to scale the Deployment to what the quota allows, and the problem goes', async () => {
  await page.getByRole('combobox', { name: 'Namespace' }).selectOption('');
  await applySample('quota-refused');
  await fixRefusedDeployment('quota-demo', 'over-quota', /Scale Deployment over-quota to 2/);
  assert.equal(await kubectlOk(s.serve.kubeconfig, ['-n', 'quota-demo', 'get', 'deployment', 'over-quota', '-o', 'jsonpath={.spec.replicas}']), '2');
});

test('refused by Pod Security: the fix gives the template the restricted securityContext, and the Deployment gets its pod', async () => {
  await applySample('pod-security-restricted');
  await fixRefusedDeployment('psa-demo', 'root-app', /securityContext that passes restricted/);
  const ready = await kubectlOk(s.serve.kubeconfig, ['-n', 'psa-demo', 'rollout', 'status', 'deployment/root-app', '--timeout=60s']);
  assert.match(ready, /successfully rolled out/);
});

test('a pod\'s Overview shows its journey: the request, admission, the store write and the scheduler\'s verdict per node, in milliseconds', async () => {
  await kubectlOk(s.serve.kubeconfig, ['run', 'traced', '--image=busybox:1.36', '--', 'sleep', '3600']);
  await nav(page, 'Pods');
  const chip = page.getByTitle('Show all pods');
  if (await chip.count()) await chip.click();
  await page.getByRole('combobox', { name: 'Namespace' }).selectOption('default');
  await podRow(page, 'traced').click();
  const journey = page.getByRole('region', { name: 'Journey' });
  await journey.waitFor({ timeout: 15_000 });
  for (const step of ['request', 'admission', 'persist', 'schedule']) await journey.locator(`.waterfall-step[data-step=${step}]`).waitFor({ timeout: 15_000 });
  assert.match(await journey.locator('.waterfall-duration').first().innerText(), /^\d[\d.,]* ms$/);
  const scheduling = journey.locator('.waterfall-step[data-step=schedule] .waterfall-label').first();
  await scheduling.click();
  await journey.getByRole('table', { name: 'Nodes considered' }).getByText(/\(chosen\)/).waitFor();
  await screenshot(page, 'pod-journey');
});
