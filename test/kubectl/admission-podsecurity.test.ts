// Admission as a user meets it through kubectl (`podlab serve --runtime
// simulated`): PodSecurity's namespace labels, with a server dry run listing
// the running pods a tighter level would refuse, root pods refused in
// kube-apiserver's words, compliant pods let in, workloads warned about their
// templates (and their ReplicaSet's FailedCreate events); and a
// ValidatingAdmissionPolicy capping Deployment replicas, scale included.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';
import { deploymentYaml } from '../helpers/manifests.ts';

// What the restricted level says of a container that sets no securityContext (pod-security-admission v1.32).
const violations = (container: string) =>
  `allowPrivilegeEscalation != false (container "${container}" must set securityContext.allowPrivilegeEscalation=false), ` +
  `unrestricted capabilities (container "${container}" must set securityContext.capabilities.drop=["ALL"]), ` +
  `runAsNonRoot != true (pod or container "${container}" must set securityContext.runAsNonRoot=true), ` +
  `seccompProfile (pod or container "${container}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`;

const privileged = JSON.stringify({ spec: { containers: [{ name: 'priv', image: 'busybox:1.36', securityContext: { privileged: true } }] } });

const compliant = JSON.stringify({
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'ok', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  },
});

const replicaLimit = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments, deployments/scale]
  validations:
  - expression: object.spec.replicas <= 5
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replica-limit-binding}
spec:
  policyName: replica-limit
  validationActions: [Deny]
`;

const deployment = (name: string, replicas: number) => deploymentYaml(name, replicas, `{name: web, image: busybox:1.36, command: [sh, -c, 'exec httpd -f -p 80']}`);

describe('admission through kubectl', { timeout: 240_000 }, () => {
  let serve: PodlabServe;
  let kc: string;
  const dataDir = tempDir('admission');
  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated'], dataDir);
    kc = serve.kubeconfig;
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('PodSecurity: a restricted namespace lists its violating pods, refuses a root pod, admits a compliant one and warns about templates', async () => {
    assert.equal((await kubectlOk(kc, ['create', 'ns', 'demo'])).trim(), 'namespace/demo created');
    await kubectlOk(kc, ['-n', 'demo', 'run', 'priv', '--image=busybox:1.36', `--overrides=${privileged}`]);

    // A server dry run says which running pods the new level would refuse, and labels nothing.
    const dry = await kubectl(kc, ['label', 'ns', 'demo', 'pod-security.kubernetes.io/enforce=restricted', '--dry-run=server']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout.trim(), 'namespace/demo labeled (server dry run)');
    assert.equal(
      dry.stderr,
      'Warning: existing pods in namespace "demo" violate the new PodSecurity enforce level "restricted:latest"\n' +
        'Warning: priv: privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile\n',
    );
    assert.equal(await kubectlOk(kc, ['get', 'ns', 'demo', '-o', 'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}']), '');

    const labelled = await kubectl(kc, ['label', 'ns', 'demo', 'pod-security.kubernetes.io/enforce=restricted']);
    assert.equal(labelled.code, 0, labelled.stderr);
    assert.equal(labelled.stdout.trim(), 'namespace/demo labeled');
    assert.match(labelled.stderr, /^Warning: priv: privileged, allowPrivilegeEscalation != false/m);
    // The running pod stays: enforcement is for what is admitted next.
    assert.equal((await kubectlOk(kc, ['-n', 'demo', 'get', 'pod', 'priv', '-o', 'name'])).trim(), 'pod/priv');

    const root = await kubectl(kc, ['-n', 'demo', 'run', 'root', '--image=busybox:1.36']);
    assert.equal(root.code, 1);
    assert.equal(root.stderr.trim(), `Error from server (Forbidden): pods "root" is forbidden: violates PodSecurity "restricted:latest": ${violations('root')}`);
    assert.equal(root.stdout, '');

    const ok = await kubectl(kc, ['-n', 'demo', 'run', 'ok', '--image=busybox:1.36', `--overrides=${compliant}`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), 'pod/ok created');
    assert.equal(ok.stderr, '');

    // A workload is admitted with a warning; its pods are what gets refused.
    const web = await kubectl(kc, ['-n', 'demo', 'create', 'deployment', 'web', '--image=busybox:1.36']);
    assert.equal(web.code, 0, web.stderr);
    assert.equal(web.stdout.trim(), 'deployment.apps/web created');
    assert.equal(web.stderr.trim(), `Warning: would violate PodSecurity "restricted:latest": ${violations('busybox')}`);
    const failed = await eventually(
      'the ReplicaSet reports FailedCreate',
      async () => {
        const out = await kubectlOk(kc, ['-n', 'demo', 'get', 'events', '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={range .items[*]}{.involvedObject.kind} {.message}{"\\n"}{end}']);
        return out.trim() ? out.trim().split('\n')[0] : undefined;
      },
      60_000,
    );
    assert.match(failed, /^ReplicaSet Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": /);
    assert.ok(failed.endsWith(violations('busybox')), failed);
    assert.equal((await kubectlOk(kc, ['-n', 'demo', 'get', 'pods', '-l', 'app=web', '-o', 'name'])).trim(), '');
  });

  it('ValidatingAdmissionPolicy: Deployments past 5 replicas are refused, created or scaled', async () => {
    const applied = await kubectlOk(kc, ['apply', '-f', '-'], replicaLimit);
    assert.equal(applied.trim(), 'validatingadmissionpolicy.admissionregistration.k8s.io/replica-limit created\nvalidatingadmissionpolicybinding.admissionregistration.k8s.io/replica-limit-binding created');
    const denied = (name: string) => `The deployments "${name}" is invalid: : ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: failed expression: object.spec.replicas <= 5`;

    assert.equal((await kubectlOk(kc, ['create', '-f', '-'], deployment('capped', 3))).trim(), 'deployment.apps/capped created');
    const scaled = await kubectl(kc, ['scale', 'deploy', 'capped', '--replicas=7']);
    assert.equal(scaled.code, 1);
    assert.equal(scaled.stderr.trim(), denied('capped'));
    assert.equal(await kubectlOk(kc, ['get', 'deploy', 'capped', '-o', 'jsonpath={.spec.replicas}']), '3');
    assert.equal((await kubectlOk(kc, ['scale', 'deploy', 'capped', '--replicas=5'])).trim(), 'deployment.apps/capped scaled');

    const big = await kubectl(kc, ['create', '-f', '-'], deployment('big', 7));
    assert.equal(big.code, 1);
    assert.equal(big.stderr.trim(), denied('big'));
    const missing = await kubectl(kc, ['get', 'deploy', 'big']);
    assert.match(missing.stderr, /NotFound/);
  });
});
