// RBAC, service account tokens and impersonation as a kubectl user meets
// them: the real kubectl against `podlab serve`. `kubectl auth can-i` for the
// admin and, with --as, for a service account; `kubectl auth whoami`;
// `kubectl create token`, that token used as --token and refused with
// Kubernetes' own 403; a Role and RoleBinding turning "no" into "yes".

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, targetFromKubeconfig } from '../helpers/apiClient.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';

const defaultSa = 'system:serviceaccount:default:default';
const listPodsForbidden = `pods is forbidden: User "${defaultSa}" cannot list resource "pods" in API group "" in the namespace "default"`;

describe('RBAC with kubectl', () => {
  let serve: PodlabServe;
  let kc: string;
  let token: string;

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'kubectl-rbac']);
    kc = serve.kubeconfig;
    // The serviceaccount controller makes `default` right after the namespace.
    await eventually('the default service account', () => kubectlOk(kc, ['get', 'serviceaccount', 'default']), 20_000);
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  it('kubectl auth can-i: yes for the admin, no for a service account', async () => {
    assert.deepEqual(await kubectl(kc, ['auth', 'can-i', 'list', 'pods']), { code: 0, stdout: 'yes\n', stderr: '' });
    assert.deepEqual(await kubectl(kc, ['auth', 'can-i', 'delete', 'nodes', '--all-namespaces']), { code: 0, stdout: 'yes\n', stderr: '' });
    assert.deepEqual(await kubectl(kc, ['auth', 'can-i', 'list', 'pods', `--as=${defaultSa}`]), { code: 1, stdout: 'no\n', stderr: '' });
    // What every authenticated user holds: the access reviews themselves.
    assert.equal((await kubectl(kc, ['auth', 'can-i', 'create', 'selfsubjectaccessreviews', `--as=${defaultSa}`])).stdout, 'yes\n');
  });

  it('kubectl auth can-i --list shows the rules held', async () => {
    const admin = await kubectlOk(kc, ['auth', 'can-i', '--list']);
    assert.match(admin, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    const sa = await kubectlOk(kc, ['auth', 'can-i', '--list', `--as=${defaultSa}`]);
    assert.match(sa, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(sa, /^\s+\[\/version\]\s+\[\]\s+\[get\]$/m);
    assert.doesNotMatch(sa, /^pods\s/m);
  });

  it('kubectl auth whoami names the admin, or whom it impersonates', async () => {
    assert.equal(await kubectlOk(kc, ['auth', 'whoami']), 'ATTRIBUTE   VALUE\nUsername    kubernetes-admin\nGroups      [system:masters system:authenticated]\n');
    const review = JSON.parse(await kubectlOk(kc, ['auth', 'whoami', '-o', 'json', `--as=${defaultSa}`]));
    assert.equal(review.apiVersion, 'authentication.k8s.io/v1');
    assert.equal(review.kind, 'SelfSubjectReview');
    assert.deepEqual(review.status.userInfo, { username: defaultSa, groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
  });

  it('kubectl create token issues a service account token the API server accepts', async () => {
    token = (await kubectlOk(kc, ['create', 'token', 'default'])).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(claims.sub, defaultSa);
    assert.equal(claims.exp - claims.iat, 3600);
    assert.equal(claims['kubernetes.io'].namespace, 'default');
    assert.equal(claims['kubernetes.io'].serviceaccount.name, 'default');
    const whoami = await kubectlOk(kc, ['auth', 'whoami', `--token=${token}`]);
    assert.match(whoami, new RegExp(`^Username\\s+${defaultSa}$`, 'm'));
    assert.match(whoami, /^Extra: authentication\.kubernetes\.io\/credential-id\s+\[JTI=[0-9a-f-]{36}\]$/m);
    const tooShort = await kubectl(kc, ['create', 'token', 'default', '--duration=1m']);
    assert.equal(tooShort.stderr, 'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes\n');
    assert.equal((await kubectl(kc, ['create', 'token', 'nobody'])).stderr, 'error: failed to create token: serviceaccounts "nobody" not found\n');
  });

  it("refuses the token's requests with Kubernetes' 403, word for word", async () => {
    const denied = await kubectl(kc, ['get', 'pods', `--token=${token}`]);
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr, `Error from server (Forbidden): ${listPodsForbidden}\n`);
    const raw = await rawRequest({ ...targetFromKubeconfig(kc), token }, 'GET', '/api/v1/namespaces/default/pods');
    assert.equal(raw.status, 403);
    assert.deepEqual(raw.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: listPodsForbidden, reason: 'Forbidden', details: { kind: 'pods' }, code: 403 });
    const impersonating = await kubectl(kc, ['get', 'pods', `--token=${token}`, '--as=someone']);
    assert.equal(impersonating.stderr, `Error from server (Forbidden): users "someone" is forbidden: User "${defaultSa}" cannot impersonate resource "users" in API group "" at the cluster scope\n`);
    const bad = await rawRequest({ ...targetFromKubeconfig(kc), token: `${token.slice(0, -4)}AAAA` }, 'GET', '/api/v1/namespaces/default/pods');
    assert.equal(bad.status, 401);
  });

  it('a Role and a RoleBinding turn no into yes, for that verb and resource only', async () => {
    await kubectlOk(kc, ['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods']);
    await kubectlOk(kc, ['create', 'rolebinding', 'default-reads-pods', '--role=pod-reader', '--serviceaccount=default:default']);
    assert.equal((await kubectl(kc, ['auth', 'can-i', 'list', 'pods', `--as=${defaultSa}`])).stdout, 'yes\n');
    assert.deepEqual(await kubectl(kc, ['get', 'pods', `--token=${token}`]), { code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    assert.equal((await kubectl(kc, ['auth', 'can-i', 'list', 'pods', `--as=${defaultSa}`, '-n', 'kube-system'])).stdout, 'no\n');
    assert.equal((await kubectl(kc, ['auth', 'can-i', 'get', 'pods', '--subresource=log', `--as=${defaultSa}`])).stdout, 'no\n');
    await kubectlOk(kc, ['run', 'web', '--image=busybox:1.36']);
    const logs = await kubectl(kc, ['logs', 'web', `--token=${token}`]);
    assert.equal(logs.stderr, `Error from server (Forbidden): pods "web" is forbidden: User "${defaultSa}" cannot get resource "pods/log" in API group "" in the namespace "default"\n`);
  });

  it('a service account cannot grant what it does not hold', async () => {
    await kubectlOk(kc, ['create', 'rolebinding', 'default-admin', '--clusterrole=admin', '--serviceaccount=default:default']);
    // admin is aggregated by the clusterrole-aggregation controller.
    await eventually('admin aggregated', async () => (await kubectl(kc, ['auth', 'can-i', 'create', 'roles', `--as=${defaultSa}`])).stdout === 'yes\n', 20_000);
    const escalating = await kubectl(kc, ['create', 'role', 'node-lister', '--verb=list', '--resource=nodes', `--token=${token}`]);
    assert.equal(
      escalating.stderr,
      `Error from server (Forbidden): roles.rbac.authorization.k8s.io "node-lister" is forbidden: user "${defaultSa}" (groups=["system:serviceaccounts" "system:serviceaccounts:default" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["list"]}\n`,
    );
    await kubectlOk(kc, ['create', 'role', 'cm-reader', '--verb=get', '--resource=configmaps', `--token=${token}`]);
  });

  it('serves the default roles, aggregated, and publishes the CA for pods', async () => {
    const roles = await kubectlOk(kc, ['get', 'clusterroles', '-o', 'name']);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer']) assert.match(roles, new RegExp(`^clusterrole.rbac.authorization.k8s.io/${name}$`, 'm'));
    const bindings = await kubectlOk(kc, ['get', 'clusterrolebindings', '-o', 'wide']);
    assert.match(bindings, /^system:public-info-viewer\s+ClusterRole\/system:public-info-viewer\s+\S+\s+system:authenticated, system:unauthenticated\s*$/m);
    assert.match(bindings, /^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters\s*$/m);
    const ca = await eventually('kube-root-ca.crt', () => kubectlOk(kc, ['get', 'configmap', 'kube-root-ca.crt', '-n', 'kube-system', '-o', 'jsonpath={.data.ca\\.crt}']), 20_000);
    assert.equal(ca, targetFromKubeconfig(kc).ca);
  });
});
