// The Workloads view's new kinds in Chromium against `podlab serve
// --runtime simulated`: the Job sample runs to Complete with 3/3, a
// CronJob's "Run now" starts a Job and Suspend sets spec.suspend, a
// DaemonSet shows its pod per node, the Pods view shows CPU and memory
// from the metrics API with a live chart on the pod's Overview, Ingresses
// list their rules (flagging a missing backend Service), and the storage
// samples: a claim of the default class Bound to the volume the local-path
// provisioner made (which the simulated runtime only records), followed
// claim → volume → data on the pod's Overview, and a claim for a missing
// StorageClass left Pending with the reason shown.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { kubectlOk } from '../helpers/kubectl.ts';
import { nav as navIn, openBrowserMode, podRow as podRowIn, screenshot, type BrowserModeServe, type BrowserModeSession } from './browserMode.ts';

let s: BrowserModeServe;
let page: Page;
let ui: BrowserModeSession | undefined;

before(async () => ({ s, page } = ui = await openBrowserMode({ args: ['--runtime', 'simulated', '--nodes', '2'], viewport: { width: 1500, height: 900 } })));
after(() => ui?.close());

const nav = (view: string) => navIn(page, view);
const rowIn = (table: string, name: string) => page.locator(`[data-table=${table}] tr[data-name="${name}"]`);

test('the Job sample runs to Complete, and the Jobs table shows it as kubectl does', async () => {
  await nav('Samples');
  const card = page.locator('[data-sample=job-pi]');
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('list', { name: 'Apply results' }).getByText('created').waitFor({ timeout: 10_000 });
  await nav('Workloads');
  const row = rowIn('jobs', 'compute-pi');
  await row.waitFor({ timeout: 10_000 });
  await row.locator('td', { hasText: /^3\/3$/ }).waitFor({ timeout: 60_000 });
  assert.match(await row.innerText(), /Complete/);
  await screenshot(page, 'workloads-jobs');
});

test('a CronJob runs now from the table and can be suspended', async () => {
  await kubectlOk(s.serve.kubeconfig, ['create', 'cronjob', 'nightly', '--image=busybox:1.36', '--schedule=0 3 * * *', '--', 'echo', 'report']);
  await nav('Workloads');
  const row = rowIn('cronjobs', 'nightly');
  await row.waitFor({ timeout: 10_000 });
  await row.getByRole('button', { name: 'Run now' }).click();
  await page.getByText(/started Job nightly-manual-/).waitFor({ timeout: 10_000 });
  const jobs = await kubectlOk(s.serve.kubeconfig, ['get', 'jobs', '-o', 'jsonpath={.items[*].metadata.name}']);
  assert.match(jobs, /nightly-manual-[0-9a-f]{5}/);
  await row.getByRole('button', { name: 'Suspend' }).click();
  await row.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 10_000 });
  assert.equal((await kubectlOk(s.serve.kubeconfig, ['get', 'cronjob', 'nightly', '-o', 'jsonpath={.spec.suspend}'])).trim(), 'true');
});

test('a DaemonSet shows a pod on each node', async () => {
  await kubectlOk(s.serve.kubeconfig, ['apply', '-f', '-'], 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers: [{name: agent, image: busybox:1.36, command: [sh, -c, "exec httpd -f -p 80"]}]\n');
  await nav('Workloads');
  const row = rowIn('daemonsets', 'agent');
  await row.locator('.chip.tone-ok', { hasText: 'node-1' }).waitFor({ timeout: 30_000 });
  await row.locator('.chip.tone-ok', { hasText: 'node-2' }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'workloads-daemonsets');
});

test('pods show CPU and memory from the metrics API, and a chart on their Overview', async () => {
  await nav('Pods');
  await page.getByRole('columnheader', { name: 'CPU' }).waitFor({ timeout: 30_000 });
  const agent = podRowIn(page, (await kubectlOk(s.serve.kubeconfig, ['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[0].metadata.name}'])).trim());
  await agent.getByText(/^\d+m$/).waitFor({ timeout: 30_000 });
  await agent.click();
  await page.getByTestId('usage-chart').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('usage-chart').innerText(), /CPU\s+\d+m[\s\S]*Memory\s+\d+Mi/);
  await screenshot(page, 'pod-usage');
});

