// PodLab killed (SIGKILL) while the local-path provisioner is making volumes
// for new claims: after a restart every claim is Bound to exactly one
// volume, and the engine holds exactly one Docker volume per
// PersistentVolume: nothing orphaned, nothing made twice.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { LABEL_CLUSTER } from '../../main/runtime/runtime.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const CLAIMS = 6;
const docker = new Docker();
const cluster = `sc-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('storage-crash');

function claimsAndPods(): string {
  return Array.from({ length: CLAIMS }, (_, i) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data-${i}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: user-${i}}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: c, image: busybox:1.36, imagePullPolicy: IfNotPresent, command: [sh, -c, 'echo ${i} > /data/i; exec sleep 3600'], volumeMounts: [{name: d, mountPath: /data}]}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: data-${i}}}]
`).join('---\n');
}

describe('SIGKILL while claims are provisioned', { timeout: 300_000 }, () => {
  let serve: PodlabServe | undefined;
  const start = () => startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '1'], dataDir);
  before(async () => {
    await reserveSubnet(dataDir);
    serve = await start();
  });
  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  test('every claim ends Bound to one volume, with one Docker volume each', async () => {
    await kubectlOk(serve!.kubeconfig, ['apply', '-f', '-'], claimsAndPods());
    // Killed as soon as the provisioner has started: some claims have volumes, others are mid-way or not begun.
    await eventually('the first volume', async () => ((await kubectlOk(serve!.kubeconfig, ['get', 'pv', '-o', 'name'])).trim() ? true : undefined), 120_000, 20);
    await serve!.kill();
    serve = await start();
    const kc = serve.kubeconfig;
    const bound = await eventually(
      'every claim Bound',
      async () => {
        const lines = (await kubectlOk(kc, ['get', 'pvc', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase}={.spec.volumeName}{"\\n"}{end}'])).trim().split('\n');
        return lines.length === CLAIMS && lines.every((l) => l.split('=')[1] === 'Bound') ? lines.map((l) => l.split('=')[2]!) : undefined;
      },
      180_000,
    );
    assert.equal(new Set(bound).size, CLAIMS, 'one volume per claim');
    const volumes = (await kubectlOk(kc, ['get', 'pv', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'])).trim().split('\n').sort();
    assert.deepEqual(volumes, [...bound].sort(), 'no PersistentVolume without its claim');
    await eventually('every pod running with its data', async () => ((await kubectlOk(kc, ['get', 'pods', '--field-selector=status.phase=Running', '-o', 'name'])).trim().split('\n').filter(Boolean).length === CLAIMS ? true : undefined), 120_000);
    const engineVolumes = (await docker.listVolumes({ filters: JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`] }) })).Volumes.map((v) => v.Name).sort();
    assert.deepEqual(engineVolumes, volumes.map((pv) => `podlab-${pv}`).sort(), 'exactly one Docker volume per PersistentVolume');
    for (let i = 0; i < CLAIMS; i++) assert.equal((await kubectlOk(kc, ['exec', `user-${i}`, '--', 'cat', '/data/i'])).trim(), String(i));
  });
});
