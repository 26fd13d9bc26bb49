// The resource browser and the Events view in Chromium against `podlab
// serve --runtime simulated`: Deployments with kubectl's columns, an edit
// previewed as a dry-run diff then applied, a ConfigMap and a Service opened,
// a CRD applied from the Apply view appearing with its printer column, a
// Deployment deleted after a confirmation naming its ReplicaSet and pods, and
// the Events view's warnings-only filter with its link to the object.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { kubectlOk } from '../helpers/kubectl.ts';
import { nav as navIn, openBrowserMode, screenshot, type BrowserModeServe, type BrowserModeSession } from './browserMode.ts';

let s: BrowserModeServe;
let page: Page;
let ui: BrowserModeSession | undefined;

before(async () => ({ s, page } = ui = await openBrowserMode({ viewport: { width: 1500, height: 900 } })));
after(() => ui?.close());

const kubectl = (args: string[], input?: string) => kubectlOk(s.serve.kubeconfig, args, input);
const nav = (view: string) => navIn(page, view);

async function openKind(group: string, title: string): Promise<void> {
  await nav('Resources');
  await page.getByRole('navigation', { name: 'Kinds' }).getByRole('group', { name: group, exact: true }).getByRole('button', { name: title, exact: true }).click();
  await page.getByRole('table', { name: title }).waitFor();
  // The table shows before the server's columns arrive: wait for them.
  await page.getByRole('table', { name: title }).getByRole('columnheader').first().waitFor();
}

function row(table: string, name: string) {
  return page.getByRole('table', { name: table }).locator('[role=row][data-key]', { has: page.locator('.cell-name', { hasText: new RegExp(`^${name}$`) }) });
}

async function headers(table: string): Promise<string[]> {
  return page.getByRole('table', { name: table }).getByRole('columnheader').allInnerTexts();
}

/** The header line `kubectl get ARGS` prints, as words. */
async function kubectlHeader(...args: string[]): Promise<string[]> {
  const out = await kubectl(['get', ...args]);
  return out.split('\n')[0]!.trim().split(/\s+/);
}

async function selectNamespace(namespace: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).selectOption(namespace);
}

