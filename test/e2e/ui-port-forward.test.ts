// Port forwarding from a pod's view, on a cluster the UI reaches only through
// the user's kubeconfig: a second PodLab cluster on the real Docker runtime
// (its own process) runs a busybox httpd pod; the page's serve opens it as a
// kubeconfig context. Forward on the pod's declared port gives an
// http://127.0.0.1:PORT link that this test fetches; a port typed in the
// field forwards from the local port given; Stop and switching the cluster
// close the local port; a user without pods/portforward sees the 403 with its
// can-i on the forward. The remote's own UI (a PodLab cluster, not a context)
// forwards the same way.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, repoRoot, tempDir } from '../helpers/podlabProcess.ts';
import { launchChromium, nav as navIn, openUi, podRow, screenshot, startBrowserModeServe, stopServe, type BrowserModeServe } from './browserMode.ts';

const remoteName = `uipfw-${randomBytes(3).toString('hex')}`;
const remoteDir = tempDir('ui-forward-remote');
let remote: BrowserModeServe | undefined;
let s: BrowserModeServe | undefined;
let browser: Browser | undefined;
let page: Page;

const webPod = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'mkdir -p /www && echo hello-from-remote > /www/index.html && exec httpd -f -p 8080 -h /www']
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
`;

/** The page's kubeconfig: the remote's admin token, and alice's client certificate (she may read pods, not forward them). */
function writeUserKubeconfig(dir: string): void {
  const admin = parse(readFileSync(remote!.serve.kubeconfig, 'utf8'));
  const cluster = admin.clusters[0].cluster;
  const printed = spawnSync(process.execPath, [join(repoRoot, 'bin', 'podlab.cjs'), 'kubeconfig', '--user', 'alice', '--data-dir', remoteDir, '--name', remoteName], { encoding: 'utf8' });
  assert.equal(printed.status, 0, printed.stderr);
  writeFileSync(
    join(dir, 'user-kubeconfig'),
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'token@remote',
      clusters: [{ name: 'remote', cluster }],
      users: [
        { name: 'token-user', user: { token: admin.users[0].user.token } },
        { name: 'alice', user: parse(printed.stdout).users[0].user },
      ],
      contexts: [
        { name: 'token@remote', context: { cluster: 'remote', user: 'token-user' } },
        { name: 'alice@remote', context: { cluster: 'remote', user: 'alice', namespace: 'default' } },
      ],
    }),
  );
}

before(async () => {
  await reserveSubnet(remoteDir);
  remote = await startBrowserModeServe(['--name', remoteName, '--runtime', 'docker', '--nodes', '1'], remoteDir);
  await kubectlOk(remote.serve.kubeconfig, ['apply', '-f', '-'], webPod);
  await kubectlOk(remote.serve.kubeconfig, ['create', 'rolebinding', 'alice-view', '--clusterrole=view', '--user=alice', '-n', 'default']);
  const dataDir = tempDir('ui-forward');
  writeUserKubeconfig(dataDir);
  s = await startBrowserModeServe(['--name', 'home', '--runtime', 'simulated', '--nodes', '1'], dataDir);
  browser = await launchChromium();
  page = await openUi(browser, s, { width: 1400, height: 1000 });
  await kubectlOk(remote.serve.kubeconfig, ['wait', '--for=condition=Ready', 'pod/web', '--timeout=120s']);
});

after(async () => {
  await browser?.close();
  await stopServe(s);
  await stopServe(remote);
  await removeClusterObjects(remoteName);
  removeDir(remoteDir);
});

const nav = (view: string) => navIn(page, view);
const section = () => page.getByRole('region', { name: 'Port forward' });
const forwardRows = () => section().getByRole('table', { name: 'Active port forwards' }).locator('tr[data-forward]');

async function openContext(context: string): Promise<void> {
  await nav('Cluster');
  const row = page.locator(`tr[data-cluster="${context}"]`);
  await row.getByRole('button', { name: /^(Open|Switch to)$/ }).click();
  await row.getByText('current', { exact: true }).waitFor({ timeout: 20_000 });
}

async function openWebPod(): Promise<void> {
  await nav('Pods');
  await podRow(page, 'web').click({ timeout: 20_000 });
  await page.getByRole('tab', { name: 'Overview' }).click();
  await section().waitFor();
}

/** The page's one forward's local URL, as its link shows it. */
async function forwardUrl(): Promise<string> {
  const link = forwardRows().first().getByRole('link');
  await link.waitFor({ timeout: 20_000 });
  return (await link.getAttribute('href'))!;
}

const refused = (url: string) => fetch(url).then(() => false, () => true);

test('Forward on a declared port of a kubeconfig context\'s pod gives a 127.0.0.1 link that serves the pod', async () => {
  await openContext('token@remote');
  await openWebPod();
  const declared = section().getByRole('list', { name: 'Declared ports' }).locator('li[data-port="8080"]');
  assert.match(await declared.innerText(), /8080\/TCP\s+http\s+httpd/);
  await declared.getByRole('button', { name: 'Forward' }).click();
  const url = await forwardUrl();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await (await fetch(url)).text(), 'hello-from-remote\n');
  await forwardRows().first().locator('.forward-connections').getByText(/^0 open · 1 in all$/).waitFor({ timeout: 20_000 });
  await screenshot(page, 'port-forward-context');
  await forwardRows().first().getByRole('button', { name: 'Stop' }).click();
  await forwardRows().first().waitFor({ state: 'detached' });
  assert.ok(await refused(url), 'the local port still answers after Stop');
});

test('a port typed in the field forwards from the local port given; switching the cluster closes it', async () => {
  const probe = createServer();
  const local = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
  await new Promise((resolve) => probe.close(resolve));
  const form = section().getByRole('form', { name: 'Forward a port' });
  await form.getByLabel('Pod port').fill('8080');
  await form.getByLabel('Local port').fill(String(local));
  await form.getByRole('button', { name: 'Forward' }).click();
  const url = await forwardUrl();
  assert.equal(url, `http://127.0.0.1:${local}`);
  assert.equal(await (await fetch(url)).text(), 'hello-from-remote\n');
  await nav('Cluster');
  await page.locator('tr[data-cluster="home"]').getByRole('button', { name: 'Switch to' }).click();
  await page.locator('tr[data-cluster="home"]').getByText('current', { exact: true }).waitFor({ timeout: 20_000 });
  await eventually('the local port closed with the switch', async () => refused(url), 10_000, 100);
});

