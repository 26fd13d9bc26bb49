// Server-side apply and field ownership as a kubectl user checks them against
// `podlab serve`: apply creates then updates, a second manager changing the
// same field gets a conflict naming the first, --force-conflicts takes it,
// kubectl diff shows a change, --show-managed-fields shows every manager, a
// client-side applied object moves to server-side apply, scale owns replicas.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
  subresource?: string;
  fieldsV1: Record<string, any>;
}

describe('server-side apply with kubectl', () => {
  let serve: PodlabServe;
  let kc: string;
  const managed = async (kind: string, name: string): Promise<Entry[]> => JSON.parse(await kubectlOk(kc, ['get', kind, name, '--show-managed-fields', '-o', 'json'])).metadata.managedFields;

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'ssa-test']);
    kc = serve.kubeconfig;
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  it('creates, then updates, and records kubectl as the Apply manager of what it applied', async () => {
    assert.match(await kubectlOk(kc, ['apply', '--server-side', '-f', '-'], deployment(2)), /deployment\.apps\/web serverside-applied/);
    await kubectlOk(kc, ['apply', '--server-side', '-f', '-'], deployment(3));
    assert.equal(await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '3');
    const apply = (await managed('deploy', 'web')).find((e) => e.manager === 'kubectl' && e.operation === 'Apply');
    assert.ok(apply, 'an Apply entry for kubectl');
    assert.deepEqual(apply.fieldsV1['f:spec']['f:replicas'], {});
    assert.deepEqual(apply.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['f:image'], {});
    assert.deepEqual(apply.fieldsV1['f:metadata']['f:labels'], { '.': {}, 'f:app': {} });
    // kubectl hides managedFields unless asked.
    assert.doesNotMatch(await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'yaml']), /managedFields/);
  });

  it('answers a second manager changing the same field with a conflict naming the first, and --force-conflicts takes it', async () => {
    const conflict = await kubectl(kc, ['apply', '--server-side', '--field-manager=other', '-f', '-'], deployment(5));
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl" using apps\/v1: \.spec\.replicas/);
    assert.equal(await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '3');
    await kubectlOk(kc, ['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], deployment(5));
    assert.equal(await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
    const entries = await managed('deploy', 'web');
    const other = entries.find((e) => e.manager === 'other');
    const kubectlApply = entries.find((e) => e.manager === 'kubectl' && e.operation === 'Apply');
    assert.deepEqual(other?.fieldsV1['f:spec']['f:replicas'], {});
    assert.equal(kubectlApply?.fieldsV1['f:spec']['f:replicas'], undefined);
  });

  it('shows the change kubectl diff would make, and applies nothing on a dry run', async () => {
    const diff = await kubectl(kc, ['diff', '-f', '-'], deployment(5, 'busybox:latest'));
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /-\s+- image: busybox:1\.36/);
    assert.match(diff.stdout, /\+\s+- image: busybox:latest/);
    await kubectlOk(kc, ['apply', '--server-side', '--field-manager=other', '--dry-run=server', '-f', '-'], deployment(7));
    assert.equal(await kubectlOk(kc, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
  });

  it('records kubectl scale as an Update through the scale subresource', async () => {
    await kubectlOk(kc, ['scale', 'deploy', 'web', '--replicas=2']);
    const scaled = (await managed('deploy', 'web')).find((e) => e.subresource === 'scale');
    assert.equal(scaled?.operation, 'Update');
    assert.deepEqual(scaled?.fieldsV1['f:spec']['f:replicas'], {});
  });

  it('moves an object from client-side apply to server-side apply without conflicts', async () => {
    const cm = (b: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrated}\ndata: {a: "1", b: "${b}"}\n`;
    await kubectlOk(kc, ['apply', '-f', '-'], cm('2'));
    assert.ok((await managed('cm', 'migrated')).some((e) => e.manager === 'kubectl-client-side-apply'));
    await kubectlOk(kc, ['apply', '--server-side', '-f', '-'], cm('3'));
    assert.equal(await kubectlOk(kc, ['get', 'cm', 'migrated', '-o', 'jsonpath={.data.b}']), '3');
    const apply = (await managed('cm', 'migrated')).find((e) => e.manager === 'kubectl' && e.operation === 'Apply');
    assert.deepEqual(apply?.fieldsV1['f:data'], { '.': {}, 'f:a': {}, 'f:b': {} });
  });

  it('removes what a manager stops applying; an apply without a field manager is refused', async () => {
    await kubectlOk(kc, ['apply', '--server-side', '--field-manager=labeller', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: labelled, labels: {a: "1", b: "2"}}\n');
    await kubectlOk(kc, ['apply', '--server-side', '--field-manager=labeller', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: labelled, labels: {a: "1"}}\n');
    assert.equal(await kubectlOk(kc, ['get', 'cm', 'labelled', '-o', 'jsonpath={.metadata.labels}']), '{"a":"1"}');
    const missing = await kubectl(kc, ['apply', '--server-side', '--field-manager=', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nobody}\n');
    assert.notEqual(missing.code, 0);
  });
});
