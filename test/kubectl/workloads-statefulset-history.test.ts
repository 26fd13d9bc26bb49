// StatefulSets keep their history in ControllerRevisions, as in Kubernetes:
// `kubectl rollout history sts/NAME` lists them and `kubectl rollout undo`
// goes back to the earlier template (its revision renumbered as the newest).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const manifest = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replicas: 2
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: busybox:1.36, command: [sh, -c, 'exec httpd -f -p 80']}]
`;

describe('StatefulSet rollout history', { timeout: 120_000 }, () => {
  let serve: PodlabServe;
  const dataDir = tempDir('sts-history');
  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '1'], dataDir);
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('lists revisions and rolls back', async () => {
    const kc = serve.kubeconfig;
    await kubectlOk(kc, ['apply', '-f', '-'], manifest);
    await kubectlOk(kc, ['rollout', 'status', 'sts/web', '--timeout=60s']);
    await kubectlOk(kc, ['set', 'image', 'sts/web', 'web=busybox:1.37']);
    await kubectlOk(kc, ['rollout', 'status', 'sts/web', '--timeout=60s']);
    assert.match(await kubectlOk(kc, ['rollout', 'history', 'sts/web']), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    await kubectlOk(kc, ['rollout', 'undo', 'sts/web']);
    await kubectlOk(kc, ['rollout', 'status', 'sts/web', '--timeout=60s']);
    const [image, current, update] = (await kubectlOk(kc, ['get', 'sts', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.status.currentRevision} {.status.updateRevision}'])).trim().split(' ');
    assert.equal(image, 'busybox:1.36');
    assert.equal(current, update);
    const revisions = await kubectlOk(kc, ['get', 'controllerrevisions', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.revision}{"\\n"}{end}']);
    assert.ok(revisions.includes(`${update}=3`), revisions);
    const hashes = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.labels.controller-revision-hash}'])).trim().split(' ');
    assert.deepEqual(hashes, [update, update]);
  });
});
