// /healthz, /livez and /readyz as kube-apiserver answers them, from a real
// API server over HTTPS on a real SQLite store: "ok", the verbose list of
// checks, a check alone, ?exclude=, and the failed answer (a 500 naming the
// check without its reason) once the store is closed.

import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

describe('health endpoints', () => {
  const dir = tempDir('health');
  const pki = loadOrCreatePki(dir, 'health');
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17' });

  before(async () => {
    await api.listen(0);
  });
  after(async () => {
    await api.close();
    await store.close().catch(() => undefined);
    removeDir(dir);
  });

  function get(path: string): Promise<{ status: number; body: string; type?: string }> {
    return new Promise((resolve, reject) => {
      const req = request(`${api.url}${path}`, { ca: pki.caCert, headers: { Authorization: 'Bearer tok' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('answers ok, lists its checks when verbose, runs one alone, and skips the excluded ones', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) assert.deepEqual(await get(path), { status: 200, body: 'ok', type: 'text/plain; charset=utf-8' });
    assert.equal((await get('/livez?verbose')).body, '[+]ping ok\n[+]etcd ok\nlivez check passed\n');
    assert.equal((await get('/readyz?verbose')).body, '[+]ping ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]shutdown ok\nreadyz check passed\n');
    assert.equal((await get('/readyz?verbose&exclude=etcd&exclude=nope')).body, '[+]ping ok\n[+]etcd excluded: ok\n[+]etcd-readiness ok\n[+]shutdown ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n');
    assert.deepEqual(await get('/livez/etcd'), { status: 200, body: 'ok', type: 'text/plain; charset=utf-8' });
    assert.equal((await get('/readyz/shutdown')).body, 'ok');
    assert.equal((await get('/livez/shutdown')).status, 404, 'shutdown is a readiness check only');
    assert.equal((await get('/livez/nothing')).status, 404);
  });

  it('a store that does not answer fails the etcd checks: a 500 that names them, always verbose, the reason only for the check alone', async () => {
    await store.close();
    const live = await get('/livez');
    assert.equal(live.status, 500);
    assert.equal(live.body, '[+]ping ok\n[-]etcd failed: reason withheld\nlivez check failed\n');
    assert.equal((await get('/readyz?exclude=etcd')).body, '[+]ping ok\n[+]etcd excluded: ok\n[-]etcd-readiness failed: reason withheld\n[+]shutdown ok\nreadyz check failed\n');
    const alone = await get('/livez/etcd');
    assert.equal(alone.status, 500);
    assert.match(alone.body, /^internal server error: .+\n$/);
    assert.equal((await get('/livez?exclude=etcd')).body, 'ok');
  });
});
