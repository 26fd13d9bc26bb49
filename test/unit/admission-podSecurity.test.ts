// Pod Security admission: each level against representative pods written
// after Kubernetes' own fixtures (k8s.io/pod-security-admission test/testdata:
// one passing pod per level, one failing pod per check), with the exact
// reasons and details kube-apiserver prints; then the plugin in an API server:
// enforce refuses, warn warns on pods and pod templates, namespace label
// changes list violating pods.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, evaluatePod } from '../../main/apiserver/admission/podSecurity/checkRegistry.ts';
import { policyToEvaluate, type LevelVersion } from '../../main/apiserver/admission/podSecurity/policy.ts';
import type { PodSpec } from '../../main/kube/types/core-v1.ts';
import type { ObjectMeta } from '../../main/kube/types/meta-v1.ts';
import { StatusError } from '../../main/apiserver/errors.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const restrictedContainer = {
  name: 'app',
  image: 'registry.k8s.io/pause',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

/** A pod every level accepts: the base the failing fixtures change one thing of. */
function restrictedPod(): { metadata: ObjectMeta; spec: PodSpec } {
  return {
    metadata: { name: 'p' },
    spec: {
      containers: [structuredClone(restrictedContainer)],
      initContainers: [{ ...structuredClone(restrictedContainer), name: 'init' }],
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    } as PodSpec,
  };
}

function detail(lv: LevelVersion, pod: { metadata: ObjectMeta; spec: PodSpec }): string {
  const result = aggregate(evaluatePod(lv, pod.metadata, pod.spec));
  return result.allowed ? 'allowed' : result.forbiddenDetail;
}

const latest = (level: LevelVersion['level']): LevelVersion => ({ level, version: 'latest' });

function variant(change: (pod: { metadata: ObjectMeta; spec: PodSpec }) => void) {
  const pod = restrictedPod();
  change(pod);
  return pod;
}

