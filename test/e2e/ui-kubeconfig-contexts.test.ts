// The UI on a cluster it does not run, reached only through the user's
// kubeconfig: a second PodLab cluster (its own process) with three users in
// the kubeconfig the page's serve reads: alice with a client certificate
// (`podlab kubeconfig --user alice`, certificate and CA as files relative to
// the kubeconfig), a token user, and an exec-plugin user. The Cluster view
// lists the contexts beside PodLab's own cluster; opening one shows its pods
// and logs; alice without a RoleBinding is told what she may not see and how
// to check it, and sees the pods once a RoleBinding grants them; the views
// that PodLab's own components feed elsewhere work from the API alone: the
// journey rebuilt from timestamps and events, probe failures from the
// kubelet's events, exec over the context's credentials (the remote's own
// answer, or alice's 403 with its can-i), the debugger naming what alice may
// not read, samples that need PodLab hidden with their reason; switching
// back is instant; the kubeconfig file is never written.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, repoRoot, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';
import { launchChromium, nav as navIn, openUi, podRow, screenshot, startBrowserModeServe, stopServe, terminalText, type BrowserModeServe } from './browserMode.ts';

let remote: PodlabServe;
let s: BrowserModeServe;
let browser: Browser;
let page: Page;
let kubeconfigPath: string;
let kubeconfigText: string;

const base64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

/** The page's kubeconfig: three users of the remote cluster, files beside it referenced by relative paths. */
function writeUserKubeconfig(dir: string): void {
  const admin = parse(readFileSync(remote.kubeconfig, 'utf8'));
  const server: string = admin.clusters[0].cluster.server;
  const token: string = admin.users[0].user.token;
  const printed = spawnSync(process.execPath, [join(repoRoot, 'bin', 'podlab.cjs'), 'kubeconfig', '--user', 'alice', '--data-dir', remote.dataDir, '--name', 'remote'], { encoding: 'utf8' });
  assert.equal(printed.status, 0, printed.stderr);
  const alice = parse(printed.stdout).users[0].user;
  mkdirSync(join(dir, 'certs'), { recursive: true });
  writeFileSync(join(dir, 'certs', 'remote-ca.crt'), base64(admin.clusters[0].cluster['certificate-authority-data']));
  writeFileSync(join(dir, 'certs', 'alice.crt'), base64(alice['client-certificate-data']));
  writeFileSync(join(dir, 'certs', 'alice.key'), base64(alice['client-key-data']));
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const plugin = join(dir, 'bin', 'remote-login');
  writeFileSync(plugin, `#!/bin/sh\nprintf '%s' '${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } })}'\n`);
  chmodSync(plugin, 0o755);
  kubeconfigPath = join(dir, 'user-kubeconfig');
  kubeconfigText = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'token@remote',
    clusters: [{ name: 'remote', cluster: { server, 'certificate-authority': 'certs/remote-ca.crt' } }],
    users: [
      { name: 'alice', user: { 'client-certificate': 'certs/alice.crt', 'client-key': 'certs/alice.key' } },
      { name: 'token-user', user: { token } },
      { name: 'exec-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/remote-login', interactiveMode: 'Never' } } },
    ],
    contexts: [
      { name: 'alice@remote', context: { cluster: 'remote', user: 'alice', namespace: 'default' } },
      { name: 'token@remote', context: { cluster: 'remote', user: 'token-user' } },
      { name: 'exec@remote', context: { cluster: 'remote', user: 'exec-user' } },
    ],
  });
  writeFileSync(kubeconfigPath, kubeconfigText);
}

before(async () => {
  remote = await startPodlab(['--name', 'remote', '--runtime', 'simulated', '--nodes', '1']);
  await kubectlOk(remote.kubeconfig, ['run', 'remote-web', '--image=busybox:1.36', '--', 'httpd', '-f']);
  const dataDir = tempDir('ui-contexts');
  writeUserKubeconfig(dataDir);
  s = await startBrowserModeServe(['--name', 'home', '--runtime', 'simulated', '--nodes', '1'], dataDir);
  browser = await launchChromium();
  page = await openUi(browser, s, { width: 1400, height: 1000 });
});

after(async () => {
  await browser?.close();
  await stopServe(s);
  await remote?.stop();
  if (remote) removeDir(remote.dataDir);
});

