// kubectl autoscale on the simulated runtime (each simulated container uses
// one millicore): the HPA reads metrics.k8s.io, shows `cpu: 25%/50%` under a
// 4m request, and scales the Deployment to 2 once the request is 1m (100%),
// with kubectl's columns, conditions and the SuccessfulRescale event.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

describe('kubectl autoscale', { timeout: 240_000 }, () => {
  let serve: PodlabServe;
  const dataDir = tempDir('hpa');
  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '2'], dataDir);
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('measures, reports and scales as the HPA controller does', async () => {
    const kc = serve.kubeconfig;
    await kubectlOk(kc, ['create', 'deployment', 'web', '--image=busybox:1.36', '--', 'sh', '-c', 'exec httpd -f -p 80']);
    await kubectlOk(kc, ['set', 'resources', 'deployment', 'web', '--requests=cpu=4m']);
    await kubectlOk(kc, ['autoscale', 'deploy', 'web', '--cpu-percent=50', '--min=1', '--max=4']);
    const table = await eventually('the HPA measured', async () => {
      const out = await kubectlOk(kc, ['get', 'hpa', 'web']);
      return /cpu: 25%\/50%/.test(out) ? out : undefined;
    }, 90_000);
    assert.match(table, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\n/);
    assert.match(table, /\nweb\s+Deployment\/web\s+cpu: 25%\/50%\s+1\s+4\s+1\s+/);
    const v1 = JSON.parse(await kubectlOk(kc, ['get', '--raw', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web']));
    assert.deepEqual([v1.apiVersion, v1.spec.targetCPUUtilizationPercentage, v1.status.currentCPUUtilizationPercentage], ['autoscaling/v1', 50, 25], 'read back as autoscaling/v1');
    await kubectlOk(kc, ['set', 'resources', 'deployment', 'web', '--requests=cpu=1m']);
    await eventually('the Deployment scaled to 2', async () => ((await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).trim() === '2' ? true : undefined), 120_000);
    const events = await kubectlOk(kc, ['get', 'events', '--field-selector', 'reason=SuccessfulRescale', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /New size: 2; reason: cpu resource utilization \(percentage of request\) above target/);
    const described = await kubectlOk(kc, ['describe', 'hpa', 'web']);
    assert.match(described, /ScalingActive\s+True\s+ValidMetricFound/);
  });
});
