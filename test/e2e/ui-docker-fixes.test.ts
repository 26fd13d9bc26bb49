// The debugger's fixes proven on Docker, as a user checks them: each broken
// sample applied with one click, its pod's Debug tab offers a fix, Preview
// shows the server's dry run, Apply makes the change, and the debugger says
// the pod (or its replacement) is Ready, a Job's new pod completed. One
// cluster for the whole file.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { kubectlOk } from '../helpers/kubectl.ts';
import { nav, openBrowserMode, podRow, screenshot, terminalText, type BrowserModeServe, type BrowserModeSession } from './browserMode.ts';
import { eventually } from '../helpers/eventually.ts';

const cluster = `uifix-${randomBytes(3).toString('hex')}`;
let s: BrowserModeServe;
let page: Page;
let ui: BrowserModeSession | undefined;

before(async () => ({ s, page } = ui = await openBrowserMode({ dockerCluster: cluster, viewport: { width: 1400, height: 900 } })));
after(() => ui?.close());

async function fixSample(sample: string, pod: string | RegExp, rule: string, fixTitle: RegExp, fixed = /Fixed: pod \S+ is Ready/): Promise<void> {
  await nav(page, 'Samples');
  const card = page.locator(`[data-sample=${sample}]`);
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('list', { name: 'Apply results' }).getByText('created').first().waitFor({ timeout: 15_000 });
  await card.getByRole('button', { name: 'Show its pods' }).click();
  await podRow(page, pod).click();
  await page.getByRole('tab', { name: 'Debug' }).click();
  const finding = page.locator(`.finding[data-rule=${rule}]`);
  // The kubelet has to fail first (a pull, a probe, a mount) before the debugger can say why.
  const fix = finding.locator('.fix', { has: page.locator('.fix-title', { hasText: fixTitle }) });
  await fix.waitFor({ timeout: 90_000 }).catch(async (error: unknown) => {
    await screenshot(page, `docker-fix-${sample}-missing`);
    throw error;
  });
  await fix.getByRole('button', { name: 'Preview' }).click();
  await fix.getByText("The API server's dry run accepts it").waitFor({ timeout: 15_000 });
  await fix.getByRole('button', { name: 'Apply' }).click();
  const progress = page.locator('.fix-progress', { hasText: fixTitle });
  await progress.and(page.locator('[data-fix-state=fixed]')).waitFor({ timeout: 120_000 }).catch(async (error: unknown) => {
    await screenshot(page, `docker-fix-${sample}-not-fixed`);
    throw error;
  });
  assert.match(await progress.innerText(), fixed);
  await screenshot(page, `docker-fix-${sample}`);
  await page.getByRole('button', { name: 'Back to pods' }).click();
}

test('ImagePullBackOff: the fix uses a tag the node has, and the replaced pod runs', async () => {
  await fixSample('bad-image', 'bad-image', 'image-pull', /Use busybox:\S+, which the nodes already have/);
  const image = await kubectlOk(s.serve.kubeconfig, ['get', 'pod', 'bad-image', '-o', 'jsonpath={.spec.containers[0].image}']);
  assert.match(image, /^busybox:(1\.36|latest)$/);
});

test('Pending for 100 CPUs: the fix lowers the request, and the replaced pod is scheduled and runs', async () => {
  await fixSample('unschedulable', 'too-big', 'pending-unschedulable', /Request \d+m of cpu for app/);
});