const nav = (view: string) => navIn(page, view);
const row = (name: string) => page.locator(`tr[data-cluster="${name}"]`);

/** A pod's detail on one tab, from the Pods view. */
async function openPodTab(pod: string, tab: string | RegExp): Promise<void> {
  await nav('Pods');
  await podRow(page, pod).click({ timeout: 20_000 });
  await page.getByRole('tab', { name: tab }).click();
}

async function open(context: string): Promise<void> {
  await nav('Cluster');
  await row(context).getByRole('button', { name: 'Open' }).click();
  await row(context).getByText('current', { exact: true }).waitFor({ timeout: 20_000 });
}

test('the Cluster view lists the kubeconfig contexts beside PodLab\'s cluster, kubectl\'s current one marked', async () => {
  await nav('Cluster');
  await row('home').waitFor();
  assert.match(await row('home').innerText(), /current/);
  for (const context of ['alice@remote', 'token@remote', 'exec@remote']) {
    const r = row(context);
    await r.waitFor();
    assert.match(await r.innerText(), /kubeconfig/);
    assert.match(await r.innerText(), /https:\/\/127\.0\.0\.1:\d+/);
  }
  assert.match(await row('token@remote').innerText(), /kubectl/);
  assert.doesNotMatch(await row('alice@remote').innerText(), /kubectl/);
  await screenshot(page, 'contexts-list');
});

