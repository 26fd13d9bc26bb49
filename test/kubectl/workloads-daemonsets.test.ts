// DaemonSets as a user runs them, with the real kubectl on `podlab serve
// --runtime docker --nodes 2`: one pod per node, one more after `podlab
// node add`, and `kubectl rollout status/history/undo ds/NAME` going to a
// new image and back.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, repoRoot, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `ds-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('daemonsets');
let serve: PodlabServe;
let kc: string;

function podlab(args: string[]): Promise<string> {
  return promisify(execFile)(process.execPath, [join(repoRoot, 'bin', 'podlab.cjs'), ...args, '--name', cluster, '--data-dir', dataDir], { cwd: repoRoot }).then((r) => r.stdout);
}

const collector = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: collector}
spec:
  selector: {matchLabels: {app: collector}}
  template:
    metadata: {labels: {app: collector}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: collector
        image: busybox:1.36
        imagePullPolicy: IfNotPresent
        env: [{name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
        command: [sh, -c, 'echo collecting on $NODE_NAME; exec sleep 3600']
`;

async function podsByNode(): Promise<string[]> {
  const out = await kubectlOk(kc, ['get', 'pods', '-l', 'app=collector', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}={.status.phase}{"\\n"}{end}']);
  return out.split('\n').filter(Boolean).sort();
}

describe('DaemonSets with kubectl on Docker nodes', { timeout: 300_000 }, () => {
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

  it('runs one pod per node, and one more on a node added later', async () => {
    await kubectlOk(kc, ['apply', '-f', '-'], collector);
    await kubectlOk(kc, ['rollout', 'status', 'ds/collector', '--timeout=120s']);
    assert.deepEqual(await podsByNode(), ['node-1=Running', 'node-2=Running']);
    const table = await kubectlOk(kc, ['get', 'ds', 'collector']);
    assert.match(table, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\n/);
    assert.match(table, /\ncollector\s+2\s+2\s+2\s+2\s+2\s+<none>\s+/);
    const pod = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=collector', '--field-selector', 'spec.nodeName=node-2', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    assert.match(await eventually('its log', async () => (await kubectlOk(kc, ['logs', pod])).trim() || undefined, 30_000), /collecting on node-2/);

    assert.match(await podlab(['node', 'add', 'node-3']), /Node "node-3" added/);
    await eventually('a pod on node-3', async () => ((await podsByNode()).includes('node-3=Running') ? true : undefined), 120_000);
    await kubectlOk(kc, ['rollout', 'status', 'ds/collector', '--timeout=120s']);
    assert.equal((await podsByNode()).length, 3);
  });

  it('rolls out a new image node by node, lists two revisions, and rolls back', async () => {
    await kubectlOk(kc, ['set', 'image', 'ds/collector', 'collector=busybox:latest']);
    await kubectlOk(kc, ['rollout', 'status', 'ds/collector', '--timeout=180s']);
    const history = await kubectlOk(kc, ['rollout', 'history', 'ds/collector']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    await kubectlOk(kc, ['rollout', 'undo', 'ds/collector']);
    await kubectlOk(kc, ['rollout', 'status', 'ds/collector', '--timeout=180s']);
    assert.equal((await kubectlOk(kc, ['get', 'ds', 'collector', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).trim(), 'busybox:1.36');
    // rollout status does not wait for replaced pods to be gone: a terminating one may still be listed for a moment.
    const images = async () => (await kubectlOk(kc, ['get', 'pods', '-l', 'app=collector', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}'])).split('\n').filter(Boolean);
    await eventually('only the three rolled-back pods', async () => ((await images()).length === 3 ? true : undefined), 60_000);
    assert.deepEqual(await images(), ['busybox:1.36', 'busybox:1.36', 'busybox:1.36']);
    assert.match(await kubectlOk(kc, ['get', 'controllerrevisions']), /collector-\S+\s+daemonset.apps\/collector\s+3\s+/);
  });
});
