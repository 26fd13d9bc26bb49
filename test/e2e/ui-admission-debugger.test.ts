// The Debugger for refused requests, in Chromium against `podlab serve
// --runtime simulated`: a Deployment of a root container in a namespace that
// enforces Pod Security "restricted" has no pods; the Workloads view marks
// it, its Debug button shows each failed check in Kubernetes' words with the
// securityContext change that passes it, and the patch it suggests, run as
// given, gets the pods created. A pod refused on `kubectl run` shows under
// Refused requests with who asked and the same finding.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { nav as navIn, openBrowserMode, screenshot, type BrowserModeServe, type BrowserModeSession } from './browserMode.ts';

let s: BrowserModeServe;
let page: Page;
let ui: BrowserModeSession | undefined;

const namespace = 'strict';
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: root-web, namespace: ${namespace}}
spec:
  replicas: 2
  selector: {matchLabels: {app: root-web}}
  template:
    metadata: {labels: {app: root-web}}
    spec:
      containers: [{name: web, image: busybox:1.36, command: [sh, -c, 'exec httpd -f -p 8080']}]
`;

before(async () => {
  ({ s, page } = ui = await openBrowserMode({ viewport: { width: 1400, height: 900 } }));
  await kubectlOk(s.serve.kubeconfig, ['create', 'namespace', namespace]);
  await kubectlOk(s.serve.kubeconfig, ['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
  await page.getByRole('combobox', { name: 'Namespace' }).locator(`option[value=${namespace}]`).waitFor({ state: 'attached', timeout: 10_000 });
  await page.getByRole('combobox', { name: 'Namespace' }).selectOption(namespace);
});

after(() => ui?.close());

const nav = (view: string) => navIn(page, view);
/** An evidence line that is exactly these words (the refusal's whole message contains them too). */
const exactly = (words: string) => new RegExp(`^${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

test("a root Deployment in a restricted namespace: marked in Workloads, each failed check and its securityContext fix in the Debugger, and the suggested patch gets its pods created", async () => {
  const applied = await kubectl(s.serve.kubeconfig, ['apply', '-f', '-'], deployment);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stderr, /Warning: would violate PodSecurity "restricted:latest"/);

  await nav('Workloads');
  const row = page.locator('[data-table=deployments] tr[data-name="root-web"]');
  await row.locator('.refused-badge', { hasText: 'FailedCreate' }).waitFor({ timeout: 30_000 });
  await row.getByRole('button', { name: 'Debug root-web' }).click();

  const diagnosis = page.getByLabel('Workload diagnosis');
  const finding = diagnosis.locator('.finding[data-rule=pod-security-violation]');
  await finding.waitFor({ timeout: 15_000 });
  await finding.getByText('Refused by Pod Security "restricted:latest"').waitFor();
  for (const words of [
    'allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)',
    'unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"])',
    'runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true)',
    'seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  ]) {
    await finding.locator('.evidence dd', { hasText: exactly(words) }).waitFor();
  }
  const changes = await finding.locator('.change-text').allInnerTexts();
  assert.ok(changes.some((c) => /allowPrivilegeEscalation: false/.test(c)), changes.join('\n---\n'));
  assert.ok(changes.some((c) => /seccompProfile:\n\s+type: RuntimeDefault/.test(c)), changes.join('\n---\n'));
  const corrected = changes.at(-1)!;
  assert.match(corrected, /^spec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true/);
  assert.match(corrected, /- name: web\n\s+securityContext:\n\s+allowPrivilegeEscalation: false\n\s+capabilities:\n\s+drop:\n\s+- ALL/);
  await finding.locator('.next-checks code', { hasText: `kubectl label ns ${namespace} pod-security.kubernetes.io/enforce=baseline --overwrite` }).waitFor();
  await screenshot(page, 'debugger-workload-pod-security');

  // busybox runs as root: the patch that also sets runAsUser, run as printed, is admitted, and so are the new template's pods.
  const patches = await finding.locator('.next-checks code', { hasText: 'kubectl patch deployment root-web' }).allInnerTexts();
  assert.equal(patches.length, 2, patches.join('\n'));
  const patch = patches.find((p) => p.includes('"runAsUser":1000'))!;
  const json = /-p '(.*)'$/.exec(patch)?.[1];
  assert.ok(json, patch);
  assert.equal(patch, `kubectl patch deployment root-web -n ${namespace} --type=strategic -p '${json}'`);
  await kubectlOk(s.serve.kubeconfig, ['patch', 'deployment', 'root-web', '-n', namespace, '--type=strategic', '-p', json]);
  await eventually(
    'the patched Deployment rolled out 2 ready pods',
    async () => (await kubectlOk(s.serve.kubeconfig, ['get', 'deployment', 'root-web', '-n', namespace, '-o', 'jsonpath={.status.readyReplicas}/{.status.updatedReplicas}'])) === '2/2',
    60_000,
  );
  await diagnosis.getByText(/No refused creates/).waitFor({ timeout: 15_000 });
});

test('a pod refused on kubectl run shows under Refused requests: who asked, the stage, and the fix', async () => {
  const run = await kubectl(s.serve.kubeconfig, ['run', 'root-shell', '-n', namespace, '--image=busybox:1.36', '--', 'sleep', '3600']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /pods "root-shell" is forbidden: violates PodSecurity "restricted:latest"/);

  await nav('Debugger');
  const refusal = page.getByLabel('Refused requests').locator('details[data-name="root-shell"]');
  await refusal.waitFor({ timeout: 15_000 });
  const summary = await refusal.locator('summary').innerText();
  assert.match(summary, /PodSecurity/);
  assert.match(summary, /CREATE Pod strict\/root-shell/);
  assert.match(summary, /by kubernetes-admin/);
  if ((await refusal.getAttribute('open')) === null) await refusal.locator('summary').click();
  const finding = refusal.locator('.finding[data-rule=pod-security-violation]');
  await finding.locator('.evidence dd', { hasText: exactly('allowPrivilegeEscalation != false (container "root-shell" must set securityContext.allowPrivilegeEscalation=false)') }).waitFor();
  const corrected = (await finding.locator('.change-text').allInnerTexts()).at(-1)!;
  assert.match(corrected, /^spec:\n  securityContext:\n    runAsNonRoot: true/);
  await screenshot(page, 'debugger-refused-requests');
});