test('a token user\'s context shows the remote cluster\'s pods and a pod\'s logs', async () => {
  await open('token@remote');
  assert.match(await page.locator('body').innerText(), /Node actions \(stop, start, add, remove\) are hidden: PodLab does not run this cluster/);
  await nav('Pods');
  await podRow(page, 'remote-web').waitFor({ timeout: 20_000 });
  await podRow(page, 'remote-web').click();
  await page.getByRole('tab', { name: 'Logs' }).click();
  await eventually('the remote pod\'s log', async () => /simulated container remote-web of pod default\/remote-web started/.test(await terminalText(page, 'Log output')), 20_000);
  await screenshot(page, 'context-token-logs');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test('on a context a pod\'s journey is rebuilt from its timestamps and events, and its events are listed', async () => {
  await openPodTab('remote-web', 'Overview');
  const journey = page.getByRole('region', { name: 'Journey' });
  await journey.getByText(/Rebuilt from the pod's timestamps, conditions and events/).waitFor({ timeout: 20_000 });
  await journey.locator('[data-step="schedule"]').getByText('bind to').waitFor();
  assert.match(await journey.innerText(), /3 Persist[\s\S]*4 Schedule[\s\S]*5 Execution on the node/);
  assert.match(await journey.locator('.journey-total').innerText(), /created → Ready in \d+ s|\d+ s so far/);
  await page.getByRole('tab', { name: /^Events/ }).click();
  await page.getByText(/Successfully assigned default\/remote-web to/).waitFor({ timeout: 20_000 });
  await screenshot(page, 'context-token-journey-events');
});

test('on a context the probe tab shows the kubelet\'s Unhealthy and Killing events, saying they are coarser than PodLab\'s history', async () => {
  await kubectlOk(remote.kubeconfig, ['apply', '-f', '-'], stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'remote-probed', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['httpd', '-f'], readinessProbe: { httpGet: { path: '/ready', port: 80 } } }] } }));
  const pod = parse(await kubectlOk(remote.kubeconfig, ['get', 'pod', 'remote-probed', '-o', 'yaml']));
  // Written as the kubelet writes its probe failures (a simulated kubelet runs no probes).
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await kubectlOk(remote.kubeconfig, ['create', '-f', '-'], stringify({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'remote-probed.unhealthy', namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'remote-probed', uid: pod.metadata.uid, fieldPath: 'spec.containers{app}' }, reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404', count: 7, firstTimestamp: at, lastTimestamp: at, source: { component: 'kubelet', host: 'node-1' } }));
  await openPodTab('remote-probed', 'Probes');
  await page.getByText(/from their Unhealthy and Killing events: coarser than PodLab's own probe history/).waitFor({ timeout: 20_000 });
  const events = page.locator('[data-probe="app/readiness"]').getByRole('list', { name: 'Probe events' });
  await events.getByText(/failed x7 \(event\).*Readiness probe failed: HTTP probe failed with statuscode: 404/).waitFor({ timeout: 20_000 });
  await screenshot(page, 'context-token-probe-events');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test('on a context exec goes to the remote API with the context\'s credentials, and samples needing PodLab are hidden with their reason', async () => {
  await openPodTab('remote-web', 'Shell');
  await page.getByRole('button', { name: 'Connect' }).click();
  // The remote cluster's own answer, over pods/exec: its simulated runtime runs no processes.
  await page.getByRole('alert').filter({ hasText: 'not supported in the simulated runtime' }).waitFor({ timeout: 20_000 });
  await screenshot(page, 'context-token-exec');
  await page.getByRole('button', { name: 'Back to pods' }).click();
  await nav('Samples');
  const hidden = page.getByLabel('Samples hidden on this cluster');
  await hidden.locator('[data-hidden-sample="hello-web"]').getByText(/through PodLab's own service proxy/).waitFor();
  assert.equal(await page.locator('[data-sample="hello-web"]').count(), 0);
  await page.locator('[data-sample="crashing"]').waitFor();
});

test('an exec-plugin user\'s context shows the pods', async () => {
  await open('exec@remote');
  await nav('Pods');
  await podRow(page, 'remote-web').waitFor({ timeout: 20_000 });
});

test('alice without a RoleBinding is told what she may not see and how to check it; with one she sees the pods', async () => {
  await open('alice@remote');
  await nav('Pods');
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'cannot list resource "pods"' }).waitFor({ timeout: 20_000 });
  assert.match(await alert.first().innerText(), /User "alice" cannot list resource "pods" in API group "" in the namespace "default".*kubectl auth can-i list pods -n default/s);
  await screenshot(page, 'context-alice-forbidden');
  await kubectlOk(remote.kubeconfig, ['create', 'rolebinding', 'alice-view', '--clusterrole=view', '--user=alice', '-n', 'default']);
  await podRow(page, 'remote-web').waitFor({ timeout: 20_000 });
  await screenshot(page, 'context-alice-pods');
});

test('alice with view: her exec is refused with its can-i, and the debugger names what she may not read with the reviews\' answers', async () => {
  await openPodTab('remote-web', 'Shell');
  await page.getByRole('button', { name: 'Connect' }).click();
  // A WebSocket upgrade is a GET: a 1.32 API server checks get on pods/exec; 1.35 (AuthorizePodWebsocketUpgradeCreatePermission) create too.
  const refused = page.getByRole('alert').filter({ hasText: /cannot (get|create) resource "pods\/exec"/ });
  await screenshot(page, 'context-alice-exec');
  await refused.waitFor({ timeout: 20_000 }).catch(async (err) => {
    throw new Error(`${(err as Error).message}\npage: ${await page.locator('.tab-body').innerText()}`);
  });
  assert.match(await refused.innerText(), /User "alice" cannot (get|create) resource "pods\/exec".*kubectl auth can-i (get|create) pods --subresource=exec -n default/s);
  await page.getByRole('tab', { name: 'Debug' }).click();
  const access = page.locator('[data-rule="access-limited"]');
  await access.waitFor({ timeout: 20_000 });
  const text = await access.innerText();
  assert.match(text, /Your kubeconfig user may not read everything the debugger checks/);
  assert.match(text, /User "alice" cannot list resource "nodes" in API group "" at the cluster scope/);
  assert.match(text, /SelfSubjectAccessReview[\s\S]*not allowed/);
  assert.match(text, /What you may do in default \(SelfSubjectRulesReview\)[\s\S]*get, list, watch: [^\n]*pods/);
  assert.match(text, /kubectl auth can-i --list -n default/);
  await screenshot(page, 'context-alice-debugger');
  await page.getByRole('button', { name: 'Back to pods' }).click();
});

test('switching back to PodLab\'s own cluster is instant, and the kubeconfig was never written', async () => {
  await nav('Cluster');
  await row('home').getByRole('button', { name: 'Switch to' }).click();
  await row('home').getByText('current', { exact: true }).waitFor({ timeout: 5_000 });
  await nav('Pods');
  await page.getByRole('table', { name: 'Pods' }).waitFor();
  assert.equal(await podRow(page, 'remote-web').count(), 0);
  assert.equal(readFileSync(kubeconfigPath, 'utf8'), kubeconfigText);
});
