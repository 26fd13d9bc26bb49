// Response compression as kube-apiserver does it (APIResponseCompression):
// a body over 128 KiB is gzipped for a client whose Accept-Encoding names
// gzip (Go's transport always does), with Vary: Accept-Encoding; smaller
// bodies, and clients that do not ask, get the JSON as it is.

import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { acceptsGzip, GZIP_THRESHOLD_BYTES } from '../../main/apiserver/http/responseCompression.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
}

describe('response compression', () => {
  const dir = tempDir('http-gzip');
  const pki = loadOrCreatePki(dir, 'gzip');
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17' });

  before(async () => {
    await api.listen(0);
    await ensureSystemNamespaces(api.client(adminUser));
    const configmaps = api.client(adminUser).resource({ group: '', version: 'v1', plural: 'configmaps' });
    await api.client(adminUser).resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bulk' } });
    // 40 ConfigMaps of 4 KiB each: their list is over the threshold, one of them is far under it.
    for (let i = 0; i < 40; i++) await configmaps.create('bulk', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { text: 'x'.repeat(4096) } });
  });
  after(async () => {
    await api.close();
    await store.close();
    removeDir(dir);
  });

  function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(`${api.url}${path}`, { ca: pki.caCert, headers: { Authorization: 'Bearer tok', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('gzips a large list for a client that accepts gzip; the inflated body is the plain answer', async () => {
    const plain = await get('/api/v1/namespaces/bulk/configmaps');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.bytes.length > GZIP_THRESHOLD_BYTES);
    const zipped = await get('/api/v1/namespaces/bulk/configmaps', { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
    assert.equal(zipped.headers['content-type'], 'application/json');
    assert.ok(zipped.bytes.length < plain.bytes.length / 10, `${zipped.bytes.length} bytes gzipped, ${plain.bytes.length} plain`);
    const inflated = JSON.parse(gunzipSync(zipped.bytes).toString());
    assert.equal(inflated.items.length, 40);
    assert.deepEqual(inflated, JSON.parse(plain.bytes.toString()));
  });

  it('sends a body under 128 KiB as it is, even to a client that accepts gzip', async () => {
    const one = await get('/api/v1/namespaces/bulk/configmaps/cm-0', { 'Accept-Encoding': 'gzip' });
    assert.equal(one.status, 200);
    assert.equal(one.headers['content-encoding'], undefined);
    assert.equal(JSON.parse(one.bytes.toString()).metadata.name, 'cm-0');
  });

  it('reads Accept-Encoding token by token, as negotiateContentEncoding does', () => {
    assert.equal(acceptsGzip({ 'accept-encoding': 'gzip' }), true);
    assert.equal(acceptsGzip({ 'accept-encoding': 'deflate , gzip' }), true);
    assert.equal(acceptsGzip({ 'accept-encoding': 'deflate, br' }), false);
    assert.equal(acceptsGzip({ 'accept-encoding': 'gzip;q=1.0' }), false);
    assert.equal(acceptsGzip({ 'accept-encoding': 'x-gzip' }), false);
    assert.equal(acceptsGzip({}), false);
  });
});
