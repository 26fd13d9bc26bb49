// applyPatch on real Kubernetes kinds with the generated schema: the patches
// kubectl sends (client-side apply's three-way patch, edit, label, scale,
// patch) and the errors the API server turns into 400/415/422.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from '../../main/apiserver/patch/applyPatch.ts';
import { PatchError } from '../../main/apiserver/patch/patchError.ts';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';
import type { KubeObject } from '../../main/kube/meta.ts';

const lookup = SchemaLookup.kubernetes();
const deploymentGVK = { group: 'apps', version: 'v1', kind: 'Deployment' };
const podGVK = { group: '', version: 'v1', kind: 'Pod' };
const smp = 'application/strategic-merge-patch+json';

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '1' }, resourceVersion: '7' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'a', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'X', value: '1' }, { name: 'KEEP', value: '2' }], terminationMessagePath: '/dev/termination-log' },
            { name: 'b', image: 'busybox', terminationMessagePath: '/dev/termination-log' },
          ],
          restartPolicy: 'Always',
        },
      },
    },
    status: { replicas: 2 },
  };
}

test('kubectl apply: the three-way patch kubectl v1.32 computed (captured from a real run) applies as on Kubernetes', () => {
  const patch = {
    metadata: { labels: { tier: 'front' } },
    spec: {
      replicas: 3,
      strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }],
          containers: [
            { image: 'redis', name: 'c' },
            {
              '$setElementOrder/env': [{ name: 'KEEP' }],
              '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 443 }],
              env: [{ $patch: 'delete', name: 'X' }],
              image: 'nginx:2',
              name: 'a',
              ports: [{ containerPort: 443 }],
            },
            { $patch: 'delete', name: 'b' },
          ],
        },
      },
    },
  };
  const result = applyPatch(smp, deployment(), JSON.stringify(patch), lookup, deploymentGVK);
  const spec = result.spec as any;
  assert.deepEqual(result.metadata.labels, { app: 'web', tier: 'front' });
  assert.equal(result.metadata.annotations?.['deployment.kubernetes.io/revision'], '1', 'server-set fields survive');
  assert.equal(spec.replicas, 3);
  assert.deepEqual(spec.strategy, { type: 'Recreate' }, 'retainKeys drops rollingUpdate');
  assert.deepEqual(
    spec.template.spec.containers.map((c: any) => c.name),
    ['c', 'a'],
    'containers follow $setElementOrder; b deleted',
  );
  const a = spec.template.spec.containers[1];
  assert.equal(a.image, 'nginx:2');
  assert.equal(a.terminationMessagePath, '/dev/termination-log', 'defaulted fields kubectl never sent are kept');
  assert.deepEqual(a.env, [{ name: 'KEEP', value: '2' }]);
  assert.deepEqual(a.ports, [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]);
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.deepEqual(result.status, { replicas: 2 });
});

test('kubectl edit: a two-way patch that reorders containers and changes one image', () => {
  const patch = {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'b', image: 'busybox:2' }] } } },
  };
  const spec = applyPatch(smp, deployment(), patch, lookup, deploymentGVK).spec as any;
  assert.deepEqual(spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['b=busybox:2', 'a=nginx:1']);
});

test('pod volumes merge by name and keep only $retainKeys (emptyDir → configMap)', () => {
  const pod: KubeObject = {
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }, { name: 'other', emptyDir: {} }] },
  };
  const patch = {
    spec: {
      volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, emptyDir: null, name: 'data' }],
      containers: [{ name: 'a', volumeMounts: [{ mountPath: '/cfg', name: 'data' }] }],
    },
  };
  const spec = applyPatch(smp, pod, patch, lookup, podGVK).spec as any;
  assert.deepEqual(spec.volumes, [{ name: 'data', configMap: { name: 'cfg' } }, { name: 'other', emptyDir: {} }]);
  // Without $setElementOrder, Kubernetes puts a new patch item before the server's items.
  assert.deepEqual(spec.containers[0].volumeMounts, [{ mountPath: '/cfg', name: 'data' }, { name: 'data', mountPath: '/data' }], 'volumeMounts merge by mountPath');
});

