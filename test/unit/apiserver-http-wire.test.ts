// The bytes kube-apiserver puts on the wire, as clients that read lines or
// compare bodies see them: every JSON body is one line ending in a newline
// (objects, lists, tables, Status errors, discovery), `pretty` and curl get
// indented JSON without it, /version is always indented; and query booleans
// read as Kubernetes' parameter codec reads them (watch=1, watch=True and
// watch=yes are watches; only absent, 0 and false are false).

import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

describe('JSON on the wire and query booleans', () => {
  const dir = tempDir('http-wire');
  const pki = loadOrCreatePki(dir, 'wire');
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17', bookmarkIntervalMs: 50 });

  before(async () => {
    await api.listen(0);
    await ensureSystemNamespaces(api.client(adminUser));
    await api.client(adminUser).resource({ group: '', version: 'v1', plural: 'configmaps' }).create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
  });
  after(async () => {
    await api.close();
    await store.close();
    removeDir(dir);
  });

  /** The whole answer; `firstLine` stops reading after one line (a watch that would go on). */
  function call(method: string, path: string, headers: Record<string, string> = {}, body?: string, firstLine = false): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(`${api.url}${path}`, { method, ca: pki.caCert, headers: { Authorization: 'Bearer tok', 'User-Agent': 'kubectl/v1.32.0', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (firstLine && text.includes('\n')) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body: text.slice(0, text.indexOf('\n') + 1), headers: res.headers });
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      });
      req.on('error', (error) => (firstLine ? undefined : reject(error)));
      req.end(body);
    });
  }

  const oneLine = (answer: Answer) => {
    assert.ok(answer.body.endsWith('}\n'), `ends with a newline: ${JSON.stringify(answer.body.slice(-20))}`);
    assert.equal(answer.body.indexOf('\n'), answer.body.length - 1, 'one line');
    return JSON.parse(answer.body);
  };

  it('answers of up to 2 KB carry their Content-Length and longer ones are chunked, as Go frames them', async () => {
    const framing = (answer: Answer) => ({ length: answer.headers['content-length'], chunked: answer.headers['transfer-encoding'] === 'chunked' });
    const small = await call('GET', '/api/v1/namespaces/default/configmaps/settings');
    assert.equal(small.status, 200);
    assert.deepEqual(framing(small), { length: String(Buffer.byteLength(small.body)), chunked: false });
    const missing = await call('GET', '/api/v1/namespaces/default/configmaps/none');
    assert.equal(missing.status, 404);
    assert.deepEqual(framing(missing), { length: String(Buffer.byteLength(missing.body)), chunked: false });
    const large = await call('GET', '/api/v1');
    assert.ok(Buffer.byteLength(large.body) > 2048);
    assert.deepEqual(framing(large), { length: undefined, chunked: true });
    // Characters are not bytes: 2,000 of them that take two bytes each are over 2 KB.
    const accents = await call('POST', '/api/v1/namespaces/default/configmaps', {}, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'accents' }, data: { text: 'é'.repeat(1000) } }));
    assert.equal(accents.status, 201);
    assert.ok(accents.body.length <= 2048 && Buffer.byteLength(accents.body) > 2048, `${accents.body.length} characters, ${Buffer.byteLength(accents.body)} bytes`);
    assert.deepEqual(framing(accents), { length: undefined, chunked: true });
  });

  it('a list spliced from the stored JSON is byte for byte the list decoded and stringified', async () => {
    const client = api.client(adminUser);
    const configmaps = client.resource({ group: '', version: 'v1', plural: 'configmaps' });
    // Braces, brackets, quotes and escapes inside strings; an empty and a nested metadata; an Event whose reference carries a resourceVersion.
    await client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wire-list' } });
    await configmaps.create('wire-list', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tricky', labels: { a: 'b' }, annotations: { 'x/y': '{"}]\\\\"[' } }, data: { brace: '{}}]', q: '"\\' } });
    await configmaps.create('wire-list', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
    await client.resource({ group: '', version: 'v1', plural: 'events' }).create('wire-list', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1' }, involvedObject: { kind: 'ConfigMap', namespace: 'wire-list', name: 'plain', resourceVersion: '7' }, reason: 'Made', message: 'm' });
    for (const path of ['/api/v1/namespaces/wire-list/configmaps', '/api/v1/configmaps', '/api/v1/namespaces/wire-list/events', '/api/v1/namespaces/nothing-here/configmaps']) {
      const answer = await call('GET', path);
      assert.equal(answer.status, 200);
      const decoded = await (path.includes('events') ? client.resource({ group: '', version: 'v1', plural: 'events' }) : configmaps).list(path.includes('/namespaces/') ? path.split('/')[4]! : '');
      assert.equal(answer.body, `${JSON.stringify(decoded)}\n`, path);
    }
  });

  it('objects, lists, created objects and Status errors are one line ending in a newline', async () => {
    assert.equal(oneLine(await call('GET', '/api/v1/namespaces/default/configmaps/settings')).data.a, '1');
    assert.equal(oneLine(await call('GET', '/api/v1/namespaces/default/configmaps')).kind, 'ConfigMapList');
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', {}, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'made' } }));
    assert.equal(created.status, 201);
    oneLine(created);
    const missing = await call('GET', '/api/v1/namespaces/default/configmaps/nope');
    assert.equal(missing.status, 404);
    assert.equal(oneLine(missing).reason, 'NotFound');
    const invalid = await call('POST', '/api/v1/namespaces/default/configmaps', {}, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }));
    assert.equal(invalid.status, 422);
    oneLine(invalid);
  });

  it('tables and discovery documents are lines too; /version is indented with no newline, as WriteRawJSON writes it', async () => {
    const table = await call('GET', '/api/v1/namespaces/default/configmaps', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(oneLine(table).kind, 'Table');
    for (const path of ['/api', '/apis', '/api/v1', '/apis/apps/v1', '/apis/apps']) oneLine(await call('GET', path));
    oneLine(await call('GET', '/apis', { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' }));
    const version = await call('GET', '/version');
    assert.ok(version.body.startsWith('{\n  "major": "1"'));
    assert.ok(version.body.endsWith('}'));
  });

  it('pretty (strconv.ParseBool) and curl, Wget and browsers get indented JSON without the newline', async () => {
    const path = '/api/v1/namespaces/default/configmaps/settings';
    for (const pretty of ['true', '1', 't', 'TRUE', 'True']) {
      const answer = await call('GET', `${path}?pretty=${pretty}`);
      assert.ok(answer.body.startsWith('{\n  "'), `pretty=${pretty}`);
      assert.ok(answer.body.endsWith('\n}'), `pretty=${pretty}: no newline after the closing brace`);
    }
    // ParseBool's error is ignored: not pretty, and not a 400.
    for (const pretty of ['yes', 'false', '0']) oneLine(await call('GET', `${path}?pretty=${pretty}`));
    assert.ok((await call('GET', path, { 'User-Agent': 'curl/8.5.0' })).body.startsWith('{\n  "'));
    assert.ok((await call('GET', path, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' })).body.startsWith('{\n  "'));
    oneLine(await call('GET', `${path}?pretty=false`, { 'User-Agent': 'curl/8.5.0' }));
    const error = await call('GET', '/api/v1/namespaces/default/configmaps/nope?pretty=true');
    assert.ok(error.body.startsWith('{\n  "kind": "Status"'));
    assert.ok((await call('GET', '/api/v1?pretty=1')).body.startsWith('{\n  "kind": "APIResourceList"'));
  });

  it('watch=1, watch=True, watch=yes and watch= are watches; watch=0 and watch=FALSE are lists', async () => {
    for (const watch of ['true', '1', 'True', 'TRUE', 'yes', '']) {
      const first = JSON.parse((await call('GET', `/api/v1/namespaces/default/configmaps?watch=${watch}`, {}, undefined, true)).body);
      assert.equal(first.type, 'ADDED', `watch=${watch}`);
    }
    for (const watch of ['false', '0', 'FALSE', 'False']) {
      assert.equal(oneLine(await call('GET', `/api/v1/namespaces/default/configmaps?watch=${watch}`)).kind, 'ConfigMapList', `watch=${watch}`);
    }
  });

  it('allowWatchBookmarks=1 asks for bookmarks; a timeoutSeconds or limit that is not a number is a 400', async () => {
    const lines = (await call('GET', '/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=1&timeoutSeconds=1')).body.split('\n').filter(Boolean);
    assert.ok(lines.some((line) => JSON.parse(line).type === 'BOOKMARK'));
    const timeout = await call('GET', '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=soon');
    assert.equal(timeout.status, 400);
    assert.equal(oneLine(timeout).message, 'strconv.ParseInt: parsing "soon": invalid syntax');
    const limit = await call('GET', '/api/v1/namespaces/default/configmaps?limit=ten');
    assert.equal(limit.status, 400);
    assert.equal(oneLine(limit).message, 'strconv.ParseInt: parsing "ten": invalid syntax');
  });

  it('orphanDependents is read from the query as a boolean: orphanDependents=False and =0 answer a lingering delete with 202, =true with 200', async () => {
    const configMaps = '/api/v1/namespaces/default/configmaps';
    for (const [value, code] of [['false', 202], ['False', 202], ['0', 202], ['true', 200]] as const) {
      const name = `held-${value.toLowerCase()}-${code}`;
      await call('POST', configMaps, {}, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, finalizers: ['example.com/hold'] } }));
      const deleted = await call('DELETE', `${configMaps}/${name}?orphanDependents=${value}`);
      assert.equal(deleted.status, code, `orphanDependents=${value}`);
    }
  });
});
