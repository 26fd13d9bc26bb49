// Bad input, on purpose: every case answers a Kubernetes Status with the
// right code and reason, and leaves nothing half-written behind.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';

const configMaps = '/api/v1/namespaces/default/configmaps';

function assertStatus(res: { status: number; json(): any }, code: number, reason: string): any {
  assert.equal(res.status, code, `expected HTTP ${code}, got ${res.status}`);
  const status = res.json();
  assert.equal(status.kind, 'Status');
  assert.equal(status.status, 'Failure');
  assert.equal(status.code, code);
  assert.equal(status.reason, reason);
  return status;
}

describe('bad input', () => {
  let serve: PodlabServe;
  let api: ApiTarget;

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'bad-input']);
    api = targetFromKubeconfig(serve.kubeconfig);
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  async function configMapNames(): Promise<string[]> {
    const list = (await rawRequest(api, 'GET', configMaps)).json();
    // kube-root-ca.crt is the root-ca-cert-publisher's, in every namespace.
    return list.items.map((i: any) => i.metadata.name).filter((name: string) => name !== 'kube-root-ca.crt');
  }

  it('refuses anonymous requests and wrong tokens with 401', async () => {
    assertStatus(await rawRequest(api, 'GET', '/api/v1/namespaces', undefined, {}, { anonymous: true }), 401, 'Unauthorized');
    assertStatus(await rawRequest({ ...api, token: 'not-the-token' }, 'GET', '/version'), 401, 'Unauthorized');
  });

  it('answers malformed JSON and YAML with 400', async () => {
    assertStatus(await rawRequest(api, 'POST', configMaps, '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {'), 400, 'BadRequest');
    assertStatus(await rawRequest(api, 'POST', configMaps, 'metadata: [unclosed', { 'Content-Type': 'application/yaml' }), 400, 'BadRequest');
    assertStatus(await rawRequest(api, 'POST', configMaps, '"just a string"'), 400, 'BadRequest');
    assert.deepEqual(await configMapNames(), []);
  });

  it('answers values Go could not decode with 400 in its words, stores nothing, and survives a 10,000-deep body', async () => {
    const deployments = '/apis/apps/v1/namespaces/default/deployments';
    const deployment = (replicas: string) =>
      `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"typed"},"spec":{"replicas":${replicas},"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`;
    const three = assertStatus(await rawRequest(api, 'POST', deployments, deployment('"three"')), 400, 'BadRequest');
    assert.equal(three.message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    const huge = assertStatus(await rawRequest(api, 'POST', deployments, deployment('9223372036854775808')), 400, 'BadRequest');
    assert.match(huge.message, /cannot unmarshal number 9223372036854775808 into Go struct field DeploymentSpec\.spec\.replicas of type int32/);
    const args = assertStatus(await rawRequest(api, 'POST', '/api/v1/namespaces/default/pods', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x","args":[1,2]}]}}'), 400, 'BadRequest');
    assert.match(args.message, /cannot unmarshal number into Go struct field Container\.spec\.containers\.args of type string/);
    const deep = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep","annotations":${'['.repeat(10_050)}${']'.repeat(10_050)}}}`;
    const tooDeep = assertStatus(await rawRequest(api, 'POST', configMaps, deep), 400, 'BadRequest');
    assert.match(tooDeep.message, /exceeded max depth/);
    assert.equal((await rawRequest(api, 'GET', `${deployments}/typed`)).status, 404);
    assert.equal((await rawRequest(api, 'GET', '/api/v1/namespaces/default/pods/p')).status, 404);
    assert.deepEqual(await configMapNames(), []);
  });

  it('answers invalid names and missing required fields with 422 and field causes', async () => {
    const res = await rawRequest(api, 'POST', configMaps, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } }));
    const status = assertStatus(res, 422, 'Invalid');
    assert.match(status.message, /ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
    assert.deepEqual(status.details.causes.map((c: any) => [c.reason, c.field]), [['FieldValueInvalid', 'metadata.name']]);
    const pod = await rawRequest(api, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }));
    const podStatus = assertStatus(pod, 422, 'Invalid');
    assert.ok(podStatus.details.causes.some((c: any) => c.reason === 'FieldValueRequired' && c.field === 'spec.containers[0].image'));
    assert.equal((await rawRequest(api, 'GET', '/api/v1/namespaces/default/pods/p')).status, 404);
  });

  it('answers a change to an immutable field with 422', async () => {
    const created = await rawRequest(api, 'POST', configMaps, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true }));
    assert.equal(created.status, 201);
    const obj = created.json();
    obj.data.a = '2';
    const status = assertStatus(await rawRequest(api, 'PUT', `${configMaps}/frozen`, JSON.stringify(obj)), 422, 'Invalid');
    assert.match(status.message, /data: Forbidden: field is immutable when `immutable` is set/);
    assert.equal((await rawRequest(api, 'GET', `${configMaps}/frozen`)).json().data.a, '1');
  });

  it('applies fieldValidation: Strict rejects, Warn warns, Ignore drops', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fields' }, data: { a: '1' }, extra: true });
    const strict = assertStatus(await rawRequest(api, 'POST', `${configMaps}?fieldValidation=Strict`, body), 400, 'BadRequest');
    assert.match(strict.message, /strict decoding error: unknown field "extra"/);
    const warn = await rawRequest(api, 'POST', `${configMaps}?fieldValidation=Warn`, body);
    assert.equal(warn.status, 201);
    assert.match(String(warn.headers.warning), /299 - "unknown field \\"extra\\""/);
    assert.equal(warn.json().extra, undefined);
    await rawRequest(api, 'DELETE', `${configMaps}/fields`);
    const ignore = await rawRequest(api, 'POST', `${configMaps}?fieldValidation=Ignore`, body);
    assert.equal(ignore.status, 201);
    assert.equal(ignore.headers.warning, undefined);
    assertStatus(await rawRequest(api, 'POST', `${configMaps}?fieldValidation=Sometimes`, body), 400, 'BadRequest');
  });

  it('answers bodies over 3 MiB with 413 and stores nothing', async () => {
    const huge = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    assertStatus(await rawRequest(api, 'POST', configMaps, huge), 413, 'RequestEntityTooLarge');
    assert.equal((await rawRequest(api, 'GET', `${configMaps}/huge`)).status, 404);
  });

  it('answers unknown resources and paths with 404', async () => {
    assertStatus(await rawRequest(api, 'GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    assertStatus(await rawRequest(api, 'GET', '/apis/nope.example.com/v1/things'), 404, 'NotFound');
    assertStatus(await rawRequest(api, 'GET', '/not/a/path'), 404, 'NotFound');
  });

  it('answers a stale resourceVersion with 409 Conflict and keeps the newer write', async () => {
    const created = (await rawRequest(api, 'POST', configMaps, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'racy' }, data: { v: '1' } }))).json();
    const first = { ...created, data: { v: '2' } };
    assert.equal((await rawRequest(api, 'PUT', `${configMaps}/racy`, JSON.stringify(first))).status, 200);
    const stale = { ...created, data: { v: '3' } };
    const status = assertStatus(await rawRequest(api, 'PUT', `${configMaps}/racy`, JSON.stringify(stale)), 409, 'Conflict');
    assert.match(status.message, /the object has been modified/);
    assert.equal((await rawRequest(api, 'GET', `${configMaps}/racy`)).json().data.v, '2');
  });

  it('answers a create in a missing namespace with 404 and a duplicate with 409', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const missing = assertStatus(await rawRequest(api, 'POST', '/api/v1/namespaces/nowhere/configmaps', body), 404, 'NotFound');
    assert.equal(missing.message, 'namespaces "nowhere" not found');
    assert.equal((await rawRequest(api, 'POST', configMaps, body)).status, 201);
    assertStatus(await rawRequest(api, 'POST', configMaps, body), 409, 'AlreadyExists');
  });

  it('refuses a list continue token that was tampered with, and a watch from a future resourceVersion', async () => {
    assertStatus(await rawRequest(api, 'GET', `${configMaps}?limit=1&continue=garbage!!`), 400, 'BadRequest');
    const status = assertStatus(await rawRequest(api, 'GET', `${configMaps}?watch=true&resourceVersion=999999999`), 504, 'Timeout');
    assert.match(status.message, /Too large resource version/);
  });
});
