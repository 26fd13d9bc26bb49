// The debugger's Pod Security finding, on refusals made by PodLab's real
// admission (an in-process API server), so a change in how Kubernetes words
// a check fails here too: each failed check in those words, the change that
// passes it, a corrected block that the API server then admits, the patch
// for a workload's template, and the looser level offered last. Its fixes,
// for a pod failing each check of each level, pass Kubernetes' checks.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkedFields } from '../../main/apiserver/admission/podSecurity/checkedFields.ts';
import { aggregate, evaluatePod, failedChecks } from '../../main/apiserver/admission/podSecurity/checkRegistry.ts';
import type { LevelVersion } from '../../main/apiserver/admission/podSecurity/policy.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { applyStrategicMergePatch } from '../../main/apiserver/patch/strategicMergePatch.ts';
import { editTarget, refusalFromDenial } from '../../main/insight/admissionRefusal.ts';
import { emptyCluster } from '../../main/insight/admissionCluster.ts';
import { creatorRefusals } from '../../main/insight/creatorRefusals.ts';
import { diagnoseRefusal } from '../../main/insight/diagnoseRefusal.ts';
import { fixPodSecurity } from '../../main/insight/securityContextFix.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { PodSpec } from '../../main/kube/types/core-v1.ts';
import type { ObjectMeta } from '../../main/kube/types/meta-v1.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const pods = { group: '', version: 'v1', plural: 'pods' };
const now = new Date();
// The schemas the API server merges strategic patches with: containers by name, ports by containerPort.
const schemas = createSchemaServices().lookup;
const deploymentSchema = schemas.forKind({ group: 'apps', version: 'v1', kind: 'Deployment' });
const podSchema = schemas.forKind({ group: '', version: 'v1', kind: 'Pod' });