test('a user who may read pods but not forward them sees the 403 with its can-i on the forward', async () => {
  await openContext('alice@remote');
  await openWebPod();
  await section().locator('li[data-port="8080"]').getByRole('button', { name: 'Forward' }).click();
  const url = await forwardUrl();
  assert.ok(await refused(url), 'alice\'s forward answered');
  const alert = forwardRows().first().getByRole('alert');
  await alert.waitFor({ timeout: 20_000 });
  assert.match(await alert.innerText(), /User "alice" cannot get resource "pods\/portforward" in API group "" in the namespace "default".*kubectl auth can-i get pods --subresource=portforward -n default/s);
  await screenshot(page, 'port-forward-forbidden');
  await forwardRows().first().getByRole('button', { name: 'Stop' }).click();
  await forwardRows().first().waitFor({ state: 'detached' });
});

test('on PodLab\'s own cluster (the remote\'s own UI) Forward works the same', async () => {
  page = await openUi(browser!, remote!, { width: 1400, height: 1000 });
  await openWebPod();
  await section().locator('li[data-port="8080"]').getByRole('button', { name: 'Forward' }).click();
  const url = await forwardUrl();
  assert.equal(await (await fetch(url)).text(), 'hello-from-remote\n');
  await page.close();
  // The page's bridge session ends with it, and its forwards with that.
  await eventually('the local port closed with the page', async () => refused(url), 10_000, 100);
});