test('an Ingress lists its rules, and warns about a backend Service that does not exist', async () => {
  await kubectlOk(s.serve.kubeconfig, ['create', 'service', 'clusterip', 'front', '--tcp=80:80']);
  await kubectlOk(s.serve.kubeconfig, ['create', 'ingress', 'site', '--rule=hello.localhost/*=front:80', '--rule=hello.localhost/api=missing:8080']);
  await nav('Workloads');
  const rows = page.locator('[data-table=ingresses] tr[data-ingress=site]');
  await rows.nth(1).waitFor({ timeout: 10_000 });
  // The simulated runtime has no Docker networking, so no ingress controller: no address, no URL.
  assert.match(await rows.nth(0).innerText(), /site[\s\S]*no address yet[\s\S]*hello\.localhost\s*\/\s*\(Prefix\)[\s\S]*front:80/);
  assert.equal(await rows.locator('a, button.link').count(), 0);
  // The missing-Service check waits for the Services list, so wait for the warning rather than read once.
  await rows.nth(1).getByText('Service "missing" not found: requests get 503').waitFor({ timeout: 10_000 });
  assert.match(await rows.nth(1).innerText(), /\/api \(Exact\)[\s\S]*missing:8080/);
  assert.doesNotMatch(await rows.nth(0).innerText(), /not found/);
});

test('an Ingress whose rules have hosts but no paths still shows', async () => {
  const yaml = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: hosts-only}\nspec:\n  rules: [{host: bare.localhost}]\n';
  await kubectlOk(s.serve.kubeconfig, ['apply', '-f', '-'], yaml);
  await nav('Workloads');
  const row = page.locator('[data-table=ingresses] tr[data-ingress=hosts-only]');
  await row.waitFor({ timeout: 10_000 });
  assert.match(await row.innerText(), /no paths and no default backend/);
});

test('the two Ingress samples: two hosts with their backends, and the one pointing at a missing Service', async () => {
  await nav('Samples');
  for (const id of ['ingress-two-hosts', 'ingress-missing-service']) {
    const card = page.locator(`[data-sample=${id}]`);
    await card.getByRole('button', { name: /^Apply/ }).click();
    await card.getByRole('list', { name: 'Apply results' }).getByText('created').first().waitFor({ timeout: 10_000 });
  }
  await nav('Workloads');
  const twoHosts = page.locator('[data-table=ingresses] tr[data-ingress=two-hosts]');
  await twoHosts.nth(2).waitFor({ timeout: 10_000 });
  const routes = await twoHosts.allInnerTexts();
  assert.equal(routes.length, 3);
  assert.match(routes[0]!, /ingress-demo[\s\S]*hello\.localhost\s*\/\s*\(Prefix\)[\s\S]*hello:http/);
  assert.match(routes[1]!, /hello\.localhost\s*\/api\s*\(Prefix\)[\s\S]*api:80/);
  assert.match(routes[2]!, /api\.localhost\s*\/\s*\(Prefix\)[\s\S]*api:80/);
  const missing = page.locator('[data-table=ingresses] tr[data-ingress=missing-backend]');
  await missing.getByText('Service "storefront" not found: requests get 503').waitFor({ timeout: 10_000 });
  assert.match(await missing.innerText(), /missing\.localhost/);
  // Both Services of the two-hosts sample exist: no warning there.
  assert.doesNotMatch((await twoHosts.allInnerTexts()).join('\n'), /not found/);
  await page.locator('[data-table=ingresses]').scrollIntoViewIfNeeded();
  await screenshot(page, 'workloads-ingresses');
});

