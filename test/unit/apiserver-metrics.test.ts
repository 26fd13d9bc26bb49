// kube-apiserver's /metrics from a real API server over HTTPS on a real
// SQLite store: each request counted under kube-apiserver's labels (LIST and
// GET, POST with scope resource, APPLY, a dry run, a refusal's code, a watch),
// the latency histogram's cumulative buckets, the stored objects of each
// resource, the process's figures; and the recorder's rules on a fake clock.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import type { ResourceRequestInfo } from '../../main/apiserver/requestInfo.ts';
import { RequestMetrics } from '../../main/apiserver/requestMetrics.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { prometheusText } from '../../main/metrics/prometheusText.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { rawRequest, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

describe('API server /metrics', () => {
  const dir = tempDir('apiserver-metrics');
  const pki = loadOrCreatePki(dir, 'metrics');
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17' });
  let target: ApiTarget;

  before(async () => {
    await api.listen(0);
    target = { server: api.url, ca: pki.caCert, token: 'tok' };
  });
  after(async () => {
    await api.close();
    await store.close();
    removeDir(dir);
  });

  it('counts each request under kube-apiserver\'s labels, and the objects stored', async () => {
    const namespace = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'm' } });
    assert.equal((await rawRequest(target, 'POST', '/api/v1/namespaces', namespace)).status, 201);
    const configMap = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' } });
    assert.equal((await rawRequest(target, 'POST', '/api/v1/namespaces/m/configmaps', configMap('one'))).status, 201);
    assert.equal((await rawRequest(target, 'POST', '/api/v1/namespaces/m/configmaps?dryRun=All', configMap('two'))).status, 201);
    assert.equal((await rawRequest(target, 'PATCH', '/api/v1/namespaces/m/configmaps/three?fieldManager=me', configMap('three'), { 'Content-Type': 'application/apply-patch+yaml' })).status, 201);
    assert.equal((await rawRequest(target, 'GET', '/api/v1/namespaces/m/configmaps/absent')).status, 404);
    assert.equal((await rawRequest(target, 'GET', '/api/v1/configmaps')).status, 200);

    const answer = await rawRequest(target, 'GET', '/metrics');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const total = (labels: string) => new RegExp(`^apiserver_request_total\\{${labels.replace(/[{}]/g, '\\$&')}\\} (\\d+)$`, 'm').exec(answer.body)?.[1];
    const labels = (code: number, dryRun: string, resource: string, scope: string, verb: string) => `code="${code}",component="apiserver",dry_run="${dryRun}",group="",resource="${resource}",scope="${scope}",subresource="",verb="${verb}",version="v1"`;
    assert.equal(total(labels(201, '', 'namespaces', 'resource', 'POST')), '1');
    assert.equal(total(labels(201, '', 'configmaps', 'resource', 'POST')), '1');
    assert.equal(total(labels(201, 'All', 'configmaps', 'resource', 'POST')), '1');
    assert.equal(total(labels(201, '', 'configmaps', 'resource', 'APPLY')), '1');
    assert.equal(total(labels(404, '', 'configmaps', 'resource', 'GET')), '1');
    assert.equal(total(labels(200, '', 'configmaps', 'cluster', 'LIST')), '1');
    assert.match(answer.body, /^# TYPE apiserver_request_duration_seconds histogram$/m);
    assert.match(answer.body, /^apiserver_request_duration_seconds_count\{component="apiserver",dry_run="",group="",resource="configmaps",scope="cluster",subresource="",verb="LIST",version="v1"\} 1$/m);
    assert.match(answer.body, /^apiserver_request_duration_seconds_bucket\{component="apiserver",dry_run="",group="",le="\+Inf",resource="configmaps",scope="cluster",subresource="",verb="LIST",version="v1"\} 1$/m);
    // The dry run stored nothing: two ConfigMaps.
    assert.match(answer.body, /^apiserver_storage_objects\{resource="configmaps"\} 2$/m);
    assert.match(answer.body, /^apiserver_storage_objects\{resource="deployments\.apps"\} 0$/m);
    assert.doesNotMatch(answer.body, /resource="pods\.metrics\.k8s\.io"|resource="tokenreviews/, 'answered kinds are not stored');
    assert.match(answer.body, /^process_resident_memory_bytes \d+$/m);
  });
});

describe('RequestMetrics', () => {
  const info = (verb: ResourceRequestInfo['verb'], extra: Partial<ResourceRequestInfo> = {}): ResourceRequestInfo => ({ isResourceRequest: true, path: '', group: 'apps', version: 'v1', namespace: 'ns', resource: 'deployments', name: '', subresource: '', verb, ...extra });

  it('reports verbs and scopes as MonitorRequest does, durations in cumulative buckets, and the second\'s peak in flight', () => {
    let now = 0;
    const metrics = new RequestMetrics(() => now);
    const first = metrics.begin(info('list'), new URLSearchParams(), undefined);
    const second = metrics.begin(info('get', { name: 'web' }), new URLSearchParams(), undefined);
    now = 30;
    first(200);
    now = 700;
    second(200);
    metrics.begin(info('watch'), new URLSearchParams('watch=1'), undefined)(200);
    metrics.begin(info('create', { resource: 'pods', group: '', subresource: 'exec', name: 'p' }), new URLSearchParams(), undefined)(101);
    metrics.begin(info('deletecollection', { namespace: '' }), new URLSearchParams('dryRun=All&dryRun=All'), undefined)(200);
    const text = prometheusText(metrics.families());
    assert.match(text, /verb="LIST",version="v1"\} 1$/m);
    assert.match(text, /^apiserver_request_total\{code="200",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="GET",version="v1"\} 1$/m);
    assert.match(text, /^apiserver_request_total\{code="200",component="apiserver",dry_run="",group="apps",resource="deployments",scope="namespace",subresource="",verb="WATCH",version="v1"\} 1$/m);
    assert.match(text, /^apiserver_request_total\{code="101",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="exec",verb="CONNECT",version="v1"\} 1$/m);
    assert.match(text, /^apiserver_request_total\{code="200",component="apiserver",dry_run="All",group="apps",resource="deployments",scope="cluster",subresource="",verb="DELETE",version="v1"\} 1$/m);
    // The LIST took 30 ms: past 0.025 s, within 0.05 s. The GET took 700 ms: within 0.8 s.
    const bucket = (verb: string, scope: string, le: string) => new RegExp(`^apiserver_request_duration_seconds_bucket\\{component="apiserver",dry_run="",group="apps",le="${le}",resource="deployments",scope="${scope}",subresource="",verb="${verb}",version="v1"\\} (\\d+)$`, 'm').exec(text)?.[1];
    assert.deepEqual([bucket('LIST', 'namespace', '0.025'), bucket('LIST', 'namespace', '0.05'), bucket('LIST', 'namespace', '60')], ['0', '1', '1']);
    assert.deepEqual([bucket('GET', 'resource', '0.6'), bucket('GET', 'resource', '0.8')], ['0', '1']);
    assert.match(text, /^apiserver_request_duration_seconds_sum\{component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="GET",version="v1"\} 0\.7$/m);
    // Two reads were in flight at once within the last second; watches and connections are not counted.
    assert.match(text, /^apiserver_current_inflight_requests\{request_kind="readOnly"\} 2$/m);
    now = 5000;
    assert.match(prometheusText(metrics.families()), /^apiserver_current_inflight_requests\{request_kind="readOnly"\} 0$/m);
  });
});