test("Deployments are listed with kubectl's columns, and one opens with its server columns, YAML and owned ReplicaSet", async () => {
  await kubectl(['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=2', '--', 'httpd', '-f', '-p', '80']);
  await selectNamespace('default');
  await openKind('apps', 'Deployments');
  assert.deepEqual(await headers('Deployments'), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.deepEqual(await headers('Deployments'), await kubectlHeader('deployments'));
  await row('Deployments', 'web').locator('.cell-ready', { hasText: /^2\/2$/ }).waitFor({ timeout: 60_000 });
  assert.match(await row('Deployments', 'web').locator('.cell-age').innerText(), /^\d+s$/);

  // -o wide: the priority-1 columns kubectl adds.
  await page.getByRole('checkbox', { name: 'Wide' }).check();
  assert.deepEqual(await headers('Deployments'), await kubectlHeader('deployments', '-o', 'wide'));
  await page.getByRole('checkbox', { name: 'Wide' }).uncheck();

  await row('Deployments', 'web').click();
  await page.getByRole('heading', { name: /Deployment\s+default\/web/ }).waitFor();
  assert.equal(await page.locator('.server-facts [data-column=images] dd').innerText(), 'busybox:1.36');
  await page.waitForFunction(() => (document.querySelector('textarea[aria-label="Object YAML"]') as HTMLTextAreaElement | null)?.value.includes('kind: Deployment'));
  assert.equal(await page.getByLabel('Object YAML').getAttribute('readonly'), '');
  assert.doesNotMatch(await page.getByLabel('Object YAML').inputValue(), /managedFields/);

  await page.getByRole('tab', { name: 'Relations' }).click();
  const rs = (await kubectl(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
  await page.getByRole('list', { name: 'Owned objects' }).getByRole('button', { name: `replicaset/${rs}` }).click();
  await page.getByRole('heading', { name: new RegExp(`ReplicaSet\\s+default/${rs}`) }).waitFor();
  await page.getByRole('tab', { name: 'Relations' }).click();
  await page.getByRole('list', { name: 'Owners' }).getByRole('button', { name: 'deployment/web' }).waitFor();
  await screenshot(page, 'resources-replicaset-relations');
  await page.getByRole('list', { name: 'Owners' }).getByRole('button', { name: 'deployment/web' }).click();
  await page.getByRole('heading', { name: /Deployment\s+default\/web/ }).waitFor();
});

test('editing a Deployment shows the dry-run diff first, then applies it', async () => {
  await openKind('apps', 'Deployments');
  await row('Deployments', 'web').click();
  await page.getByRole('tab', { name: 'Edit' }).click();
  const editor = page.getByLabel('Edit YAML');
  await page.waitForFunction(() => (document.querySelector('textarea[aria-label="Edit YAML"]') as HTMLTextAreaElement | null)?.value.includes('replicas: 2'));
  await editor.fill((await editor.inputValue()).replace(/^ {2}replicas: 2$/m, '  replicas: 3'));
  await page.getByRole('button', { name: 'Preview' }).click();
  const diff = page.getByRole('table', { name: 'Dry-run diff' });
  await diff.waitFor();
  // What the server would store: the new replicas, and the generation it bumps for a spec change.
  assert.deepEqual(await diff.locator('.diff-removed .diff-text').allInnerTexts(), ['  generation: 1', '  replicas: 2']);
  assert.deepEqual(await diff.locator('.diff-added .diff-text').allInnerTexts(), ['  generation: 2', '  replicas: 3']);
  // A dry run stores nothing.
  assert.equal((await kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).trim(), '2');
  await screenshot(page, 'resources-edit-preview');

  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'deployment/web edited' }).waitFor();
  assert.equal((await kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).trim(), '3');
  await page.locator('.server-facts [data-column=ready] dd', { hasText: /^\d\/3$/ }).waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Back to Deployments' }).click();
  await row('Deployments', 'web').locator('.cell-ready', { hasText: /\/3$/ }).waitFor({ timeout: 10_000 });
});

test("an invalid edit is refused by the server's dry run, marked at the field", async () => {
  await openKind('apps', 'Deployments');
  await row('Deployments', 'web').click();
  await page.getByRole('tab', { name: 'Edit' }).click();
  const editor = page.getByLabel('Edit YAML');
  await page.waitForFunction(() => (document.querySelector('textarea[aria-label="Edit YAML"]') as HTMLTextAreaElement | null)?.value.includes('replicas: 3'));
  await editor.fill((await editor.inputValue()).replace(/^ {2}replicas: 3$/m, '  replicas: -1'));
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('alert').locator('.error-field', { hasText: 'spec.replicas' }).waitFor();
  await page.locator('.yaml-mark-text', { hasText: 'spec.replicas' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Apply', exact: true }).isDisabled(), true);
});

test('a ConfigMap and a Service open with their columns and YAML', async () => {
  await kubectl(['create', 'configmap', 'app-config', '--from-literal=mode=fast', '--from-literal=level=3']);
  await openKind('core', 'ConfigMaps');
  assert.deepEqual(await headers('ConfigMaps'), await kubectlHeader('configmaps'));
  await row('ConfigMaps', 'app-config').locator('.cell-data', { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
  await row('ConfigMaps', 'app-config').click();
  await page.getByRole('heading', { name: /ConfigMap\s+default\/app-config/ }).waitFor();
  await page.waitForFunction(() => (document.querySelector('textarea[aria-label="Object YAML"]') as HTMLTextAreaElement | null)?.value.includes('mode: fast'));

  await openKind('core', 'Services');
  assert.deepEqual(await headers('Services'), await kubectlHeader('services'));
  await row('Services', 'kubernetes').click();
  await page.getByRole('heading', { name: /Service\s+default\/kubernetes/ }).waitFor();
  assert.equal(await page.locator('.server-facts [data-column=type] dd').innerText(), 'ClusterIP');
  const clusterIp = (await kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  assert.equal(await page.locator('.server-facts [data-column=cluster-ip] dd').innerText(), clusterIp);
  await page.waitForFunction(() => (document.querySelector('textarea[aria-label="Object YAML"]') as HTMLTextAreaElement | null)?.value.includes('kind: Service'));
  await screenshot(page, 'resources-service');
});

const cronTabCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer}
    additionalPrinterColumns:
    - name: Spec
      type: string
      description: The cron spec defining the interval a CronJob is run
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      description: The number of jobs launched by the CronJob
      jsonPath: .spec.replicas
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
`;

const cronTab = `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: my-new-cron-object
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
  replicas: 1
`;

async function applyFromView(yaml: string): Promise<void> {
  await nav('Apply YAML');
  await page.getByLabel('YAML to apply').fill(yaml);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('list', { name: 'Apply results' }).getByText('created').waitFor({ timeout: 10_000 });
}

test('a CRD applied from the Apply view appears as a kind, its objects with its printer columns', async () => {
  // The browser is open while the CRD is created: the kind must appear without a reload.
  await nav('Resources');
  const kinds = page.getByRole('navigation', { name: 'Kinds' });
  await kinds.getByRole('group', { name: 'apps', exact: true }).waitFor();
  assert.equal(await kinds.getByRole('group', { name: 'stable.example.com' }).count(), 0);
  await applyFromView(cronTabCrd);
  await nav('Resources');
  await kinds.getByRole('group', { name: 'stable.example.com', exact: true }).getByRole('button', { name: 'CronTabs', exact: true }).waitFor({ timeout: 10_000 });

  await applyFromView(cronTab);
  await openKind('stable.example.com', 'CronTabs');
  assert.deepEqual(await headers('CronTabs'), ['NAME', 'SPEC', 'REPLICAS', 'AGE']);
  assert.deepEqual(await headers('CronTabs'), await kubectlHeader('crontabs'));
  const object = row('CronTabs', 'my-new-cron-object');
  await object.waitFor({ timeout: 10_000 });
  assert.equal(await object.locator('.cell-spec').innerText(), '* * * * */5');
  assert.equal(await object.locator('.cell-replicas').innerText(), '1');
  assert.match(await object.locator('.cell-age').innerText(), /^\d+s$/);
  await screenshot(page, 'resources-crontabs');

  // Filtering the kinds finds it by its short name too.
  await kinds.getByLabel('Filter kinds').fill('ct');
  await kinds.getByRole('button', { name: 'CronTabs', exact: true }).waitFor();
  await kinds.getByLabel('Filter kinds').fill('');
});

test('deleting a Deployment says first that its ReplicaSet and pods go with it', async () => {
  await kubectl(['create', 'deployment', 'doomed', '--image=busybox:1.36', '--replicas=2', '--', 'httpd', '-f', '-p', '80']);
  await openKind('apps', 'Deployments');
  await row('Deployments', 'doomed').locator('.cell-ready', { hasText: /^2\/2$/ }).waitFor({ timeout: 60_000 });
  const rs = (await kubectl(['get', 'rs', '-l', 'app=doomed', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(' ');
  const pods = (await kubectl(['get', 'pods', '-l', 'app=doomed', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(' ').sort();
  assert.equal(rs.length, 1);
  assert.equal(pods.length, 2);

  await row('Deployments', 'doomed').click();
  await page.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete deployment doomed' });
  await dialog.locator('.impact-summary').waitFor({ timeout: 10_000 });
  assert.equal(await dialog.locator('.impact-summary').innerText(), 'Deleted with it: 2 Pods, 1 ReplicaSet');
  assert.deepEqual(await dialog.getByRole('list', { name: 'Deleted with it' }).getByRole('listitem').allInnerTexts(), [`replicaset/${rs[0]}`, ...pods.map((p) => `pod/${p}`)]);
  await screenshot(page, 'resources-delete-confirmation');
  // Nothing is deleted before the confirmation.
  assert.match(await kubectl(['get', 'deploy', 'doomed', '-o', 'name']), /doomed/);

  await dialog.getByRole('button', { name: 'Delete deployment doomed' }).click();
  await page.getByRole('table', { name: 'Deployments' }).waitFor();
  await row('Deployments', 'doomed').waitFor({ state: 'detached', timeout: 10_000 });
  for (let i = 0; ; i++) {
    const left = (await kubectl(['get', 'rs,pods', '-l', 'app=doomed', '-o', 'name'])).trim();
    if (left === '') break;
    assert.ok(i < 100, `still there: ${left}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

test('the Events view shows warnings only when asked, and each row opens its object', async () => {
  await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: slow-claim}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: fast-ssd\n  resources: {requests: {storage: 64Mi}}\n');
  await nav('Events');
  const table = page.getByRole('table', { name: 'Events' });
  await table.locator('.cell-reason', { hasText: 'ScalingReplicaSet' }).first().waitFor({ timeout: 10_000 });
  await table.locator('.cell-reason', { hasText: 'ProvisioningFailed' }).first().waitFor({ timeout: 30_000 });

  await page.getByRole('checkbox', { name: 'Warnings only' }).check();
  await table.locator('.cell-reason', { hasText: 'ScalingReplicaSet' }).first().waitFor({ state: 'detached', timeout: 10_000 });
  // The filtered rows are read once they are drawn: the normal rows can be gone a frame before the warnings appear.
  await table.locator('.cell-reason', { hasText: 'ProvisioningFailed' }).first().waitFor({ timeout: 10_000 });
  const types = await table.locator('.cell-type').allInnerTexts();
  assert.ok(types.length > 0 && types.every((t) => t === 'Warning'), types.join(','));
  await screenshot(page, 'events-warnings');

  await page.getByLabel('Search events').fill('fast-ssd');
  const link = table.getByRole('button', { name: 'persistentvolumeclaim/slow-claim' }).first();
  await link.click();
  await page.getByRole('heading', { name: /PersistentVolumeClaim\s+default\/slow-claim/ }).waitFor();
  await page.getByRole('tab', { name: /Events/ }).click();
  await page.getByRole('table', { name: 'Events' }).locator('.cell-reason', { hasText: 'ProvisioningFailed' }).first().waitFor();

  // A pod's event opens the pod's own view.
  await kubectl(['run', 'stuck', '--image=busybox:1.36', '--restart=Never', '--overrides', JSON.stringify({ spec: { nodeSelector: { 'podlab.test/none': 'x' } } }), '--', 'sleep', '3600']);
  await nav('Events');
  await page.getByLabel('Search events').fill('stuck');
  await table.getByRole('button', { name: 'pod/stuck' }).first().click({ timeout: 30_000 });
  await page.getByRole('heading', { name: /default\/stuck/ }).waitFor();
  await page.getByRole('button', { name: 'Back to pods' }).waitFor();
});