/** Applies a sample from the gallery and waits until its objects are created. */
async function applySample(id: string): Promise<void> {
  await nav('Samples');
  const card = page.locator(`[data-sample=${id}]`);
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('list', { name: 'Apply results' }).getByText('created').first().waitFor({ timeout: 10_000 });
}

async function openPodOverview(name: string): Promise<void> {
  await nav('Pods');
  await podRowIn(page, name).click();
  await page.locator('.volume-card').first().waitFor({ timeout: 10_000 });
}

test('a claim of the default class is Bound to a local-path volume, followed to its data on the pod Overview', async () => {
  await applySample('stateful-visits');
  await nav('Workloads');
  const claimRow = rowIn('persistentvolumeclaims', 'visits-data');
  await claimRow.locator('.status', { hasText: 'Bound' }).waitFor({ timeout: 30_000 });
  const uid = (await kubectlOk(s.serve.kubeconfig, ['get', 'pvc', 'visits-data', '-o', 'jsonpath={.metadata.uid}'])).trim();
  const pvName = `pvc-${uid}`;
  const pod = (await kubectlOk(s.serve.kubeconfig, ['get', 'pods', '-l', 'app=visits', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].spec.nodeName}'])).trim().split(' ');
  const [podName, node] = pod;
  await claimRow.locator('.chip', { hasText: podName }).waitFor({ timeout: 10_000 });
  assert.match(await claimRow.innerText(), new RegExp(`${pvName}\\s+64Mi\\s+RWO\\s+standard`));
  // The provisioner's volume: its data would be the Docker volume podlab-<pv>; the simulated runtime only records it.
  const pvRow = rowIn('persistentvolumes', pvName);
  await pvRow.waitFor({ timeout: 10_000 });
  const pvText = await pvRow.innerText();
  assert.match(pvText, /Delete\s+Bound\s+default\/visits-data\s+standard/);
  assert.ok(pvText.includes(`volume podlab-${pvName} on node ${node} (simulated runtime`), pvText);
  await pvRow.scrollIntoViewIfNeeded();
  await screenshot(page, 'workloads-storage');

  await openPodOverview(podName);
  const card = page.locator('.volume-card[data-volume=data]');
  await card.locator('[data-claim-phase=Bound]').waitFor({ timeout: 10_000 });
  const text = await card.innerText();
  assert.match(text, /persistentVolumeClaim/);
  assert.match(text, /web: \/data/);
  assert.match(text, /visits-data\s+Bound/);
  assert.ok(text.includes(`${pvName} · Bound · reclaim policy Delete`), text);
  assert.ok((await card.getByTestId('claim-data-location').innerText()).startsWith(`volume podlab-${pvName} on node ${node}`));
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'pod-overview-claim');
});

test('a claim for a StorageClass that does not exist stays Pending, and the UI says why', async () => {
  await applySample('missing-storageclass');
  await nav('Workloads');
  const claimRow = rowIn('persistentvolumeclaims', 'fast-data');
  await claimRow.getByText('storageclass.storage.k8s.io "fast-ssd" not found', { exact: false }).waitFor({ timeout: 30_000 });
  assert.match(await claimRow.innerText(), /Pending[\s\S]*StorageClass "fast-ssd" does not exist/);

  await openPodOverview('fast-app');
  const card = page.locator('.volume-card.volume-warn[data-volume=data]');
  await card.locator('[data-claim-phase=Pending]').waitFor({ timeout: 10_000 });
  assert.match(await card.getByTestId('claim-problem').innerText(), /^StorageClass "fast-ssd" does not exist/);
  assert.match(await card.innerText(), /fast-ssd \(does not exist\)[\s\S]*64Mi requested[\s\S]*none bound yet/);
  assert.equal((await kubectlOk(s.serve.kubeconfig, ['get', 'pod', 'fast-app', '-o', 'jsonpath={.status.phase}'])).trim(), 'Pending');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'pod-overview-claim-pending');
});