describe('Pod Security finding, on refusals of the real admission', () => {
  let env: InProcessApi;
  const refusalOf = async (namespace: string, pod: KubeObject) => {
    await assert.rejects(env.client.resource(pods).create(namespace, pod));
    return env.api.admissionDenials.recent(namespace)[0]!;
  };

  before(async () => {
    env = await startInProcessApi();
    for (const [name, level] of [
      ['strict', 'restricted'],
      ['base', 'baseline'],
    ]) {
      await env.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level } } });
    }
  });
  after(async () => env.close());

  it('a root pod: each check in Kubernetes words, a change per check, and a corrected block the API server admits', async () => {
    const pod = { metadata: { name: 'root' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] } } as KubeObject;
    const denial = await refusalOf('strict', pod);
    const [finding, ...others] = diagnoseRefusal(refusalFromDenial(denial), emptyCluster, now);
    assert.equal(others.length, 0);
    assert.equal(finding!.rule, 'pod-security-violation');
    assert.equal(finding!.title, 'Refused by Pod Security "restricted:latest"');
    assert.match(finding!.cause, /^Namespace "strict" enforces the Pod Security level "restricted" \(label pod-security\.kubernetes\.io\/enforce=restricted\)\. The API server checked the create of Pod "root" in namespace strict by kubernetes-admin against it and refused it: nothing was created\. The pod fails 4 checks of "restricted:latest"\. The changes below pass every check/);
    // The evidence repeats each check exactly as the refusal's message lists them.
    const checks = finding!.evidence.filter((e) => e.label.startsWith('Check '));
    assert.deepEqual(
      checks.map((e) => e.label),
      ['Check allowPrivilegeEscalation', 'Check capabilities_restricted', 'Check runAsNonRoot', 'Check seccompProfile_restricted'],
    );
    assert.equal(denial.message, `pods "root" is forbidden: violates PodSecurity "restricted:latest": ${checks.map((e) => e.text).join(', ')}`);
    assert.equal(checks[1]!.text, 'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "NET_ADMIN" in securityContext.capabilities.add)');

    const changes = finding!.changes!;
    assert.deepEqual(
      changes.map((c) => c.what),
      [
        'Passes "allowPrivilegeEscalation != false" (in Pod root)',
        'Passes "unrestricted capabilities" (in Pod root)',
        'Passes "runAsNonRoot != true" (in Pod root)',
        'Passes "seccompProfile" (in Pod root)',
        "The corrected securityContext of the pod and each container: put it in Pod root's spec",
      ],
    );
    assert.equal(changes[0]!.text, 'spec:\n  containers:\n    - name: app\n      securityContext:\n        allowPrivilegeEscalation: false\n');
    assert.equal(changes[1]!.text, 'spec:\n  containers:\n    - name: app\n      securityContext:\n        capabilities:\n          add: null # remove this field\n          drop:\n            - ALL\n');
    assert.match(changes[2]!.text, /^spec:\n  securityContext:\n    runAsNonRoot: true # the kubelet then refuses an image whose USER is root/);
    assert.equal(changes[3]!.text, 'spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n');

    // The corrected block, put in the manifest as it says, is admitted.
    const corrected = parse(changes[4]!.text) as { spec: { securityContext: object; containers: Array<{ name: string; securityContext: object }> } };
    const fixed = structuredClone(pod) as { metadata: ObjectMeta; spec: PodSpec };
    fixed.spec.securityContext = corrected.spec.securityContext;
    fixed.spec.containers[0]!.securityContext = corrected.spec.containers[0]!.securityContext;
    const created = await env.client.resource(pods).create('strict', fixed as unknown as KubeObject);
    assert.equal(created.metadata.name, 'root');

    assert.deepEqual(
      finding!.next.map((n) => n.command),
      ['kubectl apply --dry-run=server -f pod.yaml', 'kubectl get ns strict --show-labels', 'kubectl label ns strict pod-security.kubernetes.io/enforce=privileged --overwrite'],
    );
    assert.match(finding!.next[2]!.what, /^Or, knowingly, loosen the namespace instead: enforce "privileged"/);
  });

  it("a Deployment's pods refused: the FailedCreate event's checks from its template, and a patch that makes the template pass", async () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'strict', uid: 'd-uid' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template } } as KubeObject;
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f7c', namespace: 'strict', uid: 'rs-uid', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }] }, spec: { replicas: 2, template } } as KubeObject;
    // What the ReplicaSet controller gets back for each pod it tries, and says in its event.
    await assert.rejects(env.client.resource(pods).create('strict', { metadata: { generateName: 'web-5d8f7c-', labels: { app: 'web' } }, spec: template.spec } as KubeObject), (err: Error) => {
      const event = { metadata: { name: 'web-5d8f7c.1', namespace: 'strict' }, involvedObject: { kind: 'ReplicaSet', name: 'web-5d8f7c', namespace: 'strict', uid: 'rs-uid' }, reason: 'FailedCreate', type: 'Warning', message: `Error creating: ${err.message}`, count: 7, firstTimestamp: '2025-01-10T10:00:00Z', lastTimestamp: '2025-01-10T10:05:00Z' };
      const [refusal] = creatorRefusals([{ object: rs, events: [event], target: editTarget('Deployment', 'deployments', 'strict', 'web') }]);
      assert.equal(refusal!.source, 'event');
      assert.equal(refusal!.count, 7);
      const [finding] = diagnoseRefusal(refusal!, emptyCluster, now);
      assert.match(finding!.cause, /The ReplicaSet web-5d8f7c creates the Deployment's pods and the API server refuses every one \(7 times so far\), so the Deployment runs no pods\./);
      // The checks run again on the template are the ones the message lists, so nothing says they differ.
      assert.equal(finding!.evidence.filter((e) => e.label.startsWith('Check ')).length, 4);
      assert.ok(!finding!.evidence.some((e) => e.label === 'The template, checked now'));
      assert.ok(finding!.changes!.at(-1)!.text.startsWith('spec:\n  template:\n    spec:\n      securityContext:\n'));
      const patches = finding!.next.filter((n) => n.command.startsWith('kubectl patch deployment web -n strict --type=strategic -p '));
      assert.equal(patches.length, 2);
      // Both patches, applied as kubectl would, give a template the level admits; the second also runs a root image.
      for (const [i, command] of patches.map((p) => p.command).entries()) {
        const patch = JSON.parse(/-p '(.*)'$/.exec(command)![1]!);
        const patched = applyStrategicMergePatch(structuredClone(deployment) as never, patch, deploymentSchema) as unknown as { spec: { template: { metadata: ObjectMeta; spec: PodSpec } } };
        assert.equal(aggregate(evaluatePod({ level: 'restricted', version: 'latest' }, patched.spec.template.metadata, patched.spec.template.spec)).allowed, true, command);
        assert.equal(patched.spec.template.spec.securityContext?.runAsUser, i === 1 ? 1000 : undefined);
        assert.equal(patched.spec.template.spec.containers[0]!.image, 'nginx:1.27');
      }
      return true;
    });
  });

  it('baseline: host namespaces and a privileged container, fixed in the spec and the container; restricted is not offered as looser', async () => {
    const pod = { metadata: { name: 'host' }, spec: { hostNetwork: true, hostPID: true, containers: [{ name: 'agent', image: 'busybox:1.36', securityContext: { privileged: true } }] } } as KubeObject;
    const [finding] = diagnoseRefusal(refusalFromDenial(await refusalOf('base', pod)), emptyCluster, now);
    assert.equal(finding!.title, 'Refused by Pod Security "baseline:latest"');
    assert.deepEqual(
      finding!.evidence.filter((e) => e.label.startsWith('Check ')).map((e) => e.text),
      ['host namespaces (hostNetwork=true, hostPID=true)', 'privileged (container "agent" must not set securityContext.privileged=true)'],
    );
    assert.equal(finding!.changes![0]!.text, 'spec:\n  hostNetwork: false\n  hostPID: false\n');
    assert.equal(finding!.changes![1]!.text, 'spec:\n  containers:\n    - name: agent\n      securityContext:\n        privileged: false\n');
    assert.equal(finding!.next.at(-1)!.command, 'kubectl label ns base pod-security.kubernetes.io/enforce=privileged --overwrite');
  });

  it('a hostPath volume: what to use instead, and the changes said to pass all but it', async () => {
    const pod = { metadata: { name: 'logs' }, spec: { volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }], containers: [{ name: 'tail', image: 'busybox:1.36' }] } } as KubeObject;
    const [finding] = diagnoseRefusal(refusalFromDenial(await refusalOf('strict', pod)), emptyCluster, now);
    assert.match(finding!.cause, /The changes below pass all but restricted volume types, which no securityContext field fixes: Replace volume "varlog" \(hostPath\) with an emptyDir, persistentVolumeClaim, configMap, secret, projected, downwardAPI, csi or ephemeral volume/);
    // Baseline refuses hostPath too: the only looser level is privileged.
    assert.equal(finding!.next.at(-1)!.command, 'kubectl label ns strict pod-security.kubernetes.io/enforce=privileged --overwrite');
  });

  it('a pod that only lacks restricted fields passes baseline: baseline is the looser level offered', async () => {
    const [finding] = diagnoseRefusal(refusalFromDenial(await refusalOf('strict', { metadata: { name: 'plain' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } as KubeObject)), emptyCluster, now);
    assert.equal(finding!.next.at(-1)!.command, 'kubectl label ns strict pod-security.kubernetes.io/enforce=baseline --overwrite');
  });
});

