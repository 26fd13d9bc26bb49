// Hostile and malformed requests against the real HTTPS server, each answered
// as kube-apiserver answers it, with nothing stored and nothing held: JSON
// patch amplification, objects over etcd's limit, dot segments and bad escapes
// in paths, unrouted methods, foreign media types, duplicate keys, bad query
// values, watchers that stop reading, trickled and oversized bodies, too many
// connections, and internal errors that would leak JavaScript's words.

import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import type { AdmissionPlugin } from '../../main/apiserver/admission/admission.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

const configMaps = '/api/v1/namespaces/default/configmaps';
const configMap = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });

// A bug deep in a write path, as a wrong-typed field used to cause one.
const buggyPlugin: AdmissionPlugin = {
  name: 'Buggy',
  validate(attrs) {
    if ((attrs.object as { metadata?: { name?: string } } | undefined)?.metadata?.name === 'boom') throw new TypeError('spec.containers.flatMap is not a function');
  },
};

describe('robustness of the API server against bad input', () => {
  const dir = tempDir('robust');
  const pki = loadOrCreatePki(dir, 'robust');
  const store = new SqliteStore({ path: ':memory:' });
  const tls = { key: pki.serverKey, cert: pki.serverCert };
  const common = { store, definitions: allResources, schema: createSchemaServices(), tls, adminToken: 'tok', serviceRange: '10.244.128.0/17' };
  const api = new ApiServer({ ...common, admissionPlugins: [buggyPlugin], httpLimits: { watchBufferBytes: 1024 * 1024 } });
  // The same store behind tight limits, for the connection tests.
  const tight = new ApiServer({ ...common, httpLimits: { requestTimeoutMs: 200, maxConnections: 3 } });
  const client = () => api.client(adminUser).resource({ group: '', version: 'v1', plural: 'configmaps' });

  before(async () => {
    await api.listen(0);
    await tight.listen(0);
    await ensureSystemNamespaces(api.client(adminUser));
  });
  after(async () => {
    await api.close();
    await tight.close();
    await store.close();
    removeDir(dir);
  });

  function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      // A path, not a URL: a URL would be normalized (`configmaps/..` sent as the namespace) before it leaves.
      const req = request({ host: '127.0.0.1', port: new URL(api.url).port, path, method, ca: pki.caCert, servername: 'localhost', headers: { Authorization: 'Bearer tok', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  function assertStatus(answer: Answer, code: number, reason: string | undefined, message?: string | RegExp): any {
    assert.equal(answer.status, code, answer.body);
    const status = answer.json();
    assert.equal(status.kind, 'Status');
    assert.equal(status.code, code);
    assert.equal(status.reason, reason);
    if (typeof message === 'string') assert.equal(status.message, message);
    else if (message) assert.match(status.message, message);
    return status;
  }

  /** A TLS connection to `server` on which the test writes raw bytes. */
  function rawSocket(server: ApiServer): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(server.url).port), ca: pki.caCert, servername: 'localhost' }, () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** Everything the server sends until it closes the connection. */
  function untilClosed(socket: TLSSocket): Promise<string> {
    return new Promise((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
    });
  }

  const statusLine = (raw: string) => raw.slice(0, raw.indexOf('\r\n'));
  /** The body of a raw answer, unchunked when it was sent in chunks. */
  const bodyOf = (raw: string) => {
    const split = raw.indexOf('\r\n\r\n');
    let rest = raw.slice(split + 4);
    if (!/^transfer-encoding: chunked$/im.test(raw.slice(0, split))) return rest;
    let body = '';
    for (;;) {
      const size = parseInt(rest, 16);
      if (!size) return body;
      const start = rest.indexOf('\r\n') + 2;
      body += rest.slice(start, start + size);
      rest = rest.slice(start + size + 2);
    }
  };

  it('bounds JSON patch work as kube-apiserver does: copies add at most 3 MiB (422), and 10,000 operations at most (413)', async () => {
    await client().create('default', configMap('amplified', { a: 'x'.repeat(100_000) }));
    const copies = Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/data/a', path: `/data/c${i}` }));
    const refused = await call('PATCH', `${configMaps}/amplified`, JSON.stringify(copies), { 'Content-Type': 'application/json-patch+json' });
    assertStatus(refused, 422, 'Invalid', /^Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728$/);
    assert.deepEqual(Object.keys((await client().get('default', 'amplified')).data as object), ['a']);
    const tests = Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/metadata/name', value: 'amplified' }));
    const tooMany = await call('PATCH', `${configMaps}/amplified`, JSON.stringify(tests), { 'Content-Type': 'application/json-patch+json' });
    assertStatus(tooMany, 413, 'RequestEntityTooLarge', 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  });

  it('stores no object over etcd 1.5 MiB limit, whether created, updated or patched: 500 in etcd words, as kube-apiserver passes it on', async () => {
    // A Role: its rules have no size limit of their own (a ConfigMap stops at 1 MiB of data).
    const roles = '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles';
    const role = (name: string, resourceName: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: [resourceName] }] });
    const big = 'y'.repeat(1_600_000);
    const tooLarge = (answer: Answer) => assertStatus(answer, 500, undefined, 'etcdserver: request is too large');
    tooLarge(await call('POST', roles, JSON.stringify(role('huge', big))));
    assert.equal((await call('GET', `${roles}/huge`)).status, 404);
    const small = (await call('POST', roles, JSON.stringify(role('grows', 'a')))).json();
    tooLarge(await call('PUT', `${roles}/grows`, JSON.stringify({ ...small, rules: role('grows', big).rules })));
    tooLarge(await call('PATCH', `${roles}/grows`, JSON.stringify({ rules: role('grows', big).rules }), { 'Content-Type': 'application/merge-patch+json' }));
    // Two copies of 900 kB stay under the copy limit but not under the object limit.
    assert.equal((await call('PATCH', `${roles}/grows`, JSON.stringify({ rules: role('grows', 'z'.repeat(900_000)).rules }), { 'Content-Type': 'application/merge-patch+json' })).status, 200);
    tooLarge(await call('PATCH', `${roles}/grows`, JSON.stringify([{ op: 'copy', from: '/rules/0/resourceNames/0', path: '/rules/0/resourceNames/-' }]), { 'Content-Type': 'application/json-patch+json' }));
    assert.equal((await call('GET', `${roles}/grows`)).json().rules[0].resourceNames.length, 1);
  });

  it('routes on the raw path: ".", "..", %2e and an encoded "/" in a name are a 400 in Kubernetes words, and act on nothing else', async () => {
    await client().create('default', configMap('kept'));
    const invalidName = (name: string, why: string) => `Name parameter invalid: ${JSON.stringify(name)}: ${why}`;
    assertStatus(await call('DELETE', `${configMaps}/..`), 400, 'BadRequest', invalidName('..', "may not be '..'"));
    assertStatus(await call('DELETE', `${configMaps}/.`), 400, 'BadRequest', invalidName('.', "may not be '.'"));
    assertStatus(await call('DELETE', `${configMaps}/%2e%2E`), 400, 'BadRequest', invalidName('..', "may not be '..'"));
    assertStatus(await call('GET', `${configMaps}/kept%2F..`), 400, 'BadRequest', invalidName('kept/..', "may not contain '/'"));
    assertStatus(await call('GET', `${configMaps}/a%25b`), 400, 'BadRequest', invalidName('a%b', "may not contain '%'"));
    assertStatus(await call('DELETE', '/api/v1/namespaces/..'), 400, 'BadRequest', invalidName('..', "may not be '..'"));
    // As in Kubernetes, `..` after a namespace is a resource of that name: there is none.
    assertStatus(await call('DELETE', '/api/v1/namespaces/default/..'), 404, 'NotFound');
    assert.equal((await call('GET', '/api/v1/namespaces/default')).status, 200);
    assert.equal((await call('GET', `${configMaps}/kept`)).status, 200);
  });

  it('refuses delete options Go cannot decode with a 400 before deleting anything', async () => {
    await client().create('default', configMap('still-here'));
    // Node frames a DELETE body only when told its length.
    const withBody = (body: string) => ({ 'Content-Length': String(Buffer.byteLength(body)) });
    assertStatus(await call('DELETE', `${configMaps}/still-here`, '{"gracePeriodSeconds":"x"}', withBody('{"gracePeriodSeconds":"x"}')), 400, 'BadRequest', 'DeleteOptions in version "v1" cannot be handled as a DeleteOptions: json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64');
    assertStatus(await call('DELETE', configMaps, '{"preconditions":"x"}', withBody('{"preconditions":"x"}')), 400, 'BadRequest', /cannot unmarshal string into Go struct field DeleteOptions\.preconditions/);
    assert.equal((await call('GET', `${configMaps}/still-here`)).status, 200);
    assert.equal((await call('DELETE', `${configMaps}/still-here`, '{"gracePeriodSeconds":0}', withBody('{"gracePeriodSeconds":0}'))).status, 200);
  });

  it('answers a path whose escapes do not decode as Go server does: a bare 400, connection closed', async () => {
    const socket = await rawSocket(api);
    const answer = untilClosed(socket);
    socket.write(`GET ${configMaps}/%ZZ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer tok\r\n\r\n`);
    const raw = await answer;
    assert.equal(statusLine(raw), 'HTTP/1.1 400 Bad Request');
    assert.equal(bodyOf(raw), '400 Bad Request');
  });

  it('answers methods it does not route (PROPFIND, TRACE, OPTIONS) with 405, never the object', async () => {
    for (const method of ['PROPFIND', 'TRACE', 'OPTIONS', 'MKCOL']) {
      const answer = await call(method, `${configMaps}/kept`);
      const status = assertStatus(answer, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      assert.equal(status.metadata.name, undefined, `${method} returned no object`);
    }
  });

  it('refuses a create or update body in a media type it does not decode with 415', async () => {
    const body = JSON.stringify(configMap('plain'));
    const answer = await call('POST', configMaps, body, { 'Content-Type': 'text/plain' });
    assertStatus(answer, 415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    assert.equal((await call('GET', `${configMaps}/plain`)).status, 404);
  });

  it('reports duplicate keys as strict decoding errors: refused under Strict, a warning under Warn', async () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"twice","labels":{"a":"1","a":"2"}},"data":{"k":"1","k":"2"}}';
    const strict = await call('POST', `${configMaps}?fieldValidation=Strict`, body);
    assertStatus(strict, 400, 'BadRequest', 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.labels.a", duplicate field "data.k"');
    assert.equal((await call('GET', `${configMaps}/twice`)).status, 404);
    const warned = await call('POST', `${configMaps}?fieldValidation=Warn`, body);
    assert.equal(warned.status, 201);
    assert.equal(warned.headers.warning, '299 - "duplicate field \\"metadata.labels.a\\"", 299 - "duplicate field \\"data.k\\""');
  });

  it('answers a limit that is not an integer and a resourceVersion that is not a revision with 400', async () => {
    assertStatus(await call('GET', `${configMaps}?limit=1.5`), 400, 'BadRequest', 'strconv.ParseInt: parsing "1.5": invalid syntax');
    const invalidVersion = (value: string, why = 'invalid syntax') => `invalid resource version: resourceVersion: Invalid value: "${value}": strconv.ParseUint: parsing "${value}": ${why}`;
    assertStatus(await call('GET', `${configMaps}?resourceVersion=garbage`), 400, 'BadRequest', invalidVersion('garbage'));
    assertStatus(await call('GET', `${configMaps}/kept?resourceVersion=-1`), 400, 'BadRequest', invalidVersion('-1'));
    assertStatus(await call('GET', `${configMaps}?resourceVersion=18446744073709551616`), 400, 'BadRequest', invalidVersion('18446744073709551616', 'value out of range'));
    assert.equal((await call('GET', `${configMaps}?resourceVersion=0`)).status, 200);
  });

  it('answers a limit beyond int64 with 400 as Go ParseInt does, and one near 2^63 as no limit', async () => {
    assertStatus(await call('GET', `${configMaps}?limit=99999999999999999999`), 400, 'BadRequest', 'strconv.ParseInt: parsing "99999999999999999999": value out of range');
    assert.equal((await call('GET', `${configMaps}?limit=9223372036854775807`)).status, 200);
  });

  it('refuses YAML nested too deep in go-yaml words before parsing it, and goes on parsing YAML', async () => {
    // The yaml library overflowed the stack some 800 levels deep; the parse after such an overflow aborted the whole process.
    const deep = (n: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    const yaml = { 'Content-Type': 'application/yaml' };
    for (let i = 0; i < 3; i++) assertStatus(await call('POST', configMaps, deep(2000), yaml), 400, 'BadRequest', 'error converting YAML to JSON: yaml: line 5: exceeded max depth of 256');
    const apply = { 'Content-Type': 'application/apply-patch+yaml' };
    assertStatus(await call('PATCH', `${configMaps}/deep?fieldManager=robust`, '- '.repeat(1000) + 'x', apply), 400, 'BadRequest', 'error converting YAML to JSON: yaml: exceeded max depth of 256');
    assert.equal((await call('GET', `${configMaps}/deep`)).status, 404);
    // A key written twice keeps its last value, as go-yaml decodes it (checking keys for uniqueness took the library quadratic time).
    const twice = await call('POST', configMaps, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-twice\ndata:\n  k: first\n  k: last\n', yaml);
    assert.equal(twice.status, 201, twice.body);
    assert.deepEqual(twice.json().data, { k: 'last' });
  });

  it('keeps a watch with a huge timeoutSeconds open (no timer overflow)', async () => {
    await client().create('default', configMap('watched'));
    const socket = await rawSocket(api);
    let text = '';
    const seen = new Promise<string>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('"MODIFIED"')) resolve('modified');
      });
      socket.on('close', () => resolve('closed'));
    });
    socket.write(`GET ${configMaps}?watch=1&timeoutSeconds=99999999&fieldSelector=metadata.name%3Dwatched HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer tok\r\n\r\n`);
    await new Promise<void>((resolve) => {
      const check = () => (text.includes('"ADDED"') ? resolve() : socket.once('data', check));
      check();
    });
    const current = await client().get('default', 'watched');
    await client().update('default', { ...current, data: { changed: 'yes' } });
    assert.equal(await seen, 'modified');
    socket.destroy();
  });

  it('ends a watch whose client stops reading once its unsent events pass the bound, instead of buffering them all', async () => {
    const socket = await rawSocket(api);
    socket.write(`GET ${configMaps}?watch=1&labelSelector=flood%3Dyes HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer tok\r\n\r\n`);
    // The watch runs once its headers arrive; from then on the client reads nothing.
    let text = '';
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) {
          socket.off('data', onData);
          socket.pause();
          resolve();
        }
      };
      socket.on('data', onData);
    });
    const count = 100;
    for (let i = 0; i < count; i++) await client().create('default', configMap(`flood-${i}`, { v: String(i).repeat(150_000) }, { flood: 'yes' }));
    const outcome = new Promise<string>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.split('"type":"ADDED"').length - 1 === count) resolve('every event');
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve('closed'));
    });
    socket.resume();
    assert.equal(await outcome, 'closed');
    assert.ok(text.split('"type":"ADDED"').length - 1 < count);
  });

  it('answers a request that outlives the request timeout with 504 and closes the connection, token or not', async () => {
    const socket = await rawSocket(tight);
    const answer = untilClosed(socket);
    // A body trickled forever: one byte of the 100 announced.
    socket.write(`POST ${configMaps} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer tok\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    const raw = await answer;
    assert.equal(statusLine(raw), 'HTTP/1.1 504 Gateway Timeout');
    const status = JSON.parse(bodyOf(raw));
    assert.deepEqual([status.reason, status.message], ['Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded']);
  });

  it('closes the connection after a 401 or a 413 instead of reading the rest of the body; a declared huge body is refused before it is read', async () => {
    const anonymous = await rawSocket(api);
    const refused = untilClosed(anonymous);
    anonymous.write(`POST ${configMaps} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`);
    assert.equal(statusLine(await refused), 'HTTP/1.1 401 Unauthorized');
    const huge = await rawSocket(api);
    const tooLarge = untilClosed(huge);
    huge.write(`POST ${configMaps} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer tok\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{`);
    const raw = await tooLarge;
    assert.equal(statusLine(raw), 'HTTP/1.1 413 Payload Too Large');
    assert.equal(JSON.parse(bodyOf(raw)).message, 'Request entity too large: limit is 3145728');
  });

  it('closes connections beyond its cap at once', async () => {
    const held = [await rawSocket(tight), await rawSocket(tight), await rawSocket(tight)];
    const refused = await rawSocket(tight).then(
      (socket) => untilClosed(socket).then(() => 'closed'),
      () => 'closed',
    );
    assert.equal(refused, 'closed');
    for (const socket of held) socket.destroy();
  });

  it('answers an internal error in Kubernetes form and logs the real error instead of sending it', async (t) => {
    const logged: string[] = [];
    t.mock.method(console, 'error', (line: string) => logged.push(line));
    const answer = await call('POST', configMaps, JSON.stringify(configMap('boom')));
    const status = assertStatus(answer, 500, 'InternalError', 'Internal error occurred: the server could not complete the request; the PodLab log has the details');
    assert.doesNotMatch(answer.body, /flatMap|TypeError/);
    assert.ok(status.details.causes.length > 0);
    assert.ok(logged.some((line) => line.includes('spec.containers.flatMap is not a function')));
  });
});
