// The HTTPS KubeClient against a real PodLab API server in this process:
// CRUD, paging, subresources, Status errors as ApiError, watches (events in
// order, bookmarks, 410 Gone as an ERROR event), server-side Tables,
// aggregated discovery, a client certificate user refused by RBAC, and a
// 401 answered by asking the credential source again.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { issueClientCertificate, loadOrCreatePki } from '../../main/cluster/pki.ts';
import { fixedEndpoint, type ApiEndpoint, type EndpointSource } from '../../main/kube/client/apiEndpoint.ts';
import { HttpKubeClient } from '../../main/kube/client/httpClient.ts';
import { httpDiscoveryClient } from '../../main/kube/client/httpDiscovery.ts';
import { httpTableClient } from '../../main/kube/client/httpTables.ts';
import { isApiError, type ClientWatchEvent } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { eventually } from '../helpers/eventually.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const configMaps = { group: '', version: 'v1', plural: 'configmaps' };

describe('HTTPS KubeClient', () => {
  const dir = tempDir('http-client');
  const pki = loadOrCreatePki(dir, 'http-client');
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert, clientCA: pki.caCert }, adminToken: 'admin-token', serviceRange: '10.244.128.0/17', bookmarkIntervalMs: 100 });
  let admin: ApiEndpoint;

  before(async () => {
    await api.listen(0);
    await ensureSystemNamespaces(api.client(adminUser));
    admin = { url: api.url, caCert: pki.caCert, token: 'admin-token' };
  });
  after(async () => {
    await api.close();
    await store.close();
    removeDir(dir);
  });

  it('creates, reads, pages, patches, updates and deletes, with the server\'s Status as ApiError', async () => {
    const cms = new HttpKubeClient(fixedEndpoint(admin)).resource(configMaps);
    for (const name of ['a', 'b', 'c']) await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { n: name } } as KubeObject);
    const page = await cms.list('default', { limit: 2 });
    assert.equal(page.items.length, 2);
    assert.ok(page.metadata.continue);
    const rest = await cms.list('default', { limit: 2, continue: page.metadata.continue });
    assert.deepEqual(rest.items.map((i) => i.metadata.name), ['c']);
    const patched = await cms.patch('default', 'a', 'application/merge-patch+json', { data: { n: 'patched' } });
    assert.equal((patched as { data?: Record<string, string> }).data?.n, 'patched');
    const stale = { ...patched, metadata: { ...patched.metadata, resourceVersion: '1' } };
    await assert.rejects(cms.update('default', stale), (err) => isApiError(err, 'Conflict') && err.code === 409);
    await assert.rejects(cms.get('default', 'nope'), (err) => isApiError(err, 'NotFound') && /configmaps "nope" not found/.test(err.message));
    await assert.rejects(cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } } as KubeObject), (err) => isApiError(err, 'AlreadyExists'));
    const dry = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } } as KubeObject, { dryRun: true });
    assert.equal(dry.metadata.name, 'dry');
    await assert.rejects(cms.get('default', 'dry'), (err) => isApiError(err, 'NotFound'));
    await cms.delete('default', 'b');
    await assert.rejects(cms.get('default', 'b'), (err) => isApiError(err, 'NotFound'));
  });

  it('reads and writes subresources (a Deployment\'s scale)', async () => {
    const deployments = new HttpKubeClient(fixedEndpoint(admin)).resource({ group: 'apps', version: 'v1', plural: 'deployments' });
    const labels = { app: 'web' };
    await deployments.create('default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } as KubeObject);
    const scaled = await deployments.patch('default', 'web', 'application/merge-patch+json', { spec: { replicas: 3 } }, 'scale');
    assert.equal(scaled.kind, 'Scale');
    const scale = (await deployments.get('default', 'web', 'scale')) as KubeObject & { spec: { replicas: number } };
    assert.equal(scale.spec.replicas, 3);
  });

  it('watches: current objects, then changes in order, bookmarks when asked; stop ends it', async () => {
    const cms = new HttpKubeClient(fixedEndpoint(admin)).resource(configMaps);
    await cms.create('kube-public', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1' } } as KubeObject);
    const events: ClientWatchEvent[] = [];
    const handle = cms.watch('kube-public', { allowWatchBookmarks: true }, (e) => events.push(e));
    await eventually('w1 added', async () => events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'w1'), 10_000, 20);
    await cms.create('kube-public', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w2' } } as KubeObject);
    await cms.delete('kube-public', 'w1');
    await eventually('w1 deleted', async () => events.some((e) => e.type === 'DELETED'), 10_000, 20);
    assert.deepEqual(events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata.name}`).filter((t) => !t.endsWith('kube-root-ca.crt')), ['ADDED w1', 'ADDED w2', 'DELETED w1']);
    await eventually('a bookmark', async () => events.some((e) => e.type === 'BOOKMARK'), 10_000, 20);
    handle.stop();
    await handle.done;
  });

  it('delivers a 410 Gone for a compacted resourceVersion as one ERROR event and ends', async () => {
    await store.compact(Number((await new HttpKubeClient(fixedEndpoint(admin)).resource(configMaps).list('default')).metadata.resourceVersion));
    const events: ClientWatchEvent[] = [];
    const handle = new HttpKubeClient(fixedEndpoint(admin)).resource(configMaps).watch('default', { resourceVersion: '2' }, (e) => events.push(e));
    await handle.done;
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'ERROR');
    assert.equal((events[0]!.object as unknown as { code: number }).code, 410);
  });

  it('answers server-side Tables and aggregated discovery', async () => {
    const table = await httpTableClient(fixedEndpoint(admin)).list({ group: '', version: 'v1', plural: 'namespaces' }, undefined);
    assert.equal(table.kind, 'Table');
    assert.deepEqual(table.columnDefinitions.slice(0, 3).map((c) => c.name), ['Name', 'Status', 'Age']);
    assert.ok(table.rows.some((r) => r.cells[0] === 'kube-system'));
    const groups = await httpDiscoveryClient(fixedEndpoint(admin)).groups();
    assert.equal(groups[0]!.metadata.name, undefined, 'the core group first');
    assert.ok(groups[0]!.versions[0]!.resources.some((r) => r.resource === 'pods' && r.subresources?.some((s) => s.subresource === 'log')));
    assert.ok(groups.some((g) => g.metadata.name === 'apps'));
  });

  it('authenticates a client certificate; RBAC refuses what the user was not granted', async () => {
    const { certPem, keyPem } = issueClientCertificate(dir, { user: 'alice', groups: [], validityMs: 3600_000 });
    const alice = new HttpKubeClient(fixedEndpoint({ url: api.url, caCert: pki.caCert, clientCert: certPem, clientKey: keyPem }));
    await assert.rejects(alice.resource({ group: '', version: 'v1', plural: 'pods' }).list('default'), (err) => isApiError(err, 'Forbidden') && /User "alice" cannot list resource "pods"/.test(err.message));
  });

  it('after a 401 asks its source for fresh credentials and sends the request once more', async () => {
    let invalidated = 0;
    const source: EndpointSource = { current: async () => ({ ...admin, token: invalidated > 0 ? 'admin-token' : 'revoked' }), invalidate: () => invalidated++ };
    const list = await new HttpKubeClient(source).resource({ group: '', version: 'v1', plural: 'namespaces' }).list();
    assert.ok(list.items.length >= 4);
    assert.equal(invalidated, 1);
    const never: EndpointSource = { current: async () => ({ ...admin, token: 'wrong' }), invalidate: () => undefined };
    await assert.rejects(new HttpKubeClient(never).resource(configMaps).list('default'), (err) => isApiError(err) && err.code === 401);
  });
});
