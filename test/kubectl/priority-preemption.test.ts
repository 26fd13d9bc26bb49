// Pod priority and preemption on a full node (`podlab serve --runtime
// simulated`, 2 CPUs): a high-priority pod that fits nowhere preempts the
// fewest low-priority pods that make room, runs there, and the room stays
// its own while the victims' replacements wait; events in kube-scheduler's
// words.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const filler = `apiVersion: apps/v1
kind: Deployment
metadata: {name: filler}
spec:
  replicas: 3
  selector: {matchLabels: {app: filler}}
  template:
    metadata: {labels: {app: filler}}
    spec:
      priorityClassName: low
      terminationGracePeriodSeconds: 1
      containers: [{name: f, image: busybox:1.36, command: [sh, -c, 'exec httpd -f -p 80'], resources: {requests: {cpu: 600m}}}]
`;

describe('priority and preemption', { timeout: 120_000 }, () => {
  let serve: PodlabServe;
  const dataDir = tempDir('preemption');
  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '1'], dataDir);
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('a high-priority pod preempts low-priority ones on a full node', async () => {
    const kc = serve.kubeconfig;
    await kubectlOk(kc, ['create', 'priorityclass', 'low', '--value=10']);
    await kubectlOk(kc, ['create', 'priorityclass', 'high', '--value=1000']);
    await kubectlOk(kc, ['apply', '-f', '-'], filler);
    await kubectlOk(kc, ['rollout', 'status', 'deploy/filler', '--timeout=60s']);
    const vip = JSON.stringify({ spec: { priorityClassName: 'high', containers: [{ name: 'vip', image: 'busybox:1.36', command: ['sh', '-c', 'exec httpd -f -p 80'], resources: { requests: { cpu: '1' } } }] } });
    await kubectlOk(kc, ['run', 'vip', '--image=busybox:1.36', `--overrides=${vip}`]);
    await eventually('vip running', async () => ((await kubectlOk(kc, ['get', 'pod', 'vip', '-o', 'jsonpath={.status.phase}'])) === 'Running' ? true : undefined), 60_000);
    const preempted = (await kubectlOk(kc, ['get', 'events', '--field-selector', 'reason=Preempted', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'])).trim().split('\n');
    const uid = (await kubectlOk(kc, ['get', 'pod', 'vip', '-o', 'jsonpath={.metadata.uid}'])).trim();
    assert.equal(preempted.length, 2, 'the two victims that make room, not all three');
    for (const message of preempted) assert.equal(message, `Preempted by pod ${uid} on node node-1`);
    const running = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=filler', '--field-selector=status.phase=Running', '-o', 'name'])).trim().split('\n');
    assert.equal(running.length, 1);
    const waiting = await kubectlOk(kc, ['get', 'events', '--field-selector', 'reason=FailedScheduling', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    assert.match(waiting, /0\/1 nodes are available: 1 Insufficient cpu\. preemption: 0\/1 nodes are available: 1 No preemption victims found for incoming pod\./);
  });
});
