// The OpenAPI documents as kubectl reads them: the v3 root and per-group
// documents (explain, apply's patch metadata, the fieldValidation check),
// the v2 document in JSON and gnostic protobuf, hashes and ETags.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { OpenAPIDocuments, notModified } from '../../main/apiserver/openapi/documents.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import type { ResourceDefinition, Subresource } from '../../main/apiserver/registry/resourceDefinition.ts';

const resource = (group: string, kind: string, plural: string, namespaced: boolean, subresources: Subresource[] = []): ResourceDefinition => ({
  group,
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  subresources,
  strategy: {},
});

const resources: ResourceDefinition[] = [
  resource('', 'Pod', 'pods', true, ['status', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward']),
  resource('', 'Service', 'services', true, ['status', 'proxy']),
  resource('', 'ConfigMap', 'configmaps', true),
  resource('', 'Namespace', 'namespaces', false, ['status']),
  resource('', 'Node', 'nodes', false, ['status']),
  { ...resource('', 'Event', 'events', true), verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  resource('apps', 'Deployment', 'deployments', true, ['status', 'scale']),
  resource('apps', 'ReplicaSet', 'replicasets', true, ['status', 'scale']),
  resource('coordination.k8s.io', 'Lease', 'leases', true),
  resource('rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', false),
];

const documents = new OpenAPIDocuments(resources);
const json = (body: Buffer) => JSON.parse(body.toString('utf8'));
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const coreV1 = json(documents.v3('api/v1')!.body) as Doc;
const appsV1 = json(documents.v3('apis/apps/v1')!.body) as Doc;

test('the v3 root lists one hashed document per group-version', () => {
  const root = json(documents.v3Root().body);
  assert.deepEqual(Object.keys(root.paths), ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/rbac.authorization.k8s.io/v1']);
  assert.equal(root.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${documents.v3('apis/apps/v1')!.hash}`);
  assert.equal(documents.v3('apis/batch/v1'), undefined);
  assert.equal(documents.v3('/apis/apps/v1/'), documents.v3('apis/apps/v1'), 'slashes around the key are ignored');
});

test('every v3 PATCH operation names its GVK and takes fieldValidation (what QueryParamVerifierV3 checks) and strategic merge patch', () => {
  let patches = 0;
  for (const doc of [coreV1, appsV1]) {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item.patch) continue;
      patches++;
      const gvk = item.patch['x-kubernetes-group-version-kind'];
      assert.ok(gvk?.kind, `${path} PATCH has a GVK`);
      assert.ok(item.patch.parameters.some((p: { name: string; in: string }) => p.name === 'fieldValidation' && p.in === 'query'), `${path} PATCH takes fieldValidation`);
      assert.ok(item.patch.requestBody.content['application/strategic-merge-patch+json'], `${path} PATCH accepts SMP`);
      assert.equal(item.patch['x-kubernetes-action'], 'patch');
    }
  }
  assert.ok(patches >= 10);
  const podPatch = coreV1.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
  assert.deepEqual(podPatch['x-kubernetes-group-version-kind'], { group: '', kind: 'Pod', version: 'v1' });
  assert.equal(podPatch.operationId, 'patchCoreV1NamespacedPod');
  const scalePatch = appsV1.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch;
  assert.deepEqual(scalePatch['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
});

test('paths follow kube-apiserver: namespaced, all-namespaces, cluster-scoped, subresources, narrowed verbs', () => {
  assert.equal(coreV1.paths['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.deepEqual(coreV1.paths['/api/v1/pods'].get['x-kubernetes-group-version-kind'], { group: '', kind: 'Pod', version: 'v1' });
  assert.equal(coreV1.paths['/api/v1/nodes/{name}'].get.operationId, 'readCoreV1Node');
  assert.equal(coreV1.paths['/api/v1/namespaces/{namespace}/nodes'], undefined);
  assert.equal(coreV1.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post.requestBody.content['*/*'].schema.$ref, '#/components/schemas/io.k8s.api.policy.v1.Eviction');
  assert.equal(coreV1.paths['/api/v1/namespaces/{namespace}/pods/{name}/log'].get.operationId, 'readCoreV1NamespacedPodLog');
  assert.equal(coreV1.paths['/api/v1/namespaces/{namespace}/events'].delete, undefined, 'no deletecollection when the verbs omit it');
  const list = coreV1.paths['/api/v1/namespaces/{namespace}/pods'];
  assert.equal(list.get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.core.v1.PodList');
  assert.deepEqual(list.parameters.map((p: { name: string }) => p.name), ['namespace', 'pretty']);
  assert.equal(json(documents.v3('apis/rbac.authorization.k8s.io/v1')!.body).paths['/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}'].patch.operationId, 'patchRbacAuthorizationV1ClusterRole');
});

test('pod.spec is explain-able from the v3 document: description, required containers, merge key', () => {
  const schemas = coreV1.components.schemas;
  const pod = schemas['io.k8s.api.core.v1.Pod'];
  assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.deepEqual(pod.properties.metadata.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }], 'a reference with its own description is wrapped in allOf');
  assert.match(pod.properties.metadata.description, /Standard object's metadata/);
  assert.deepEqual(pod.properties.spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }], 'the field keeps its own description beside its type, as kube-apiserver publishes it');
  assert.match(pod.properties.spec.description, /^Specification of the desired behavior of the pod/);
  const podSpec = schemas['io.k8s.api.core.v1.PodSpec'];
  assert.equal(podSpec.description, 'PodSpec is a description of a pod.');
  assert.deepEqual(podSpec.required, ['containers']);
  assert.match(podSpec.properties.containers.description, /List of containers/);
  assert.equal(podSpec.properties.containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(podSpec.properties.containers['x-kubernetes-patch-strategy'], 'merge');
  assert.deepEqual(podSpec.properties.containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [{ type: 'string' }, { type: 'number' }]);
  assert.equal(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
  assert.equal(JSON.stringify(coreV1).includes('#/definitions/'), false, 'every reference points into components');
  for (const ref of new Set(JSON.stringify(coreV1).match(/#\/components\/schemas\/[^"]+/g))) {
    assert.ok(schemas[ref.slice('#/components/schemas/'.length)], `${ref} is in the document`);
  }
  assert.equal(schemas['io.k8s.api.apps.v1.Deployment'], undefined, 'a group-version document holds only what its paths reach');
  assert.ok(appsV1.components.schemas['io.k8s.api.core.v1.PodTemplateSpec']);
  assert.equal(appsV1.components.schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
});

test('the v2 document: definitions with GVKs, paths with SMP in PATCH consumes', () => {
  const v2 = json(documents.v2().body);
  assert.equal(v2.swagger, '2.0');
  assert.deepEqual(v2.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.ok(v2.definitions['io.k8s.api.core.v1.PodTemplateSpec'], 'what a served kind references is there');
  assert.equal(v2.definitions['io.k8s.api.batch.v1.Job'], undefined, 'a kind PodLab does not serve is not');
  assert.equal(v2.definitions['io.k8s.api.apps.v1.StatefulSet'], undefined, 'nor one of a served group that is not served itself');
  for (const ref of new Set(JSON.stringify(v2).match(/#\/definitions\/[^"]+/g))) {
    assert.ok(v2.definitions[ref.slice('#/definitions/'.length)], `${ref} is in the document`);
  }
  const patch = v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  assert.ok(patch.consumes.includes('application/strategic-merge-patch+json'));
  assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
  assert.deepEqual(patch.parameters[0], { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
});

test('the v2 protobuf is a gnostic Document: swagger "2.0" first, then info, paths and definitions', () => {
  const pb = documents.v2Protobuf();
  assert.equal(pb.contentType, 'application/octet-stream');
  assert.deepEqual([...pb.body.subarray(0, 5)], [0x0a, 0x03, 0x32, 0x2e, 0x30]);
  assert.ok(pb.body.includes(Buffer.from('io.k8s.api.core.v1.PodSpec')));
  assert.ok(pb.body.includes(Buffer.from('x-kubernetes-patch-merge-key')));
});

test('documents are built once; hash is the SHA-512 of the body; ETags answer If-None-Match', () => {
  const v3 = documents.v3('api/v1')!;
  assert.equal(documents.v3('api/v1'), v3);
  assert.equal(documents.v2(), documents.v2());
  assert.equal(v3.hash, createHash('sha512').update(v3.body).digest('hex').toUpperCase());
  assert.equal(v3.etag, `"${v3.hash}"`);
  assert.equal(v3.contentType, 'application/json');
  assert.equal(notModified(v3, v3.etag), true);
  assert.equal(notModified(v3, `W/${v3.etag}, "other"`), true);
  assert.equal(notModified(v3, '"other"'), false);
  assert.equal(notModified(v3, undefined), false);
});

test('schema services pick the /openapi/v2 format from Accept and map patch errors to Status errors', () => {
  const services = createSchemaServices();
  const server = services.openapi(resources);
  assert.equal(server.document('/openapi/v2', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf')!.contentType, 'application/octet-stream');
  assert.equal(server.document('/openapi/v2', 'application/json, */*')!.contentType, 'application/json');
  assert.equal(server.document('/openapi/v2')!.contentType, 'application/json');
  const apps = server.document('/openapi/v3/apis/apps/v1')!;
  assert.equal(apps.notModified, false);
  assert.equal(server.document('/openapi/v3/apis/apps/v1', undefined, apps.etag)!.notModified, true);
  assert.equal(server.document('/openapi/v3/apis/nope/v1'), undefined);
  assert.throws(
    () => services.applyPatch('application/apply-patch+yaml', { metadata: {} }, {}, { group: '', version: 'v1', kind: 'Pod' }),
    (err: unknown) => (err as { status?: { code: number; reason: string } }).status?.code === 415 && (err as { status: { reason: string } }).status.reason === 'UnsupportedMediaType',
  );
});