describe('securityContext fixes pass the checks they are for', () => {
  const container = { name: 'app', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
  const compliant = (): { metadata: ObjectMeta; spec: PodSpec } => ({
    metadata: {},
    spec: { initContainers: [{ ...structuredClone(container), name: 'init' }], containers: [structuredClone(container)], securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } } as PodSpec,
  });
  const violations: Array<[string, (p: { metadata: ObjectMeta; spec: PodSpec }) => void]> = [
    ['host namespaces', (p) => Object.assign(p.spec, { hostNetwork: true, hostPID: true, hostIPC: true })],
    ['privileged', (p) => (p.spec.containers[0]!.securityContext!.privileged = true)],
    ['capabilities', (p) => (p.spec.initContainers![0]!.securityContext!.capabilities = { add: ['SYS_ADMIN', 'NET_BIND_SERVICE'], drop: ['NET_RAW'] })],
    ['hostPorts', (p) => (p.spec.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080 }, { containerPort: 443 }])],
    ['AppArmor profile', (p) => (p.spec.containers[0]!.securityContext!.appArmorProfile = { type: 'Unconfined' })],
    ['AppArmor annotation', (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' })],
    [
      'seLinuxOptions',
      (p) => {
        p.spec.securityContext!.seLinuxOptions = { type: 'spc_t', level: 's0:c1' };
        p.spec.containers[0]!.securityContext!.seLinuxOptions = { user: 'root', role: 'sysadm_r' };
      },
    ],
    ['procMount', (p) => (p.spec.containers[0]!.securityContext!.procMount = 'Unmasked')],
    ['seccomp Unconfined', (p) => (p.spec.securityContext!.seccompProfile = { type: 'Unconfined' })],
    ['sysctls', (p) => (p.spec.securityContext!.sysctls = [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }])],
    ['hostProcess', (p) => (p.spec.containers[0]!.securityContext!.windowsOptions = { hostProcess: true })],
    ['allowPrivilegeEscalation', (p) => delete p.spec.initContainers![0]!.securityContext!.allowPrivilegeEscalation],
    [
      'runAsNonRoot false',
      (p) => {
        p.spec.securityContext!.runAsNonRoot = false;
        p.spec.containers[0]!.securityContext!.runAsNonRoot = false;
      },
    ],
    ['runAsNonRoot unset', (p) => delete p.spec.securityContext!.runAsNonRoot],
    ['runAsUser 0', (p) => (p.spec.initContainers![0]!.securityContext!.runAsUser = 0)],
    [
      'seccomp unset',
      (p) => {
        delete p.spec.securityContext!.seccompProfile;
        p.spec.initContainers![0]!.securityContext!.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
      },
    ],
  ];
  const levels: LevelVersion[] = [
    { level: 'baseline', version: 'latest' },
    { level: 'restricted', version: 'latest' },
    { level: 'restricted', version: 24 },
  ];
  for (const [name, change] of violations) {
    it(name, () => {
      const pod = compliant();
      change(pod);
      for (const lv of levels) {
        const checks = failedChecks(lv, pod.metadata, pod.spec);
        const fix = fixPodSecurity(lv, checkedFields(pod.metadata, pod.spec), checks, ['spec']);
        assert.deepEqual(fix.remaining, [], `${name} at ${lv.level}:${lv.version}`);
        for (const f of fix.fixes) assert.ok(f.yaml, `${f.check.id} has a change`);
      }
    });
  }

  it('the per-check changes are what a strategic merge patch of the pod needs: applied one after another, the pod passes', () => {
    const pod = compliant();
    for (const [, change] of violations) change(pod);
    const lv: LevelVersion = { level: 'restricted', version: 'latest' };
    const fix = fixPodSecurity(lv, checkedFields(pod.metadata, pod.spec), failedChecks(lv, pod.metadata, pod.spec), ['spec']);
    let patched = { apiVersion: 'v1', kind: 'Pod', ...structuredClone(pod) } as unknown as Record<string, unknown>;
    for (const f of fix.fixes) patched = applyStrategicMergePatch(patched as never, parse(f.yaml!), podSchema) as unknown as Record<string, unknown>;
    const { metadata, spec } = patched as unknown as { metadata: ObjectMeta; spec: PodSpec };
    assert.deepEqual(failedChecks(lv, metadata, spec), []);
    assert.deepEqual(spec.containers[0]!.ports, [{ containerPort: 80 }, { containerPort: 443 }]);
  });
});