describe('Pod Security levels', () => {
  it('privileged allows anything; the restricted pod passes every level', () => {
    assert.equal(detail(latest('privileged'), variant((p) => (p.spec.hostNetwork = true))), 'allowed');
    for (const level of ['baseline', 'restricted'] as const) assert.equal(detail(latest(level), restrictedPod()), 'allowed');
  });

  it('a bare pod passes baseline and fails restricted with Kubernetes message', () => {
    const bare = { metadata: { name: 'root' }, spec: { containers: [{ name: 'root', image: 'busybox:1.36' }] } as PodSpec };
    assert.equal(detail(latest('baseline'), bare), 'allowed');
    assert.equal(
      detail(latest('restricted'), bare),
      'allowPrivilegeEscalation != false (container "root" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "root" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "root" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "root" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  const baselineFailures: Array<[string, (pod: { metadata: ObjectMeta; spec: PodSpec }) => void, string]> = [
    ['hostNamespaces', (p) => Object.assign(p.spec, { hostNetwork: true, hostPID: true, hostIPC: true }), 'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)'],
    ['privileged', (p) => (p.spec.containers[0].securityContext!.privileged = true), 'privileged (container "app" must not set securityContext.privileged=true)'],
    [
      'capabilities',
      (p) => {
        p.spec.containers[0].securityContext!.capabilities!.add = ['SYS_ADMIN', 'NET_RAW', 'CHOWN'];
        p.spec.initContainers![0].securityContext!.capabilities!.add = ['BPF'];
      },
      'non-default capabilities (containers "init", "app" must not include "BPF", "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
    ],
    ['hostPathVolumes', (p) => (p.spec.volumes = [{ name: 'root', hostPath: { path: '/' } }, { name: 'etc', hostPath: { path: '/etc' } }]), 'hostPath volumes (volumes "root", "etc")'],
    [
      'hostPorts',
      (p) => {
        p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }, { containerPort: 443, hostPort: 10443 }];
      },
      'hostPort (container "app" uses hostPorts 10443, 8080)',
    ],
    ['appArmorProfile', (p) => (p.spec.securityContext!.appArmorProfile = { type: 'Unconfined' }), 'forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")'],
    [
      'appArmor annotation',
      (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    ],
    [
      'seLinuxOptions',
      (p) => {
        p.spec.securityContext!.seLinuxOptions = { type: 'spc_t' };
        p.spec.containers[0].securityContext!.seLinuxOptions = { user: 'root', role: 'sysadm_r' };
      },
      'seLinuxOptions (pod and container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)',
    ],
    ['procMount', (p) => (p.spec.containers[0].securityContext!.procMount = 'Unmasked'), 'procMount (container "app" must not set securityContext.procMount to "Unmasked")'],
    ['seccompProfile', (p) => (p.spec.securityContext!.seccompProfile = { type: 'Unconfined' }), 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'],
    ['sysctls', (p) => (p.spec.securityContext!.sysctls = [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }]), 'forbidden sysctls (kernel.msgmax)'],
    [
      'windowsHostProcess',
      (p) => (p.spec.containers[0].securityContext!.windowsOptions = { hostProcess: true }),
      'hostProcess (container "app" must not set securityContext.windowsOptions.hostProcess=true)',
    ],
  ];
  for (const [check, change, expected] of baselineFailures) {
    it(`baseline check ${check}`, () => {
      assert.equal(detail(latest('baseline'), variant(change)), expected);
      // Restricted includes every Baseline check, or the Restricted check that replaces it.
      const replacedBy: Record<string, string> = { capabilities: 'unrestricted capabilities', hostPathVolumes: 'restricted volume types' };
      const reason = replacedBy[check] ?? expected.split(' (')[0];
      assert.ok(detail(latest('restricted'), variant(change)).startsWith(`${reason} (`) || detail(latest('restricted'), variant(change)).includes(`, ${reason} (`));
    });
  }

  const restrictedFailures: Array<[string, (pod: { metadata: ObjectMeta; spec: PodSpec }) => void, string]> = [
    ['allowPrivilegeEscalation', (p) => (p.spec.containers[0].securityContext!.allowPrivilegeEscalation = true), 'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)'],
    [
      'capabilities_restricted',
      (p) => (p.spec.containers[0].securityContext!.capabilities = { add: ['NET_BIND_SERVICE', 'CHOWN'] }),
      'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "CHOWN" in securityContext.capabilities.add)',
    ],
    [
      'restrictedVolumes',
      (p) => (p.spec.volumes = [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'nfs', nfs: { server: 's', path: '/' } }, { name: 'host', hostPath: { path: '/' } }]),
      'restricted volume types (volumes "nfs", "host" use restricted volume types "hostPath", "nfs")',
    ],
    [
      'runAsNonRoot',
      (p) => {
        p.spec.securityContext!.runAsNonRoot = false;
        p.spec.containers[0].securityContext!.runAsNonRoot = false;
      },
      'runAsNonRoot != true (pod and container "app" must not set securityContext.runAsNonRoot=false)',
    ],
    ['runAsUser', (p) => (p.spec.initContainers![0].securityContext!.runAsUser = 0), 'runAsUser=0 (container "init" must not set runAsUser=0)'],
    [
      'seccompProfile_restricted',
      (p) => {
        delete p.spec.securityContext!.seccompProfile;
        p.spec.initContainers![0].securityContext!.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
      },
      'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ],
  ];
  for (const [check, change, expected] of restrictedFailures) {
    it(`restricted check ${check}`, () => {
      assert.equal(detail(latest('restricted'), variant(change)), expected);
    });
  }

  it('checks change with the policy version', () => {
    const rmem = variant((p) => (p.spec.securityContext!.sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '1' }]));
    assert.equal(detail({ level: 'baseline', version: 32 }, rmem), 'allowed');
    assert.equal(detail({ level: 'baseline', version: 31 }, rmem), 'forbidden sysctls (net.ipv4.tcp_rmem)');
    const engine = variant((p) => (p.spec.securityContext!.seLinuxOptions = { type: 'container_engine_t' }));
    assert.equal(detail({ level: 'baseline', version: 31 }, engine), 'allowed');
    assert.equal(detail({ level: 'baseline', version: 30 }, engine), 'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "container_engine_t")');
    // Before 1.22 restricted did not require dropping ALL capabilities; before 1.23 it allowed runAsUser=0.
    const noDrop = variant((p) => {
      p.spec.containers[0].securityContext!.capabilities = {};
      p.spec.securityContext!.runAsUser = 0;
    });
    assert.equal(detail({ level: 'restricted', version: 21 }, noDrop), 'allowed');
    assert.equal(detail({ level: 'restricted', version: 23 }, noDrop), 'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsUser=0 (pod must not set runAsUser=0)');
    // A version newer than the newest check is the newest.
    assert.equal(detail({ level: 'baseline', version: 40 }, rmem), 'allowed');
  });

  it('Linux-only restricted requirements skip Windows pods from 1.25', () => {
    const windows = { metadata: {}, spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'w', image: 'i' }] } as PodSpec };
    assert.equal(detail({ level: 'restricted', version: 25 }, windows), 'allowed');
    assert.match(detail({ level: 'restricted', version: 24 }, windows), /^allowPrivilegeEscalation != false/);
  });
});

