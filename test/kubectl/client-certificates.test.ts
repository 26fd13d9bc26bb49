// X.509 client certificates, as kind's and kubeadm's kubeconfigs
// authenticate: `podlab kubeconfig --user alice --group dev` writes a
// kubeconfig whose certificate the cluster's CA signed; the API server takes
// alice (and her groups) from it, RBAC decides what she may do, and a
// certificate from another CA or past its validity authenticates no one.
// TokenReview answers who a bearer token stands for.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildCertificateKubeconfig, clusterOfKubeconfig, kubeconfigYaml } from '../../main/cluster/kubeconfig.ts';
import { issueClientCertificate, loadOrCreatePki } from '../../main/cluster/pki.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, repoRoot, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

function podlab(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(repoRoot, 'bin', 'podlab.cjs'), ...args], { encoding: 'utf8' });
}

describe('client certificates', () => {
  let serve: PodlabServe;
  let dataDir: string;
  let alice: string;

  before(async () => {
    dataDir = tempDir('certs');
    serve = await startPodlab(['--name', 'certs', '--runtime', 'simulated', '--nodes', '0'], dataDir);
    const printed = podlab(['kubeconfig', '--data-dir', dataDir, '--name', 'certs', '--user', 'alice', '--group', 'dev', '--group', 'qa']);
    assert.equal(printed.status, 0, printed.stderr);
    alice = join(dataDir, 'alice.yaml');
    writeFileSync(alice, printed.stdout);
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('authenticates the certificate subject: the common name as user, each organization as a group', async () => {
    assert.match(await kubectlOk(alice, ['config', 'current-context']), /^alice@podlab-certs\s*$/);
    const whoami = JSON.parse(await kubectlOk(alice, ['auth', 'whoami', '-o', 'json']));
    assert.deepEqual(whoami.status.userInfo, { username: 'alice', groups: ['dev', 'qa', 'system:authenticated'] });
  });

  it('gives the user nothing until a RoleBinding grants it', async () => {
    const refused = await kubectl(alice, ['get', 'pods', '-n', 'default']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/);
    await kubectlOk(serve.kubeconfig, ['create', 'rolebinding', 'alice-view', '--clusterrole=view', '--user=alice', '-n', 'default']);
    assert.match(await kubectlOk(alice, ['get', 'pods', '-n', 'default']), /^$|No resources found/);
    // A group binding works through the certificate's organizations too.
    await kubectlOk(serve.kubeconfig, ['create', 'rolebinding', 'dev-edit', '--clusterrole=edit', '--group=dev', '-n', 'default']);
    await kubectlOk(alice, ['create', 'configmap', 'by-alice', '-n', 'default', '--from-literal=a=b']);
  });

  it('a certificate from another CA, or one past its validity, authenticates no one', async () => {
    const cluster = clusterOfKubeconfig(serve.kubeconfig);
    const writeUser = (file: string, user: { certPem: string; keyPem: string }) => {
      writeFileSync(file, kubeconfigYaml(buildCertificateKubeconfig({ clusterName: 'certs', ...cluster }, { name: 'mallory', ...user })));
      return file;
    };
    const otherCluster = tempDir('other-ca');
    try {
      loadOrCreatePki(otherCluster, 'other');
      const foreign = writeUser(join(dataDir, 'foreign.yaml'), issueClientCertificate(otherCluster, { user: 'mallory', groups: ['system:masters'], validityMs: 3600_000 }));
      const expired = writeUser(join(dataDir, 'expired.yaml'), issueClientCertificate(dataDir, { user: 'mallory', groups: ['system:masters'], validityMs: 3600_000 }, Date.now() - 2 * 3600_000));
      for (const kubeconfig of [foreign, expired]) {
        const refused = await kubectl(kubeconfig, ['get', 'pods']);
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /You must be logged in to the server \(Unauthorized\)/);
      }
    } finally {
      removeDir(otherCluster);
    }
  });

  it('podlab kubeconfig refuses a bad validity and flags without --user', () => {
    const bad = podlab(['kubeconfig', '--data-dir', dataDir, '--name', 'certs', '--user', 'bob', '--validity', 'forever']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--validity must be a duration such as 24h, 90m or 1h30m, at most 8760h \(got "forever"\)/);
    const orphan = podlab(['kubeconfig', '--data-dir', dataDir, '--name', 'certs', '--group', 'dev']);
    assert.match(orphan.stderr, /--group and --validity go with --user NAME/);
  });

  it('TokenReview says who a token stands for, and for which audiences', async () => {
    const token = (await kubectlOk(serve.kubeconfig, ['create', 'token', 'default', '-n', 'default'])).trim();
    const review = (spec: Record<string, unknown>) => kubectlOk(serve.kubeconfig, ['create', '-o', 'json', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec }));
    const good = JSON.parse(await review({ token }));
    assert.equal(good.status.authenticated, true);
    assert.equal(good.status.user.username, 'system:serviceaccount:default:default');
    assert.deepEqual(good.status.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.deepEqual(good.status.audiences, ['https://kubernetes.default.svc.cluster.local']);
    const otherAudience = JSON.parse(await review({ token, audiences: ['vault'] }));
    assert.equal(otherAudience.status.authenticated, false);
    assert.match(otherAudience.status.error, /token audiences \["https:\/\/kubernetes.default.svc.cluster.local"\] is invalid for the target audiences \["vault"\]/);
    const garbage = JSON.parse(await review({ token: 'not-a-token' }));
    assert.equal(garbage.status.authenticated, false);
    const missing = await kubectl(serve.kubeconfig, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} }));
    assert.match(missing.stderr, /token is required for TokenReview in authentication.k8s.io/);
  });
});
