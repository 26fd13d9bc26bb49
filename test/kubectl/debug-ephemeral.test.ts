// `kubectl debug` against a Docker cluster (`podlab serve --runtime docker`):
// an ephemeral container added through pods/ephemeralcontainers runs in the
// pod, sees the target container's processes (--target), takes kubectl's
// stdin and answers through the attach (-i), reports its status under ephemeralContainerStatuses without
// touching the pod's readiness, and is never restarted. The subresource
// refuses what kube-apiserver refuses, in its words: ephemeral containers on
// create, removing or changing one, ports, an unknown target.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `dbg-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('debug-ephemeral');

const pod = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: busybox:1.36, command: [httpd, -f, -p, '8080']}
`;

interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  state: { running?: object; terminated?: { exitCode: number; reason: string } };
}
type PodJson = { spec: { ephemeralContainers?: Array<Record<string, unknown>> }; status: { phase: string; ephemeralContainerStatuses?: ContainerStatus[]; containerStatuses: ContainerStatus[] } };

describe('kubectl debug: ephemeral containers', { timeout: 300_000 }, () => {
  let serve: PodlabServe;
  let kc: string;
  let api: ApiTarget;
  const getPod = async () => JSON.parse(await kubectlOk(kc, ['get', 'pod', 'web', '-o', 'json'])) as PodJson;
  const ephemeralStatus = async (name: string) => (await getPod()).status.ephemeralContainerStatuses?.find((s) => s.name === name);
  const patchEphemeral = (containers: Array<Record<string, unknown>>) =>
    rawRequest(api, 'PATCH', '/api/v1/namespaces/default/pods/web/ephemeralcontainers', JSON.stringify({ spec: { ephemeralContainers: containers } }), { 'Content-Type': 'application/merge-patch+json' });

  before(async () => {
    await reserveSubnet(dataDir);
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '1'], dataDir);
    kc = serve.kubeconfig;
    api = targetFromKubeconfig(kc);
    await kubectlOk(kc, ['apply', '-f', '-'], pod);
    await kubectlOk(kc, ['wait', '--for=condition=Ready', 'pod/web', '--timeout=120s']);
  });
  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  it('--target: the debugging container sees the target\'s processes; it ends Completed, is not restarted, and the pod stays Ready', async () => {
    await kubectlOk(kc, ['debug', 'web', '--image=busybox:1.36', '--target=app', '--container=dbg', '--profile=general', '--', 'sh', '-c', 'ps; echo from-debug']);
    await eventually('dbg ran to completion', async () => (await ephemeralStatus('dbg'))?.state.terminated?.reason === 'Completed', 60_000);
    const log = await kubectlOk(kc, ['logs', 'web', '-c', 'dbg']);
    assert.match(log, /httpd -f -p 8080/, 'the target container\'s process is in its PID namespace');
    assert.match(log, /from-debug/);
    const status = (await ephemeralStatus('dbg'))!;
    assert.equal(status.ready, false);
    assert.equal(status.restartCount, 0);
    const current = await getPod();
    assert.equal(current.status.phase, 'Running');
    assert.deepEqual(current.status.containerStatuses.map((s) => [s.name, s.ready]), [['app', true]]);
    // kubectl's own view: describe prints the section, the events name the container by its field path.
    assert.match(await kubectlOk(kc, ['describe', 'pod', 'web']), /Ephemeral Containers:\n  dbg:[\s\S]*Reason:\s+Completed/);
    const events = await kubectlOk(kc, ['get', 'events', '--field-selector', 'involvedObject.name=web,involvedObject.fieldPath=spec.ephemeralContainers{dbg}', '-o', 'jsonpath={.items[*].reason}']);
    assert.deepEqual(events.split(' ').filter((r) => r !== 'Pulled').sort(), ['Created', 'Started']);
  });

  it('-i: what kubectl reads on its stdin reaches the debugging container through attach', async () => {
    const result = await kubectl(kc, ['debug', '-i', 'web', '--image=busybox:1.36', '--container=shell', '--profile=general', '--', 'sh'], 'echo typed-into-debug\nexit\n');
    assert.equal(result.code, 0, result.stderr);
    // The answer comes back through the attach although kubectl's stdin ended first: the container (no stdinOnce)
    // keeps its stdin open and its output flowing, as under CRI; Docker alone would have ended the attach.
    assert.match(result.stdout, /typed-into-debug/);
    await eventually('the shell ran what was typed and ended', async () => (await ephemeralStatus('shell'))?.state.terminated?.exitCode === 0, 60_000);
    assert.match(await kubectlOk(kc, ['logs', 'web', '-c', 'shell']), /typed-into-debug/);
    // The sync that started this one found dbg ended, and left it so: ephemeral containers never restart.
    const dbg = (await ephemeralStatus('dbg'))!;
    assert.equal(dbg.restartCount, 0);
    assert.equal(dbg.state.terminated?.reason, 'Completed');
  });

  it('refuses what kube-apiserver refuses, in its words', async () => {
    const onCreate = await kubectl(kc, ['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: with-ephemeral}
spec:
  containers: [{name: app, image: busybox:1.36}]
  ephemeralContainers: [{name: dbg, image: busybox:1.36}]
`);
    assert.match(onCreate.stderr, /Pod "with-ephemeral" is invalid: spec\.ephemeralContainers: Forbidden: cannot be set on create/);

    const existing = (await getPod()).spec.ephemeralContainers!;
    const removed = await patchEphemeral(existing.filter((c) => c.name !== 'dbg'));
    assert.equal(removed.status, 422);
    assert.match(removed.json().message, /spec\.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed/);
    const changed = await patchEphemeral(existing.map((c) => (c.name === 'dbg' ? { ...c, image: 'busybox:latest' } : c)));
    assert.match(changed.json().message, /existing ephemeral containers "dbg" may not be changed/);

    const bad = await patchEphemeral([...existing, { name: 'bad', image: 'busybox:1.36', targetContainerName: 'nope', ports: [{ containerPort: 80 }], readinessProbe: { exec: { command: ['true'] } } }]);
    assert.equal(bad.status, 422);
    const causes = bad.json().details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);
    assert.ok(causes.includes('spec.ephemeralContainers[2].targetContainerName: Not found: "nope"'), causes.join('\n'));
    assert.ok(causes.includes('spec.ephemeralContainers[2].ports: Forbidden: cannot be set for an Ephemeral Container'), causes.join('\n'));
    assert.ok(causes.includes('spec.ephemeralContainers[2].readinessProbe: Forbidden: cannot be set for an Ephemeral Container'), causes.join('\n'));
    const duplicate = await patchEphemeral([...existing, { name: 'app', image: 'busybox:1.36' }]);
    assert.match(duplicate.json().message, /spec\.ephemeralContainers\[2\]\.name: Duplicate value: "app"/);

    // Only the ephemeral containers change through the subresource: anything else the request carries is dropped.
    const sneaky = await rawRequest(api, 'PATCH', '/api/v1/namespaces/default/pods/web/ephemeralcontainers', JSON.stringify({ metadata: { labels: { sneaky: 'yes' } }, spec: { activeDeadlineSeconds: 5 } }), { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(sneaky.status, 200, sneaky.body);
    const after = (await getPod()) as PodJson & { metadata: { labels?: Record<string, string> }; spec: { activeDeadlineSeconds?: number } };
    assert.equal(after.metadata.labels?.sneaky, undefined);
    assert.equal(after.spec.activeDeadlineSeconds, undefined);

    // A pod update through the main resource cannot add one either.
    const viaPod = await rawRequest(api, 'PATCH', '/api/v1/namespaces/default/pods/web', JSON.stringify({ spec: { ephemeralContainers: [...existing, { name: 'late', image: 'busybox:1.36' }] } }), { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(viaPod.status, 422, viaPod.body);
  });
});
