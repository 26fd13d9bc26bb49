// Server-side apply and field ownership as a kubectl user checks them against
// `podlab serve`: apply creates then updates, a second manager changing a
// field gets Kubernetes' conflict naming the first, --force-conflicts takes
// it, kubectl diff shows the change, --show-managed-fields shows every
// manager with its fieldsV1, a client-side applied object moves to
// server-side apply, kubectl scale and status patches own what they wrote,
// and PodLab's controllers appear as the Kubernetes components they stand for.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';

const deployment = (replicas: number, image = 'busybox:1.36') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080}]
`;

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  subresource?: string;
  fieldsV1: Record<string, any>;
}

describe('server-side apply with kubectl', () => {
  let serve: PodlabServe;
  let kc: string;
  const managed = async (kind: string, name: string): Promise<Entry[]> => parseYaml(await kubectlOk(kc, ['get', kind, name, '--show-managed-fields', '-o', 'yaml'])).metadata.managedFields;
  const find = (entries: Entry[], manager: string, operation: string, subresource?: string) => entries.find((e) => e.manager === manager && e.operation === operation && e.subresource === subresource);
  const replicas = async () => kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']);

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'ssa-test']);
    kc = serve.kubeconfig;
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  it('creates, then updates after an edit, with kubectl owning exactly what it applied', async () => {
    assert.match(await kubectlOk(kc, ['apply', '--server-side', '-f', '-'], deployment(2)), /deployment\.apps\/web serverside-applied/);
    assert.match(await kubectlOk(kc, ['apply', '--server-side', '-f', '-'], deployment(3)), /deployment\.apps\/web serverside-applied/);
    assert.equal(await replicas(), '3');
    const apply = find(await managed('deploy', 'web'), 'kubectl', 'Apply');
    assert.ok(apply, 'an Apply entry for kubectl');
    assert.equal(apply.apiVersion, 'apps/v1');
    assert.equal(apply.fieldsType, 'FieldsV1');
    assert.deepEqual(apply.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
        },
      },
    });
    // kubectl hides managedFields unless asked.
    assert.doesNotMatch(await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'yaml']), /managedFields/);
  });

  it('answers another manager changing replicas with the conflict naming kubectl; --force-conflicts takes the field', async () => {
    const conflict = await kubectl(kc, ['apply', '--server-side', '--field-manager=other', '-f', '-'], deployment(5));
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas\n/);
    assert.equal(await replicas(), '3');
    await kubectlOk(kc, ['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], deployment(5));
    assert.equal(await replicas(), '5');
    const entries = await managed('deploy', 'web');
    assert.deepEqual(find(entries, 'other', 'Apply')?.fieldsV1['f:spec']['f:replicas'], {});
    assert.equal(find(entries, 'kubectl', 'Apply')?.fieldsV1['f:spec']['f:replicas'], undefined);
    // Both appliers own the template they both applied with the same values.
    assert.deepEqual(find(entries, 'other', 'Apply')?.fieldsV1['f:spec']['f:template'], find(entries, 'kubectl', 'Apply')?.fieldsV1['f:spec']['f:template']);
  });

  it('shows the change kubectl diff would make, and stores nothing on a dry run', async () => {
    // kubectl diff --server-side is a dry-run apply: it conflicts as the apply would, unless forced.
    const conflicting = await kubectl(kc, ['diff', '--server-side', '--field-manager=other', '-f', '-'], deployment(5, 'busybox:latest'));
    assert.match(conflicting.stderr, /conflict with "kubectl": \.spec\.template\.spec\.containers\[name="web"\]\.image/);
    const diff = await kubectl(kc, ['diff', '--server-side', '--force-conflicts', '--field-manager=other', '-f', '-'], deployment(5, 'busybox:latest'));
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /-\s+- image: busybox:1\.36/);
    assert.match(diff.stdout, /\+\s+- image: busybox:latest/);
    await kubectlOk(kc, ['apply', '--server-side', '--field-manager=other', '--dry-run=server', '-f', '-'], deployment(7));
    assert.equal(await replicas(), '5');
  });

  it('records kubectl scale as an Update through the scale subresource that owns replicas, which an applier then conflicts with', async () => {
    await kubectlOk(kc, ['scale', 'deploy', 'web', '--replicas=2']);
    const entries = await managed('deploy', 'web');
    const scaled = entries.find((e) => e.subresource === 'scale');
    assert.equal(scaled?.operation, 'Update');
    assert.equal(scaled?.apiVersion, 'apps/v1');
    assert.deepEqual(scaled?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    assert.equal(find(entries, 'other', 'Apply')?.fieldsV1['f:spec']['f:replicas'], undefined);
    const conflict = await kubectl(kc, ['apply', '--server-side', '--field-manager=other', '-f', '-'], deployment(5));
    assert.match(conflict.stderr, new RegExp(`conflict with "${scaled!.manager}" with subresource "scale" using apps/v1: \\.spec\\.replicas`));
  });

  it('shows the controllers as the Kubernetes components that wrote', async () => {
    const deadline = Date.now() + 20_000;
    let status: Entry | undefined;
    while (!status && Date.now() < deadline) {
      status = find(await managed('deploy', 'web'), 'kube-controller-manager', 'Update', 'status');
      if (!status) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(status, 'the deployment controller owns the status it writes');
    assert.ok(status.fieldsV1['f:status']);
    const rs = JSON.parse(await kubectlOk(kc, ['get', 'rs', '-l', 'app=web', '-o', 'json', '--show-managed-fields'])).items[0];
    assert.ok(rs.metadata.managedFields.some((e: Entry) => e.manager === 'kube-controller-manager' && e.operation === 'Update' && e.fieldsV1['f:metadata']['f:ownerReferences']));
  });

  it('moves a ConfigMap from client-side apply to server-side apply without conflicts', async () => {
    const cm = (b: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrated}\ndata: {a: "1", b: "${b}"}\n`;
    await kubectlOk(kc, ['apply', '-f', '-'], cm('2'));
    const csa = find(await managed('cm', 'migrated'), 'kubectl-client-side-apply', 'Update');
    assert.deepEqual(csa?.fieldsV1, {
      'f:data': { '.': {}, 'f:a': {}, 'f:b': {} },
      'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
    });
    await kubectlOk(kc, ['apply', '--server-side', '-f', '-'], cm('3'));
    assert.equal(await kubectlOk(kc, ['get', 'cm', 'migrated', '-o', 'jsonpath={.data.b}']), '3');
    // kubectl hands the client-side entry to its Apply entry (sending managedFields), then applies without a conflict.
    const entries = await managed('cm', 'migrated');
    assert.equal(find(entries, 'kubectl-client-side-apply', 'Update'), undefined);
    assert.deepEqual(find(entries, 'kubectl', 'Apply')?.fieldsV1['f:data'], { 'f:a': {}, 'f:b': {} });
    // And back: client-side apply still works on the migrated object.
    await kubectlOk(kc, ['apply', '-f', '-'], cm('4'));
    assert.equal(await kubectlOk(kc, ['get', 'cm', 'migrated', '-o', 'jsonpath={.data.b}']), '4');
  });

  it('removes what a manager stops applying', async () => {
    await kubectlOk(kc, ['apply', '--server-side', '--field-manager=labeller', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: labelled, labels: {a: "1", b: "2"}}\n');
    await kubectlOk(kc, ['apply', '--server-side', '--field-manager=labeller', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: labelled, labels: {a: "1"}}\n');
    assert.equal(await kubectlOk(kc, ['get', 'cm', 'labelled', '-o', 'jsonpath={.metadata.labels}']), '{"a":"1"}');
  });

  it('records a status patch as the patcher owning status through the status subresource', async () => {
    await kubectlOk(kc, ['create', 'service', 'clusterip', 'front', '--tcp=80:8080']);
    await kubectlOk(kc, ['patch', 'service', 'front', '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}']);
    const entries = await managed('service', 'front');
    assert.deepEqual(find(entries, 'kubectl-patch', 'Update', 'status')?.fieldsV1, { 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } });
    assert.ok(find(entries, 'kubectl-create', 'Update')?.fieldsV1['f:spec']['f:ports']);
  });

  it('refuses an apply without a field manager as Kubernetes does', async () => {
    const res = await kubectl(kc, ['apply', '--server-side', '--field-manager=', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nobody}\n');
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /The PatchOptions "" is invalid: fieldManager: Required value: is required for apply patch/);
  });
});
