// kubectl top on a new cluster with no add-on (kind and minikube need
// metrics-server for this): PodLab serves metrics.k8s.io itself, with the
// APIService kubectl checks, figures for pods, containers and nodes, and
// RBAC that lets whoever may view pods see their usage.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

describe('kubectl top', { timeout: 120_000 }, () => {
  let serve: PodlabServe;
  const dataDir = tempDir('top');
  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '2'], dataDir);
    await kubectlOk(serve.kubeconfig, ['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=2', '--', 'sh', '-c', 'exec httpd -f -p 80']);
    await kubectlOk(serve.kubeconfig, ['rollout', 'status', 'deployment/web', '--timeout=60s']);
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('shows CPU and memory for pods, their containers and nodes', async () => {
    const pods = await eventually('pod figures', async () => {
      const result = await kubectl(serve.kubeconfig, ['top', 'pods']);
      return result.code === 0 && /web-/.test(result.stdout) ? result.stdout : undefined;
    }, 30_000);
    assert.match(pods, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\n/);
    assert.equal(pods.split('\n').filter((l) => /^web-\S+\s+\d+m\s+\d+Mi\s*$/.test(l)).length, 2);
    const containers = await kubectlOk(serve.kubeconfig, ['top', 'pods', '-A', '--containers']);
    assert.match(containers, /default\s+web-\S+\s+busybox\s+\d+m\s+\d+Mi/);
    const nodes = await kubectlOk(serve.kubeconfig, ['top', 'nodes']);
    assert.match(nodes, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*\n/);
    assert.match(nodes, /node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
    assert.match(await kubectlOk(serve.kubeconfig, ['get', 'apiservice', 'v1beta1.metrics.k8s.io']), /v1beta1\.metrics\.k8s\.io\s+Local\s+True/);
    const viewer = await kubectlOk(serve.kubeconfig, ['auth', 'can-i', 'list', 'pods.metrics.k8s.io', '--as=viewer', '--as-group=viewers']).catch((err: Error) => err.message);
    assert.match(viewer, /no/, 'nobody without a binding');
    await kubectlOk(serve.kubeconfig, ['create', 'clusterrolebinding', 'viewers', '--clusterrole=view', '--group=viewers']);
    assert.equal((await kubectlOk(serve.kubeconfig, ['auth', 'can-i', 'list', 'pods.metrics.k8s.io', '--as=viewer', '--as-group=viewers'])).trim(), 'yes');
  });
});