test('never Ready (probe on a missing page): the fix probes /, and the pod turns Ready', async () => {
  await fixSample('never-ready', 'never-ready', 'not-ready', /Probe \/ of web instead/);
  const events = await kubectlOk(s.serve.kubeconfig, ['get', 'events', '--field-selector', 'involvedObject.name=never-ready', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
  assert.match(events, /FixApplied/);
  assert.match(events, /FixVerified/);
});

test('denied by RBAC: the fix grants what was denied, and the pod\'s next request is allowed', async () => {
  await fixSample('rbac-denied', 'pod-lister', 'rbac-denied', /Grant default\/pod-lister list on pods in default/);
});

test('CrashLoopBackOff on a missing config file: the fix mounts a ConfigMap with it, and the replaced pod keeps running', async () => {
  await fixSample('crashing', 'crashing', 'crash-loop', /Create ConfigMap crashing-config with config\.yaml and mount it at \/etc\/app/);
  const data = await kubectlOk(s.serve.kubeconfig, ['get', 'configmap', 'crashing-config', '-o', 'jsonpath={.data}']);
  assert.match(data, /config\.yaml/);
});

test('a liveness probe that kills a slow start before it ever passes: the fix adds a startupProbe, and the replaced pod turns Ready', async () => {
  await fixSample('failing-liveness', 'failing-liveness', 'liveness-slow-start', /Add a startupProbe to app allowing \d+s to start/);
  const startup = await kubectlOk(s.serve.kubeconfig, ['get', 'pod', 'failing-liveness', '-o', 'jsonpath={.spec.containers[0].startupProbe.failureThreshold}']);
  assert.ok(Number(startup) * 5 > 25, startup);
});

test('a Job failing on an unset DATABASE_URL: the fix creates the ConfigMap key and runs the Job again, whose pod completes', async () => {
  await fixSample('job-backoff', /^failing-migration-/, 'run-failed', /Create ConfigMap migration-config with key DATABASE_URL and run the Job again/, /Fixed: pod failing-migration-\S+ completed \(Succeeded\)/);
  const complete = await kubectlOk(s.serve.kubeconfig, ['get', 'job', 'failing-migration', '-o', 'jsonpath={.status.succeeded}']);
  assert.equal(complete, '1');
});

test('an Ingress whose backend Service does not exist: the fix creates it for the storefront Deployment, and the Service lists the pod ready', async () => {
  await fixSample('ingress-missing-service', /^storefront-/, 'ingress-backend', /Create Service storefront for Deployment storefront's pods/, /Fixed: pod storefront-\S+ is Ready, the Ingress's Service sends it traffic/);
});

test('a claim of a StorageClass that does not exist: the fix replaces it with the default class and the pod with it, which then runs', async () => {
  await fixSample('missing-storageclass', 'fast-app', 'claim-storageclass', /Replace claim fast-data with one of StorageClass standard, and pod fast-app/);
  const phase = await kubectlOk(s.serve.kubeconfig, ['get', 'pvc', 'fast-data', '-o', 'jsonpath={.status.phase} {.spec.storageClassName}']);
  assert.equal(phase, 'Bound standard');
});

test('the label filter "Show its pods" set stays shown in the Pods view, says why the list is empty, and clears', async () => {
  await nav(page, 'Workloads');
  await nav(page, 'Pods');
  const chip = page.getByRole('button', { name: 'Clear label filter app=fast-app' });
  await chip.waitFor({ timeout: 10_000 });
  assert.match(await chip.innerText(), /^Label filter: app=fast-app/);
  await kubectlOk(s.serve.kubeconfig, ['delete', 'pod', 'fast-app', '--grace-period=1', '--wait']);
  await page.getByText('No pods with labels app=fast-app').waitFor({ timeout: 30_000 });
  await chip.click();
  await chip.waitFor({ state: 'detached' });
  await podRow(page, 'crashing').waitFor({ timeout: 10_000 });
});

test('a long log line wraps in the log terminal and reads back whole', async () => {
  const line = Array.from({ length: 60 }, (_, i) => `part${String(i).padStart(2, '0')}-`).join('') + 'END';
  await kubectlOk(s.serve.kubeconfig, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'long-line' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', `echo before; echo ${line}; echo after; sleep 3600`] }] } }));
  // A log asked for before the container starts ends at once: open it once the pod runs.
  await eventually('pod long-line running', async () => (await kubectlOk(s.serve.kubeconfig, ['get', 'pod', 'long-line', '-o', 'jsonpath={.status.phase}'])) === 'Running');
  await nav(page, 'Pods');
  await podRow(page, 'long-line').click();
  await page.getByRole('tab', { name: 'Logs' }).click();
  const rows = await eventually('the three lines in the terminal', async () => {
    const text = await terminalText(page, 'Log output');
    return /after/.test(text) ? text.split('\n') : undefined;
  }, 30_000).catch(async (error: unknown) => {
    await screenshot(page, 'docker-long-log-line-missing');
    throw error;
  });
  const first = rows.findIndex((r) => r.startsWith('part00-'));
  const last = rows.findIndex((r) => r.includes('END'));
  assert.ok(first >= 0 && last > first, `the line wraps over several rows:\n${rows.join('\n')}`);
  assert.equal(rows.slice(first, last + 1).map((r) => r.trimEnd()).join(''), line);
  assert.equal(rows[first - 1]?.trim(), 'before');
  assert.equal(rows[last + 1]?.trim(), 'after');
  await screenshot(page, 'docker-long-log-line');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});
