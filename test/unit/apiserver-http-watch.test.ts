// Watches over HTTPS as client-go reads them: JSON lines, bookmarks for
// watchers that allow them, an end after timeoutSeconds.

import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

describe('watch over HTTPS', () => {
  const dir = tempDir('http-watch');
  const pki = loadOrCreatePki(dir, 'watch');
  const store = new SqliteStore({ path: ':memory:' });
  const schema = createSchemaServices();
  const api = new ApiServer({ store, definitions: allResources, schema, tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17', bookmarkIntervalMs: 100 });

  before(async () => {
    await api.listen(0);
    await ensureSystemNamespaces(api.client(adminUser));
  });
  after(async () => {
    await api.close();
    await store.close();
    removeDir(dir);
  });

  function watchLines(query: string, path = '/api/v1/namespaces'): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const req = request(`${api.url}${path}?watch=true&${query}`, { ca: pki.caCert, headers: { Authorization: 'Bearer tok' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body.split('\n').filter(Boolean)));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('streams the current objects, sends bookmarks when allowed, and ends after timeoutSeconds', async () => {
    const lines = (await watchLines('allowWatchBookmarks=true&timeoutSeconds=1')).map((l) => JSON.parse(l));
    const added = lines.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name);
    assert.deepEqual(added.sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const bookmarks = lines.filter((e) => e.type === 'BOOKMARK');
    assert.ok(bookmarks.length >= 1, 'at least one bookmark in a second at a 100 ms interval');
    assert.equal(bookmarks[0].object.kind, 'Namespace');
    assert.ok(Number(bookmarks[0].object.metadata.resourceVersion) > 0);
  });

  it('sends no bookmarks to watchers that did not ask', async () => {
    const lines = (await watchLines('timeoutSeconds=1')).map((l) => JSON.parse(l));
    assert.equal(lines.filter((e) => e.type === 'BOOKMARK').length, 0);
  });

  it('sends each change as the object an in-process watcher gets, in JSON.stringify form, resourceVersion included', async () => {
    const client = api.client(adminUser);
    const cms = client.resource({ group: '', version: 'v1', plural: 'configmaps' });
    const from = String(await store.currentRevision());
    const seen: { type: string; object: unknown }[] = [];
    const inProcess = cms.watch('default', { resourceVersion: from }, (e) => seen.push({ type: e.type, object: e.object }));
    const lines = watchLines(`resourceVersion=${from}&timeoutSeconds=1`, '/api/v1/namespaces/default/configmaps');
    await new Promise((r) => setTimeout(r, 100));
    await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seen', labels: { a: 'b' } }, data: { k: 'v' } });
    await cms.patch('default', 'seen', 'application/merge-patch+json', { data: { k: 'w "quoted" \\ ünïcode\n' } });
    await cms.delete('default', 'seen');
    const got = await lines;
    inProcess.stop();
    assert.deepEqual(got.map((l) => JSON.parse(l).type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.deepEqual(got, seen.map((e) => JSON.stringify(e)));
  });
});
