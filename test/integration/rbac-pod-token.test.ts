// A pod calling the Kubernetes API with its mounted service account token,
// on the real Docker engine: the broken-on-purpose rbac-denied sample lists
// pods every 5 seconds and is refused with 403; the debugger reports
// "Denied by RBAC" with that exact message; after the Role and RoleBinding
// the sample's summary gives, its next call succeeds and the finding goes.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cluster } from '../../main/cluster/cluster.ts';
import { apiPodStreams, connectionTo, type ClusterConnection } from '../../main/ui/uiHost.ts';
import { diagnose } from '../../main/ui/diagnose.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { repoRoot } from '../helpers/podlabProcess.ts';

const name = `rbac-${Math.random().toString(36).slice(2, 7)}`;
const forbidden = 'pods is forbidden: User "system:serviceaccount:default:pod-lister" cannot list resource "pods" in API group "" in the namespace "default"';

describe('a pod denied by RBAC, on Docker', () => {
  let cluster: Cluster;
  let dataDir: string;
  let kubeconfig: string;
  let connection: ClusterConnection;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'podlab-rbac-'));
    await reserveSubnet(dataDir);
    cluster = await Cluster.start({ name, dataDir, runtime: 'docker', nodes: 1 });
    kubeconfig = cluster.paths.kubeconfig;
    connection = connectionTo(cluster, apiPodStreams(cluster));
  });
  after(async () => {
    await cluster?.stop();
    await removeClusterObjects(name);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const logs = () => kubectlOk(kubeconfig, ['logs', 'pod-lister']);

  it('its mounted token is refused with 403, which the debugger reports as Denied by RBAC', async () => {
    await kubectlOk(kubeconfig, ['apply', '-f', join(repoRoot, 'resources', 'samples', 'rbac-denied.yaml')]);
    const refused = await eventually('a 403 in the log', async () => (await logs()).split('\n').find((line) => line.includes('403')), 90_000, 1000);
    assert.match(refused, new RegExp(`^\\S+Z 403 Forbidden: ${forbidden.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));

    const diagnosis = await diagnose(connection, 'default', 'pod-lister');
    const finding = diagnosis.findings.find((f) => f.rule === 'rbac-denied');
    assert.ok(finding, JSON.stringify(diagnosis.findings));
    assert.equal(finding.title, 'Denied by RBAC');
    assert.deepEqual(finding.evidence[0], { label: 'Service account', text: 'default/pod-lister (user system:serviceaccount:default:pod-lister)' });
    assert.equal(finding.evidence[1]!.text, forbidden);
    assert.match(finding.evidence[1]!.label, /^403 Forbidden( \(x\d+\))?, last at \d{4}-\d\d-\d\dT/);
    assert.equal(finding.next[0]!.command, 'kubectl auth can-i list pods --as=system:serviceaccount:default:pod-lister -n default');
    // The check the finding suggests says the same.
    assert.equal((await kubectl(kubeconfig, finding.next[0]!.command.split(' ').slice(1))).stdout, 'no\n');
  });

  it("after the sample's fix, the pod's next call succeeds and the finding is gone", async () => {
    const summary = (JSON.parse(readFileSync(join(repoRoot, 'resources', 'samples', 'index.json'), 'utf8')) as Array<{ id: string; summary: string }>).find((s) => s.id === 'rbac-denied')!.summary;
    const fixes = [...summary.matchAll(/kubectl (create [^,]+?)(?:,|\.$| then)/g)].map((m) => m[1]!.split(' '));
    assert.equal(fixes.length, 2, summary);
    for (const args of fixes) await kubectlOk(kubeconfig, args);
    await eventually('a 200 in the log', async () => /Z 200 OK: \d+ pods in default$/m.test(await logs()), 30_000, 1000);
    const diagnosis = await diagnose(connection, 'default', 'pod-lister');
    assert.equal(diagnosis.findings.find((f) => f.rule === 'rbac-denied'), undefined);
  });
});