test('finalizers merge as a set; $deleteFromPrimitiveList removes; ownerReferences merge by uid', () => {
  const obj: KubeObject = {
    metadata: { name: 'p', finalizers: ['a', 'b'], ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' }] },
    spec: { containers: [] },
  };
  const added = applyPatch(smp, obj, { metadata: { finalizers: ['b', 'c'] } }, lookup, podGVK);
  assert.deepEqual(added.metadata.finalizers, ['a', 'b', 'c']);
  const removed = applyPatch(smp, added, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'c'] } }, lookup, podGVK);
  assert.deepEqual(removed.metadata.finalizers, ['b']);
  const owned = applyPatch(smp, obj, { metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { uid: 'u2', apiVersion: 'v1', kind: 'Node', name: 'n' }] } }, lookup, podGVK);
  assert.deepEqual(owned.metadata.ownerReferences, [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true },
    { uid: 'u2', apiVersion: 'v1', kind: 'Node', name: 'n' },
  ]);
});

test('service ports merge by port; node status conditions merge by type', () => {
  const svc: KubeObject = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
  const patchedSvc = applyPatch(smp, svc, { spec: { ports: [{ port: 80, name: 'http' }] } }, lookup, { group: '', version: 'v1', kind: 'Service' });
  assert.deepEqual((patchedSvc.spec as any).ports, [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443 }]);

  const node: KubeObject = { metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] } };
  const patchedNode = applyPatch(smp, node, { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletStopped' }] } }, lookup, { group: '', version: 'v1', kind: 'Node' });
  assert.deepEqual((patchedNode.status as any).conditions, [
    { type: 'Ready', status: 'False', reason: 'KubeletStopped' },
    { type: 'MemoryPressure', status: 'False' },
  ]);
});

test('lists without a patch strategy are replaced (tolerations, args)', () => {
  const pod: KubeObject = { metadata: { name: 'p' }, spec: { tolerations: [{ key: 'a' }], containers: [{ name: 'c', args: ['1', '2'] }] } };
  const spec = applyPatch(smp, pod, { spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'c', args: ['3'] }] } }, lookup, podGVK).spec as any;
  assert.deepEqual(spec.tolerations, [{ key: 'b' }]);
  assert.deepEqual(spec.containers[0].args, ['3']);
});

test('kubectl scale: a merge patch on the Scale subresource object', () => {
  const scale: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 2 }, status: { replicas: 2 } };
  const result = applyPatch('application/merge-patch+json', scale, '{"spec":{"replicas":5}}', lookup, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.deepEqual(result.spec, { replicas: 5 });
  const bySmp = applyPatch(smp, scale, { spec: { replicas: 4 } }, lookup, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.deepEqual(bySmp.spec, { replicas: 4 });
});

test('content types: parameters are ignored, JSON patch works, the original is never modified', () => {
  const original = deployment();
  const merged = applyPatch('application/merge-patch+json; charset=utf-8', original, Buffer.from('{"metadata":{"labels":{"app":null}}}'), lookup, deploymentGVK);
  assert.deepEqual(merged.metadata.labels, {});
  const jsonPatched = applyPatch('application/json-patch+json', original, [{ op: 'replace', path: '/spec/replicas', value: 9 }], lookup, deploymentGVK);
  assert.equal((jsonPatched.spec as any).replicas, 9);
  assert.deepEqual(original, deployment());
});

const errorCases: { name: string; type: string; patch: unknown; gvk?: typeof podGVK; code: number; reason: string; message: RegExp }[] = [
  { name: 'an unknown patch type', type: 'application/xml', patch: '<x/>', code: 415, reason: 'UnsupportedMediaType', message: /accepted media types include/ },
  { name: 'a body that is not JSON', type: smp, patch: '{"spec":', code: 400, reason: 'BadRequest', message: /error decoding patch/ },
  { name: 'a merge patch that is not an object', type: 'application/merge-patch+json', patch: '[1]', code: 400, reason: 'BadRequest', message: /JSON object/ },
  { name: 'a strategic merge patch on a kind without schema', type: smp, patch: '{}', gvk: { group: 'example.com', version: 'v1', kind: 'Widget' }, code: 415, reason: 'UnsupportedMediaType', message: /not supported for Widget/ },
  { name: 'a list element without its merge key', type: smp, patch: { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, code: 422, reason: 'Invalid', message: /does not contain declared merge key: name/ },
  { name: 'a JSON patch on a missing path', type: 'application/json-patch+json', patch: '[{"op":"remove","path":"/spec/nope"}]', code: 422, reason: 'Invalid', message: /missing path/ },
];

for (const c of errorCases) {
  test(`applyPatch rejects ${c.name} with ${c.code}`, () => {
    assert.throws(
      () => applyPatch(c.type, deployment(), c.patch, lookup, c.gvk ?? deploymentGVK),
      (err: unknown) => err instanceof PatchError && err.code === c.code && err.reason === c.reason && c.message.test(err.message),
    );
  });
}
