// The API server's /metrics as Prometheus and the docs read it (`kubectl get
// --raw /metrics`): requests from kubectl and from the cluster's own
// components (the scheduler's bindings) counted under kube-apiserver's labels,
// the objects stored per resource, and who may read it: cluster admins and the
// system:monitoring group, not any user.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { eventually } from '../helpers/eventually.ts';
import { servedForSuite } from '../helpers/podlabProcess.ts';

describe('API server /metrics through kubectl', { timeout: 180_000 }, () => {
  const cluster = servedForSuite('api-metrics', ['--runtime', 'simulated', '--nodes', '1']);

  before(async () => {
    await kubectlOk(cluster.kubeconfig, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    await kubectlOk(cluster.kubeconfig, ['rollout', 'status', 'deployment/web', '--timeout=60s']);
  });

  it('counts kubectl\'s requests and the components\', and the objects stored', async () => {
    const metrics = await kubectlOk(cluster.kubeconfig, ['get', '--raw', '/metrics']);
    assert.match(metrics, /^apiserver_request_total\{code="201",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="POST",version="v1"\} 1$/m);
    assert.match(metrics, /^apiserver_request_total\{code="201",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="binding",verb="POST",version="v1"\} 2$/m, 'the scheduler binds both pods');
    assert.match(metrics, /^apiserver_storage_objects\{resource="replicasets\.apps"\} 1$/m);
    assert.match(metrics, /^apiserver_storage_objects\{resource="pods"\} 2$/m);
  });

  it('is for cluster admins and the system:monitoring group', async () => {
    assert.match((await kubectl(cluster.kubeconfig, ['get', '--raw', '/metrics', '--as=alice'])).stderr, /\(Forbidden\): forbidden: User "alice" cannot get path "\/metrics"/);
    const monitoring = await eventually('the monitoring group allowed', async () => {
      const answer = await kubectl(cluster.kubeconfig, ['get', '--raw', '/metrics', '--as=prometheus', '--as-group=system:monitoring']);
      return answer.code === 0 && answer.stdout;
    });
    assert.match(monitoring, /^# TYPE apiserver_request_total counter$/m);
  });
});
