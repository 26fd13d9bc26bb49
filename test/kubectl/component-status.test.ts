// `kubectl get componentstatuses` as on a kubeadm or kind cluster: the
// scheduler, the controller manager and etcd-0 Healthy, with kube-apiserver's
// deprecation warning; and the same warning mechanism for a deprecated
// version of a custom resource (its own text, or "<group>/<version> <Kind> is
// deprecated").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { servedForSuite } from '../helpers/podlabProcess.ts';

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1alpha1
    served: true
    storage: false
    deprecated: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
  - name: v1beta1
    served: true
    storage: false
    deprecated: true
    deprecationWarning: "example.com/v1beta1 Widget is going away: use example.com/v1"
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;

describe('ComponentStatuses and deprecation warnings', { timeout: 120_000 }, () => {
  const cluster = servedForSuite('component-status', ['--runtime', 'simulated', '--nodes', '1']);

  it('lists the control plane healthy, with the deprecation warning', async () => {
    const answer = await kubectl(cluster.kubeconfig, ['get', 'componentstatuses']);
    assert.equal(answer.code, 0, answer.stderr);
    assert.match(answer.stderr, /^Warning: v1 ComponentStatus is deprecated in v1\.19\+$/m);
    assert.match(answer.stdout, /^NAME\s+STATUS\s+MESSAGE\s+ERROR\n/);
    assert.match(answer.stdout, /^controller-manager\s+Healthy\s+ok\s*$/m);
    assert.match(answer.stdout, /^scheduler\s+Healthy\s+ok\s*$/m);
    assert.match(answer.stdout, /^etcd-0\s+Healthy\s+\{"health":"true","reason":""\}\s*$/m);
    assert.equal(JSON.parse(await kubectlOk(cluster.kubeconfig, ['get', 'cs', 'scheduler', '-o', 'json'])).conditions[0].type, 'Healthy');
  });

  it('warns on every request to a deprecated custom resource version', async () => {
    await kubectlOk(cluster.kubeconfig, ['apply', '-f', '-'], crd);
    await kubectlOk(cluster.kubeconfig, ['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']);
    const warnings = async (version: string) => (await eventually(`widgets.${version}`, async () => {
      const answer = await kubectl(cluster.kubeconfig, ['get', `widgets.${version}.example.com`]);
      return answer.code === 0 && answer;
    })).stderr;
    assert.match(await warnings('v1alpha1'), /^Warning: example\.com\/v1alpha1 Widget is deprecated$/m);
    assert.match(await warnings('v1beta1'), /^Warning: example\.com\/v1beta1 Widget is going away: use example\.com\/v1$/m);
    assert.doesNotMatch(await warnings('v1'), /Warning/);
  });
});
