// kubectl drain against a PodDisruptionBudget, on `podlab serve --runtime
// simulated --nodes 2`: the node is cordoned, an eviction that would break
// the budget is refused with Kubernetes' 429 and kubectl keeps retrying;
// once the budget allows it the pod is evicted and replaced elsewhere.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

describe('kubectl drain and PodDisruptionBudgets', { timeout: 180_000 }, () => {
  let serve: PodlabServe;
  const dataDir = tempDir('drain');
  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '2'], dataDir);
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('waits while the budget forbids the eviction and drains once it allows it', async () => {
    const kc = serve.kubeconfig;
    await kubectlOk(kc, ['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=2', '--', 'sh', '-c', 'exec httpd -f -p 80']);
    await kubectlOk(kc, ['create', 'pdb', 'web', '--selector=app=web', '--min-available=2']);
    await kubectlOk(kc, ['rollout', 'status', 'deploy/web', '--timeout=60s']);
    const table = await eventually('the budget computed', async () => {
      const out = await kubectlOk(kc, ['get', 'pdb', 'web']);
      return /\nweb\s+2\s+N\/A\s+0\s+/.test(out) ? out : undefined;
    }, 30_000);
    assert.match(table, /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\n/);
    const node = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].spec.nodeName}'])).trim();

    const refused = await kubectl(kc, ['drain', node, '--ignore-daemonsets', '--timeout=7s']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /error when evicting pods\/"web-\S+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.match(await kubectlOk(kc, ['get', 'node', node]), /Ready,SchedulingDisabled/);

    await kubectlOk(kc, ['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":1}}']);
    await eventually('one disruption allowed', async () => ((await kubectlOk(kc, ['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}'])).trim() === '1' ? true : undefined), 30_000);
    const drained = await kubectlOk(kc, ['drain', node, '--ignore-daemonsets', '--timeout=60s']);
    assert.match(drained, new RegExp(`node/${node} drained`));
    await eventually('the pods running on the other node', async () => {
      const nodes = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=web', '--field-selector=status.phase=Running', '-o', 'jsonpath={.items[*].spec.nodeName}'])).trim().split(/\s+/);
      return nodes.length === 2 && nodes.every((n) => n && n !== node) ? true : undefined;
    }, 60_000);
  });
});

describe('ReplicationControllers and PodTemplates', { timeout: 120_000 }, () => {
  let serve: PodlabServe;
  const dataDir = tempDir('rc');
  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '1'], dataDir);
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('an RC takes its selector from its template, keeps its replicas and scales with kubectl scale', async () => {
    const kc = serve.kubeconfig;
    await kubectlOk(kc, ['apply', '-f', '-'], 'apiVersion: v1\nkind: ReplicationController\nmetadata: {name: nginx}\nspec:\n  replicas: 2\n  template:\n    metadata: {labels: {app: nginx}}\n    spec:\n      containers: [{name: nginx, image: busybox:1.36, command: [sh, -c, "exec httpd -f -p 80"]}]\n');
    assert.equal((await kubectlOk(kc, ['get', 'rc', 'nginx', '-o', 'jsonpath={.spec.selector.app}'])).trim(), 'nginx');
    await kubectlOk(kc, ['scale', 'rc/nginx', '--replicas=3']);
    const table = await eventually('three ready', async () => {
      const out = await kubectlOk(kc, ['get', 'rc', 'nginx']);
      return /\nnginx\s+3\s+3\s+3\s+/.test(out) ? out : undefined;
    }, 30_000);
    assert.match(table, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\n/);
    await kubectlOk(kc, ['create', '-f', '-'], 'apiVersion: v1\nkind: PodTemplate\nmetadata: {name: tmpl}\ntemplate:\n  metadata: {labels: {app: t}}\n  spec:\n    containers: [{name: c, image: busybox:1.36}]\n');
    assert.match(await kubectlOk(kc, ['get', 'podtemplates']), /\ntmpl\s+c\s+busybox:1.36\s+app=t\s+/);
  });
});
