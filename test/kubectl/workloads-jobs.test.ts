// Jobs as a user runs them, with the real kubectl on `podlab serve --runtime
// docker --nodes 2`: `kubectl create job` runs to completion and `kubectl
// wait --for=condition=complete` returns; `kubectl logs job/NAME` prints what
// it computed; completions 4 / parallelism 2 never runs more than two pods
// at once; a failing Job stops at its backoffLimit with BackoffLimitExceeded;
// `kubectl get jobs` prints kubectl's columns.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `jobs-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('jobs');
let serve: PodlabServe;
let kc: string;

const manifests = `apiVersion: batch/v1
kind: Job
metadata: {name: four}
spec:
  completions: 4
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers: [{name: work, image: busybox:1.36, imagePullPolicy: IfNotPresent, command: [sh, -c, 'sleep 2; echo done']}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: failing}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox:1.36, imagePullPolicy: IfNotPresent, command: [sh, -c, 'echo boom; exit 1']}]
`;

describe('Jobs with kubectl on Docker nodes', { timeout: 300_000 }, () => {
  before(async () => {
    await reserveSubnet(dataDir);
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '2'], dataDir);
    kc = serve.kubeconfig;
  });
  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  it('kubectl create job runs to completion; kubectl wait and kubectl logs see it', async () => {
    await kubectlOk(kc, ['create', 'job', 'pi', '--image=busybox:1.36', '--', 'sh', '-c', 'echo 3.14']);
    assert.match(await kubectlOk(kc, ['wait', '--for=condition=complete', 'job/pi', '--timeout=120s']), /job.batch\/pi condition met/);
    assert.equal((await kubectlOk(kc, ['logs', 'job/pi'])).trim(), '3.14');
    const table = await kubectlOk(kc, ['get', 'job', 'pi']);
    assert.match(table, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n/);
    assert.match(table, /\npi\s+Complete\s+1\/1\s+\d+s\s+\d+s\n/);
  });

  it('completions 4 with parallelism 2 runs two pods at a time until four succeeded', async () => {
    await kubectlOk(kc, ['apply', '-f', '-'], manifests);
    let most = 0;
    for (let i = 0; i < 240; i++) {
      const phases = (await kubectlOk(kc, ['get', 'pods', '-l', 'batch.kubernetes.io/job-name=four', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}'])).split('\n').filter(Boolean);
      most = Math.max(most, phases.filter((p) => p === 'Running' || p === 'Pending').length);
      if (phases.filter((p) => p === 'Succeeded').length === 4) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await kubectlOk(kc, ['wait', '--for=condition=complete', 'job/four', '--timeout=120s']);
    assert.equal(most, 2, 'never more than parallelism pods at once');
    assert.equal((await kubectlOk(kc, ['get', 'job', 'four', '-o', 'jsonpath={.status.succeeded}/{.spec.completions}'])).trim(), '4/4');
  });

  it('a Job whose pods fail stops at backoffLimit: Failed, BackoffLimitExceeded', async () => {
    await kubectlOk(kc, ['wait', '--for=condition=failed', 'job/failing', '--timeout=120s']);
    const reason = await kubectlOk(kc, ['get', 'job', 'failing', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}: {.status.conditions[?(@.type=="Failed")].message} ({.status.failed} failed)']);
    assert.equal(reason.trim(), 'BackoffLimitExceeded: Job has reached the specified backoff limit (2 failed)');
    assert.match(await kubectlOk(kc, ['get', 'job', 'failing']), /\nfailing\s+Failed\s+0\/1\s+/);
    const described = await kubectlOk(kc, ['describe', 'job', 'failing']);
    assert.match(described, /Warning\s+BackoffLimitExceeded\s+\S+\s+job-controller\s+Job has reached the specified backoff limit/);
    const refused = await kubectl(kc, ['create', 'job', 'bad', '--image=busybox:1.36', '--dry-run=server', '-o', 'yaml', '--', 'true']);
    assert.equal(refused.code, 0, refused.stderr);
  });
});
