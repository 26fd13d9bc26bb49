// The Debug tab's diagnosis lists only the related kinds a rule can use for
// the pod: a healthy pod's refresh reads Services and Ingresses, not
// ConfigMaps, claims, StorageClasses or Deployments; a failing container
// brings ConfigMaps in, a mounted claim brings claims and StorageClasses.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeClient } from '../../main/kube/client/types.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { diagnose } from '../../main/ui/diagnose.ts';
import { unavailablePodStreams } from '../../main/ui/podStreams.ts';
import type { ClusterConnection } from '../../main/ui/uiHost.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { InterceptingClient } from '../helpers/interceptingClient.ts';

let api: InProcessApi;
const pods = { group: '', version: 'v1', plural: 'pods' };

before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

/** The kinds a diagnosis of `name` listed. */
async function listedFor(name: string): Promise<string[]> {
  const client = new InterceptingClient(api.client);
  const connection = { client: client as KubeClient, kinds: catalogKindResolver(api.api.catalog), discovery: api.api.discoveryClient(adminUser), tables: api.api.tableClient(adminUser), streams: unavailablePodStreams } as ClusterConnection;
  await diagnose(connection, 'default', name);
  return [...new Set(client.calls.filter((c) => c.method === 'list').map((c) => c.plural))].sort();
}

async function podWithStatus(name: string, spec: object, status: object): Promise<void> {
  await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox:1.36' }], ...spec } });
  const current = await api.client.resource(pods).get('default', name);
  await api.client.resource(pods).updateStatus('default', { ...current, status: { ...(current.status as object), ...status } });
}

test('a healthy pod: Services and Ingresses only, beside the pod\'s events, the nodes and the disruption budgets (advice)', async () => {
  await podWithStatus('healthy', {}, { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: '2026-12-05T10:00:00Z' } } }] });
  assert.deepEqual(await listedFor('healthy'), ['events', 'ingresses', 'nodes', 'poddisruptionbudgets', 'services']);
});

test('a restarting container brings ConfigMaps in; a mounted claim brings claims and StorageClasses', async () => {
  await podWithStatus('crashing', {}, { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 3, image: 'busybox:1.36', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }] });
  assert.ok((await listedFor('crashing')).includes('configmaps'));
  await podWithStatus('claimer', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }, { phase: 'Pending' });
  const listed = await listedFor('claimer');
  assert.ok(listed.includes('persistentvolumeclaims') && listed.includes('storageclasses'), listed.join(','));
  assert.ok(!listed.includes('configmaps'));
});
