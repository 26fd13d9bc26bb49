// The docs' "issue a certificate for a normal user" walkthrough on a PodLab
// cluster, with the real openssl and kubectl: a key and a request made by
// openssl, a CertificateSigningRequest applied, listed Pending, approved with
// `kubectl certificate approve`, issued by the csrsigning controller with the
// cluster's CA, and the certificate then logging the user in with the
// request's CN and O as name and groups, held to what RBAC grants them. A
// request its signer cannot honour fails with the signer's reason.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { servedForSuite } from '../helpers/podlabProcess.ts';

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('this test needs the openssl command (Debian: apt-get install -y openssl)');
    throw err;
  }
}

const csrManifest = (name: string, request: string, usages: string[]) => `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: ${name}}
spec:
  request: ${Buffer.from(request).toString('base64')}
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400
  usages: [${usages.join(', ')}]
`;

describe('CertificateSigningRequests: a normal user\'s client certificate', { timeout: 180_000 }, () => {
  const cluster = servedForSuite('csr', ['--runtime', 'simulated', '--nodes', '1']);

  it('is requested, approved, issued, and logs the user in with the request\'s name and groups', async () => {
    const key = join(cluster.dataDir, 'myuser.key');
    const request = join(cluster.dataDir, 'myuser.csr');
    openssl(['genrsa', '-out', key, '2048']);
    openssl(['req', '-new', '-key', key, '-out', request, '-subj', '/O=developers/CN=myuser']);
    await kubectlOk(cluster.kubeconfig, ['apply', '-f', '-'], csrManifest('myuser', readFileSync(request, 'utf8'), ['client auth']));
    assert.match(await kubectlOk(cluster.kubeconfig, ['get', 'csr', 'myuser']), /^myuser\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+kubernetes-admin\s+24h\s+Pending$/m);

    assert.match(await kubectlOk(cluster.kubeconfig, ['certificate', 'approve', 'myuser']), /certificatesigningrequest\.certificates\.k8s\.io\/myuser approved/);
    const issued = await eventually('the certificate', async () => (await kubectlOk(cluster.kubeconfig, ['get', 'csr', 'myuser', '-o', 'jsonpath={.status.certificate}'])) || undefined);
    assert.match(await kubectlOk(cluster.kubeconfig, ['get', 'csr', 'myuser']), /\s+24h\s+Approved,Issued$/m);
    const certificate = join(cluster.dataDir, 'myuser.crt');
    writeFileSync(certificate, Buffer.from(issued, 'base64'));
    const condition = JSON.parse(await kubectlOk(cluster.kubeconfig, ['get', 'csr', 'myuser', '-o', 'jsonpath={.status.conditions[0]}']));
    assert.deepEqual([condition.type, condition.reason], ['Approved', 'KubectlApprove']);

    await kubectlOk(cluster.kubeconfig, ['create', 'role', 'developer', '--verb=get', '--verb=list', '--resource=pods']);
    await kubectlOk(cluster.kubeconfig, ['create', 'rolebinding', 'developer-binding-myuser', '--role=developer', '--user=myuser']);
    await kubectlOk(cluster.kubeconfig, ['config', 'set-credentials', 'myuser', `--client-key=${key}`, `--client-certificate=${certificate}`, '--embed-certs=true']);
    const clusterName = await kubectlOk(cluster.kubeconfig, ['config', 'view', '-o', 'jsonpath={.clusters[0].name}']);
    await kubectlOk(cluster.kubeconfig, ['config', 'set-context', 'myuser', `--cluster=${clusterName}`, '--user=myuser']);
    const whoami = await kubectlOk(cluster.kubeconfig, ['--context', 'myuser', 'auth', 'whoami']);
    assert.match(whoami, /^Username\s+myuser$/m);
    assert.match(whoami, /^Groups\s+\[developers system:authenticated\]$/m);
    await eventually('the role applied', async () => (await kubectl(cluster.kubeconfig, ['--context', 'myuser', 'get', 'pods'])).code === 0);
    assert.match((await kubectl(cluster.kubeconfig, ['--context', 'myuser', 'get', 'secrets'])).stderr, /User "myuser" cannot list resource "secrets"/);
  });

  it('a request its signer cannot honour fails, and a bad one is refused in kube-apiserver\'s words', async () => {
    const key = join(cluster.dataDir, 'server.key');
    const request = join(cluster.dataDir, 'server.csr');
    openssl(['ecparam', '-genkey', '-name', 'prime256v1', '-out', key]);
    openssl(['req', '-new', '-key', key, '-out', request, '-subj', '/CN=web']);
    await kubectlOk(cluster.kubeconfig, ['apply', '-f', '-'], csrManifest('server', readFileSync(request, 'utf8'), ['server auth']));
    await kubectlOk(cluster.kubeconfig, ['certificate', 'approve', 'server']);
    const failed = await eventually('the Failed condition', async () => {
      const conditions = JSON.parse((await kubectlOk(cluster.kubeconfig, ['get', 'csr', 'server', '-o', 'jsonpath={.status.conditions}'])) || '[]') as Array<{ type: string; reason: string; message: string }>;
      return conditions.find((c) => c.type === 'Failed');
    });
    assert.deepEqual([failed.reason, failed.message], ['SignerValidationFailure', 'invalid usage for client certificate: server auth']);
    assert.match(await kubectlOk(cluster.kubeconfig, ['get', 'csr', 'server']), /\s+Approved,Failed$/m);

    const refused = await kubectl(cluster.kubeconfig, ['apply', '-f', '-'], csrManifest('bad', readFileSync(key, 'utf8'), ['client auth']));
    assert.match(refused.stderr, /spec\.request: Invalid value: \[\]byte\{0x2d, 0x2d, .*\}: PEM block type must be CERTIFICATE REQUEST/);
  });

  it('approving takes the approve verb on the signer, and no one may ask for system:masters', async () => {
    const key = join(cluster.dataDir, 'admin.key');
    const request = join(cluster.dataDir, 'admin.csr');
    openssl(['ecparam', '-genkey', '-name', 'prime256v1', '-out', key]);
    openssl(['req', '-new', '-key', key, '-out', request, '-subj', '/O=system:masters/CN=sneaky']);
    const masters = await kubectl(cluster.kubeconfig, ['apply', '-f', '-'], csrManifest('sneaky', readFileSync(request, 'utf8'), ['client auth']));
    assert.match(masters.stderr, /certificatesigningrequests\.certificates\.k8s\.io "sneaky" is forbidden: use of kubernetes\.io\/kube-apiserver-client signer with system:masters group is not allowed/);

    openssl(['req', '-new', '-key', key, '-out', request, '-subj', '/CN=carol']);
    await kubectlOk(cluster.kubeconfig, ['apply', '-f', '-'], csrManifest('carol', readFileSync(request, 'utf8'), ['client auth']));
    await kubectlOk(cluster.kubeconfig, ['create', 'clusterrole', 'csr-approver', '--verb=get,list,update', '--resource=certificatesigningrequests,certificatesigningrequests/approval']);
    await kubectlOk(cluster.kubeconfig, ['create', 'clusterrolebinding', 'csr-approver', '--clusterrole=csr-approver', '--user=approver']);
    const withoutSigner = await eventually('the approver\'s refusal', async () => {
      const answer = await kubectl(cluster.kubeconfig, ['certificate', 'approve', 'carol', '--as=approver']);
      return /not permitted/.test(answer.stderr) && answer.stderr;
    });
    assert.match(withoutSigner, /user not permitted to approve requests with signerName "kubernetes\.io\/kube-apiserver-client"/);
    await kubectlOk(cluster.kubeconfig, ['apply', '-f', '-'], `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: client-signer-approver}
rules:
- apiGroups: [certificates.k8s.io]
  resources: [signers]
  resourceNames: [kubernetes.io/*]
  verbs: [approve]
`);
    await kubectlOk(cluster.kubeconfig, ['create', 'clusterrolebinding', 'client-signer-approver', '--clusterrole=client-signer-approver', '--user=approver']);
    await eventually('approved by the approver', async () => (await kubectl(cluster.kubeconfig, ['certificate', 'approve', 'carol', '--as=approver'])).code === 0);
    await eventually('issued', async () => (await kubectlOk(cluster.kubeconfig, ['get', 'csr', 'carol'])).includes('Approved,Issued'));
  });
});