describe('Pod Security namespace labels', () => {
  it('reads levels and versions; warn follows a stricter enforce', () => {
    const { policy, errors } = policyToEvaluate({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.29' });
    assert.deepEqual(errors, []);
    assert.deepEqual(policy, { enforce: { level: 'baseline', version: 29 }, audit: { level: 'privileged', version: 'latest' }, warn: { level: 'baseline', version: 29 } });
  });

  it('invalid values are errors; enforce fails closed, warn open', () => {
    const { policy, errors } = policyToEvaluate({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn': 'loud', 'pod-security.kubernetes.io/warn-version': '1.25' });
    assert.equal(policy.enforce.level, 'restricted');
    assert.equal(policy.warn.level, 'privileged');
    assert.deepEqual(
      errors.map((e) => [e.field, e.detail]),
      [
        ['metadata.labels[pod-security.kubernetes.io/enforce]', 'must be one of privileged, baseline, restricted'],
        ['metadata.labels[pod-security.kubernetes.io/warn]', 'must be one of privileged, baseline, restricted'],
        ['metadata.labels[pod-security.kubernetes.io/warn-version]', 'must be "latest" or "v1.x"'],
      ],
    );
  });
});

describe('PodSecurity admission plugin', () => {
  let env: InProcessApi;
  before(async () => (env = await startInProcessApi()));
  after(async () => env.close());

  async function write(verb: 'create' | 'update' | 'patch', resource: string, namespace: string, body: unknown, extra: { group?: string; name?: string; dryRun?: boolean } = {}) {
    const group = extra.group ?? '';
    const info = { isResourceRequest: true as const, path: '', group, version: 'v1', namespace, resource, name: extra.name ?? '', subresource: '', verb };
    const query = new URLSearchParams(extra.dryRun ? { dryRun: 'All' } : {});
    const result = await env.api.dispatcher.handle({ user: adminUser, info, query, body, contentType: verb === 'patch' ? 'application/merge-patch+json' : undefined });
    assert.equal(result.type, 'object');
    return result as { type: 'object'; object: unknown; warnings: string[] };
  }

  const pod = (name: string) => ({ metadata: { name }, spec: { containers: [{ name, image: 'busybox:1.36' }] } });

  it('enforce refuses pods with 403 and the violations; warn warns', async () => {
    await write('create', 'namespaces', '', { metadata: { name: 'demo', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    try {
      await write('create', 'pods', 'demo', pod('root'));
      assert.fail('expected a refusal');
    } catch (err) {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 403);
      assert.equal(err.status.reason, 'Forbidden');
      assert.equal(
        err.message,
        'pods "root" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "root" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "root" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "root" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "root" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      );
    }
    const compliant = restrictedPod();
    const created = await write('create', 'pods', 'demo', { metadata: { name: 'ok' }, spec: compliant.spec });
    assert.deepEqual(created.warnings, []);

    await write('create', 'namespaces', '', { metadata: { name: 'warned', labels: { 'pod-security.kubernetes.io/warn': 'baseline' } } });
    const warned = await write('create', 'pods', 'warned', { ...pod('net'), spec: { hostNetwork: true, containers: [{ name: 'net', image: 'busybox:1.36' }] } });
    assert.deepEqual(warned.warnings, ['would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)']);
  });

  it('workload templates get the warning, never a refusal', async () => {
    const deployment = {
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox:1.36' }] } } },
    };
    const result = await write('create', 'deployments', 'demo', deployment, { group: 'apps' });
    assert.deepEqual(result.warnings, [
      'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
  });

  it('tightening a namespace lists the pods that would violate it; bad labels are refused', async () => {
    await write('create', 'namespaces', '', { metadata: { name: 'open' } });
    for (const name of ['a', 'b', 'c']) await write('create', 'pods', 'open', pod(name));
    await write('create', 'pods', 'open', { metadata: { name: 'host' }, spec: { hostPID: true, containers: [{ name: 'h', image: 'busybox:1.36' }] } });
    const result = await write('patch', 'namespaces', '', { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }, { name: 'open', dryRun: true });
    assert.deepEqual(result.warnings, ['existing pods in namespace "open" violate the new PodSecurity enforce level "baseline:latest"', 'host: host namespaces']);
    const restricted = await write('patch', 'namespaces', '', { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }, { name: 'open' });
    assert.deepEqual(restricted.warnings, [
      'existing pods in namespace "open" violate the new PodSecurity enforce level "restricted:latest"',
      'a (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      'host: host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
    try {
      await write('patch', 'namespaces', '', { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'strict' } } }, { name: 'open' });
      assert.fail('expected a refusal');
    } catch (err) {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 422);
      assert.equal(err.message, 'Namespace "open" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
    }
  });
});
