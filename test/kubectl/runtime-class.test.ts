// RuntimeClasses on a Docker cluster, as the docs' "Runtime Class" page uses
// them: a class whose handler is one of the engine's runtimes runs its pods
// with it (the sandbox and the containers), its overhead and scheduling
// written into the pod by the RuntimeClass admission plugin; a handler the
// engine lacks leaves the pod in ContainerCreating with the kubelet's
// FailedCreatePodSandBox event; a class that does not exist, or an overhead
// without one, is refused at create; the handler is fixed once created.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { diagnosePod } from '../../main/insight/diagnosePod.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `rtc-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('runtime-class');

const classes = `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: standard}
handler: runc
overhead:
  podFixed: {cpu: 50m, memory: 20Mi}
scheduling:
  nodeSelector: {kubernetes.io/os: linux}
  tolerations: [{key: sandboxed, operator: Exists, effect: NoSchedule}]
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc
`;

const pod = (name: string, runtimeClass: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  runtimeClassName: ${runtimeClass}
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: 'busybox:1.36', command: [sleep, '3600']}
${extra}`;

describe('RuntimeClasses on Docker', { timeout: 240_000 }, () => {
  let serve: PodlabServe;
  let kc: string;

  before(async () => {
    await reserveSubnet(dataDir);
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '1'], dataDir);
    kc = serve.kubeconfig;
    await kubectlOk(kc, ['apply', '-f', '-'], classes);
  });
  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  it('runs a pod with its class\'s handler, overhead and scheduling', async () => {
    assert.match(await kubectlOk(kc, ['get', 'runtimeclass', 'standard']), /^NAME\s+HANDLER\s+AGE\nstandard\s+runc\s+\S+\n$/);
    await kubectlOk(kc, ['apply', '-f', '-'], pod('sandboxed', 'standard'));
    await kubectlOk(kc, ['wait', '--for=condition=Ready', 'pod/sandboxed', '--timeout=120s']);
    const spec = JSON.parse(await kubectlOk(kc, ['get', 'pod', 'sandboxed', '-o', 'jsonpath={.spec}']));
    assert.deepEqual(spec.overhead, { cpu: '50m', memory: '20Mi' });
    assert.deepEqual(spec.nodeSelector, { 'kubernetes.io/os': 'linux' });
    assert.ok(spec.tolerations.some((t: { key?: string }) => t.key === 'sandboxed'));
    const containers = execFileSync('docker', ['ps', '-q', '--filter', 'label=io.kubernetes.pod.name=sandboxed', '--filter', `label=podlab.cluster=${cluster}`], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(containers.length, 2, 'the sandbox and the app container');
    for (const id of containers) assert.equal(execFileSync('docker', ['inspect', '-f', '{{.HostConfig.Runtime}}', id], { encoding: 'utf8' }).trim(), 'runc');
  });

  it('a handler the engine lacks leaves the pod ContainerCreating, saying why', async () => {
    await kubectlOk(kc, ['apply', '-f', '-'], pod('gvisor', 'gvisor'));
    const event = await eventually('the sandbox failure', async () => {
      const events = await kubectlOk(kc, ['get', 'events', '--field-selector', 'involvedObject.name=gvisor,reason=FailedCreatePodSandBox', '-o', 'jsonpath={.items[0].message}']);
      return events || undefined;
    });
    assert.match(event, /^Failed to create pod sandbox: .*(Unknown runtime specified|unknown or invalid runtime name:) runsc/);
    await eventually('ContainerCreating', async () => /gvisor\s+0\/1\s+ContainerCreating/.test(await kubectlOk(kc, ['get', 'pod', 'gvisor'])), 30_000);
    // The debugger reads the same pod and events and names the class and the missing runtime.
    const livePod = JSON.parse(await kubectlOk(kc, ['get', 'pod', 'gvisor', '-o', 'json']));
    const events = JSON.parse(await kubectlOk(kc, ['get', 'events', '--field-selector', 'involvedObject.name=gvisor', '-o', 'json'])).items;
    const nodes = JSON.parse(await kubectlOk(kc, ['get', 'nodes', '-o', 'json'])).items;
    const [finding] = diagnosePod({ pod: livePod, events, nodes, previousLogs: {} });
    assert.equal(finding?.title, 'RuntimeClass "gvisor": the node has no runtime "runsc"');
  });

  it('refuses what kube-apiserver refuses', async () => {
    assert.match((await kubectl(kc, ['apply', '-f', '-'], pod('nowhere', 'missing'))).stderr, /pods "nowhere" is forbidden: pod rejected: RuntimeClass "missing" not found/);
    const overhead = `apiVersion: v1
kind: Pod
metadata: {name: heavy}
spec:
  overhead: {cpu: 1}
  containers: [{name: app, image: 'busybox:1.36'}]
`;
    assert.match((await kubectl(kc, ['apply', '-f', '-'], overhead)).stderr, /pod rejected: RuntimeClass has no Overhead defined, but Pod has Overhead set/);
    assert.match((await kubectl(kc, ['patch', 'runtimeclass', 'gvisor', '--type=merge', '-p', '{"handler":"kata"}'])).stderr, /handler: Invalid value: "kata": field is immutable/);
    assert.match((await kubectl(kc, ['create', '-f', '-'], 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: bad}\nhandler: Not_A_Label\n')).stderr, /handler: Invalid value: "Not_A_Label": a lowercase RFC 1123 label must consist of/);
  });
});
