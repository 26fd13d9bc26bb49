// Kinds that come and go while the API server runs, and resources served in
// more than one version over one storage: discovery (legacy and aggregated)
// follows the catalog, events.k8s.io/v1 and core/v1 Events are one store, and
// a CustomResourceDefinition's versions are served once it is Established and
// gone (with every custom resource) once it is deleted.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResourceClient } from '../../main/kube/client/types.ts';
import { isApiError } from '../../main/kube/client/types.ts';
import type { CustomResourceDefinition } from '../../main/apiserver/crd/types.ts';
import { aggregatedDiscoveryRequested, compareKubeAwareVersions, Discovery } from '../../main/apiserver/discovery.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { configmaps } from '../../main/apiserver/resources/configmaps.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const crdRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };
const widgetsV1 = { group: 'example.com', version: 'v1', plural: 'widgets' };
const widgetsV1beta1 = { group: 'example.com', version: 'v1beta1', plural: 'widgets' };

function widgetCRD(overrides: Partial<CustomResourceDefinition['spec']> = {}): CustomResourceDefinition {
  const schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
      versions: [
        { name: 'v1beta1', served: true, storage: false, schema },
        {
          name: 'v1',
          served: true,
          storage: true,
          schema,
          subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size', labelSelectorPath: '.status.selector' } },
        },
      ],
      ...overrides,
    },
  };
}

function widget(name: string, apiVersion = 'example.com/v1'): KubeObject {
  return { apiVersion, kind: 'Widget', metadata: { name }, spec: { size: 2, color: 'blue' } };
}

describe('discovery', () => {
  it('orders versions as Kubernetes does: GA, then beta, then alpha, newest first', () => {
    const sorted = ['v1alpha1', 'v1beta1', 'v2', 'v1', 'v2beta3', 'foo', 'v10'].sort(compareKubeAwareVersions);
    assert.deepEqual(sorted, ['v10', 'v2', 'v1', 'v2beta3', 'v1beta1', 'v1alpha1', 'foo']);
  });

  it('answers with aggregated discovery only when asked for it first', () => {
    const kubectl = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    assert.equal(aggregatedDiscoveryRequested(kubectl), 'v2');
    assert.equal(aggregatedDiscoveryRequested('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'), 'v2beta1');
    assert.equal(aggregatedDiscoveryRequested('application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'), undefined);
    assert.equal(aggregatedDiscoveryRequested(undefined), undefined);
  });
});

describe('kinds at run time (in-process)', () => {
  let env: InProcessApi;
  let crds: ResourceClient;
  let discovery: Discovery;

  before(async () => {
    env = await startInProcessApi();
    crds = env.client.resource(crdRef);
    discovery = new Discovery(env.api.catalog, () => '127.0.0.1:6443');
  });
  after(async () => env?.close());

  it('rebuilds discovery when a kind is added or removed', () => {
    const before = discovery.document('/api/v1');
    assert.ok(before && !before.includes('"extras"'));
    env.api.catalog.add({ ...configmaps, plural: 'extras', singular: 'extra', kind: 'Extra', shortNames: undefined });
    assert.ok(discovery.document('/api/v1')?.includes('"name":"extras"'));
    const aggregated = JSON.parse(discovery.document('/api', 'v2') ?? '{}');
    assert.equal(aggregated.kind, 'APIGroupDiscoveryList');
    assert.equal(aggregated.apiVersion, 'apidiscovery.k8s.io/v2');
    const extras = aggregated.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'extras');
    assert.deepEqual(extras.responseKind, { group: '', version: 'v1', kind: 'Extra' });
    assert.equal(extras.scope, 'Namespaced');
    env.api.catalog.remove('', 'v1', 'extras');
    assert.ok(!discovery.document('/api/v1')?.includes('"name":"extras"'));
  });

  it('keeps one Event store: an events.k8s.io/v1 Event is a core/v1 Event', async () => {
    const eventsV1 = env.client.resource({ group: 'events.k8s.io', version: 'v1', plural: 'events' });
    await eventsV1.create('default', {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'shared' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Tested',
      reason: 'Testing',
      note: 'one store',
      type: 'Normal',
      regarding: { kind: 'Pod', name: 'p', namespace: 'default' },
    });
    const core = await env.client.resource({ group: '', version: 'v1', plural: 'events' }).get('default', 'shared');
    assert.equal(core.apiVersion, 'v1');
    assert.equal(core.message, 'one store');
    assert.equal(core.reportingComponent, 'example.com/ctl');
    assert.deepEqual(core.involvedObject, { kind: 'Pod', name: 'p', namespace: 'default' });
  });

  it('serves the versions of an established CRD, one storage for all of them', async () => {
    await crds.create(undefined, widgetCRD());
    const crd = await eventually('the CRD established', async () => {
      const current = (await crds.get(undefined, 'widgets.example.com')) as CustomResourceDefinition;
      return env.api.catalog.registry('example.com', 'v1', 'widgets') && current.status?.conditions?.length ? current : undefined;
    });
    const condition = (type: string) => crd.status?.conditions?.find((c) => c.type === type);
    assert.equal(condition('NamesAccepted')?.reason, 'NoConflicts');
    assert.equal(condition('Established')?.status, 'True');
    assert.deepEqual(crd.status?.storedVersions, ['v1']);
    assert.equal(crd.status?.acceptedNames?.listKind, 'WidgetList');
    assert.ok(discovery.document('/apis/example.com/v1')?.includes('"name":"widgets/scale"'));
    assert.equal(JSON.parse(discovery.document('/apis/example.com') ?? '{}').preferredVersion.version, 'v1');

    const created = await env.client.resource(widgetsV1beta1).create('default', widget('w1', 'example.com/v1beta1'));
    assert.equal(created.apiVersion, 'example.com/v1beta1');
    assert.equal(created.metadata.generation, 1);
    const asV1 = await env.client.resource(widgetsV1).get('default', 'w1');
    assert.equal(asV1.apiVersion, 'example.com/v1');
    assert.deepEqual(asV1.spec, { size: 2, color: 'blue' });
  });

  it('reads and writes scale through the paths the CRD declares', async () => {
    const widgets = env.client.resource(widgetsV1);
    await widgets.patch('default', 'w1', 'application/merge-patch+json', { status: { size: 1, selector: 'app=w1' } }, 'status');
    const scale = (await widgets.patch('default', 'w1', 'application/merge-patch+json', { spec: { replicas: 5 } }, 'scale')) as KubeObject & { spec: unknown; status: unknown };
    assert.equal(scale.kind, 'Scale');
    assert.deepEqual(scale.spec, { replicas: 5 });
    assert.deepEqual(scale.status, { replicas: 1, selector: 'app=w1' });
    const after = await widgets.get('default', 'w1');
    assert.equal((after.spec as { size: number }).size, 5);
    assert.equal(after.metadata.generation, 2);
  });

  it('does not serve a second CRD of the group whose kind is taken (NamesAccepted False)', async () => {
    const clash = widgetCRD({ names: { plural: 'gizmos', singular: 'gizmo', kind: 'Widget' } });
    clash.metadata.name = 'gizmos.example.com';
    await crds.create(undefined, clash);
    const crd = await eventually('the conflict reported', async () => {
      const current = (await crds.get(undefined, 'gizmos.example.com')) as CustomResourceDefinition;
      return current.status?.conditions?.length ? current : undefined;
    });
    const accepted = crd.status?.conditions?.find((c) => c.type === 'NamesAccepted');
    // The naming controller checks kind, then listKind: the last conflict found is the one reported.
    assert.deepEqual([accepted?.status, accepted?.reason, accepted?.message], ['False', 'ListKindConflict', '"WidgetList" is already in use']);
    assert.equal(env.api.catalog.registry('example.com', 'v1', 'gizmos'), undefined);
    await crds.delete(undefined, 'gizmos.example.com');
  });

  it('deletes every custom resource with its CRD, then the CRD and its kinds', async () => {
    const widgets = env.client.resource(widgetsV1);
    await widgets.create('other', widget('w2')).catch(async (err) => {
      if (!isApiError(err, 'NotFound')) throw err;
      await env.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
      await widgets.create('other', widget('w2'));
    });
    const watching = widgets.watch(undefined, {}, () => undefined);
    const marked = await crds.delete(undefined, 'widgets.example.com');
    assert.ok(marked.metadata.finalizers?.includes('customresourcecleanup.apiextensions.k8s.io'));
    await eventually('the CRD gone', () => crds.get(undefined, 'widgets.example.com').then(() => false, (err) => isApiError(err, 'NotFound')));
    assert.equal(env.api.catalog.registry('example.com', 'v1', 'widgets'), undefined);
    assert.equal((await env.store.range('/registry/example.com/widgets/')).kvs.length, 0);
    assert.ok(!discovery.document('/apis')?.includes('example.com'));
    // A watch on the kind ends with it, as kube-apiserver closes watches on a deleted CRD's storage.
    await watching.done;
  });
});
