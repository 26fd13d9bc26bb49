// Keys named after Object.prototype's members ("constructor", "toString",
// "__proto__"...) are keys like any other, as in Kubernetes: a ConfigMap may
// hold them, a CRD's schema may name them. Every patch type sets them, server-side apply keeps another
// manager's, and none of it reaches Object.prototype. Bodies are parsed from
// JSON text, as the HTTPS front parses them (JSON.parse makes each an own key).

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { parseRequestInfo } from '../../main/apiserver/requestInfo.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { cronTabCrd } from '../helpers/cronTabCrd.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi } from '../helpers/inProcessApi.ts';

const env = await startInProcessApi();
after(() => env.close());

const base = '/api/v1/namespaces/default/configmaps';

async function call(method: string, path: string, text: string, contentType?: string, query = ''): Promise<{ data?: Record<string, string> }> {
  const params = new URLSearchParams(query);
  const info = parseRequestInfo(method, path, params);
  assert.ok(info.isResourceRequest);
  const result = (await env.api.dispatcher.handle({ user: adminUser, info, query: params, body: JSON.parse(text), contentType })) as { object?: { data?: Record<string, string> } };
  assert.ok(result.object, `${method} ${path} answered an object`);
  return result.object;
}

test('server-side apply by a second manager keeps the first one\'s keys named constructor, toString and hasOwnProperty', async () => {
  await call('POST', base, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"inherited-names"},"data":{"a":"1","constructor":"c","toString":"t","hasOwnProperty":"h"}}');
  const applied = await call('PATCH', `${base}/inherited-names`, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"inherited-names"},"data":{"b":"2"}}', 'application/apply-patch+yaml', 'fieldManager=second');
  assert.deepEqual(applied.data, { a: '1', constructor: 'c', toString: 't', hasOwnProperty: 'h', b: '2' });
});

test('every patch type sets a key named __proto__, and Object.prototype stays as it was', async () => {
  await call('POST', base, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto-key"},"data":{"a":"1"}}');
  const patches: Array<[string, string, string]> = [
    ['application/merge-patch+json', '{"data":{"__proto__":"merge"}}', ''],
    ['application/strategic-merge-patch+json', '{"data":{"__proto__":"strategic"}}', ''],
    ['application/json-patch+json', '[{"op":"replace","path":"/data/__proto__","value":"json"}]', ''],
    ['application/apply-patch+yaml', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto-key"},"data":{"__proto__":"applied"}}', 'fieldManager=applier&force=true'],
  ];
  for (const [contentType, text, query] of patches) {
    const patched = await call('PATCH', `${base}/proto-key`, text, contentType, query);
    const expected = JSON.parse(text.replace(/^\[.*"value":("\w+")\}\]$/, '{"data":{"__proto__":$1}}')).data.__proto__ as string;
    assert.equal(Object.getOwnPropertyDescriptor(patched.data, '__proto__')?.value, expected, contentType);
    assert.equal(Object.getPrototypeOf(patched.data), Object.prototype, `${contentType}: the map's prototype`);
    assert.equal(patched.data?.a, '1');
  }
  // As a label key, "__proto__" is refused as Kubernetes refuses it, rather than dropped unseen.
  await assert.rejects(call('PATCH', `${base}/proto-key`, '{"metadata":{"labels":{"__proto__":"label"}}}', 'application/merge-patch+json'), /metadata\.labels: Invalid value: "__proto__": name part must consist of alphanumeric characters/);
  // A merge patch into Object.prototype itself.
  await call('PATCH', `${base}/proto-key`, '{"__proto__":{"polluted":"yes"}}', 'application/merge-patch+json').catch(() => undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getOwnPropertyNames(Object.prototype).includes('polluted'), false);
});

test('validation sees a map key named __proto__: a pod whose nodeSelector has one is refused, not stored', async () => {
  await assert.rejects(
    call('POST', '/api/v1/namespaces/default/pods', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"proto-selector"},"spec":{"nodeSelector":{"__proto__":"y"},"containers":[{"name":"c","image":"busybox"}]}}'),
    /spec\.nodeSelector: Invalid value: "__proto__": name part must consist of alphanumeric characters/,
  );
  await assert.rejects(env.client.resource({ group: '', version: 'v1', plural: 'pods' }).get('default', 'proto-selector'), /not found/);
});

test('a top-level field named constructor, toString or __proto__ is an unknown field: refused under Strict, warned about by default', async () => {
  for (const name of ['constructor', 'toString', '__proto__']) {
    await assert.rejects(
      call('POST', base, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"unknown-${name.replace(/_/g, 'u').toLowerCase()}"},"${name}":"x"}`, undefined, 'fieldValidation=Strict'),
      new RegExp(`strict decoding error: unknown field "${name}"`),
    );
  }
  await call('POST', base, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warned"}}');
  const params = new URLSearchParams();
  const info = parseRequestInfo('PATCH', `${base}/warned`, params);
  assert.ok(info.isResourceRequest);
  const patched = (await env.api.dispatcher.handle({ user: adminUser, info, query: params, body: JSON.parse('{"__proto__":{"polluted":"yes"}}'), contentType: 'application/merge-patch+json' })) as { warnings?: string[] };
  assert.deepEqual(patched.warnings, ['unknown field "__proto__"']);
});

test('a custom resource\'s fields named constructor, toString or valueOf are fields like any other: defaulted, required, type-checked, pruned', async () => {
  const crd = cronTabCrd();
  crd.spec.versions[0]!.schema = {
    openAPIV3Schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['toString'],
          properties: { constructor: { type: 'string', default: 'made' }, toString: { type: 'string' }, replicas: { type: 'integer' } },
        },
      },
    },
  };
  await env.client.resource({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' }).create(undefined, crd as unknown as KubeObject);
  const crontabs = '/apis/stable.example.com/v1/namespaces/default/crontabs';
  const cronTab = (name: string, spec: string) => `{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"${name}"},"spec":${spec}}`;
  const created = (await eventually('CronTab served', () => call('POST', crontabs, cronTab('defaulted', '{"toString":"t","valueOf":"pruned"}')))) as { spec?: Record<string, unknown> };
  assert.deepEqual(created.spec, { constructor: 'made', toString: 't' }, 'the default set, the unknown field pruned');
  await assert.rejects(call('POST', crontabs, cronTab('missing', '{"replicas":1}')), /spec\.toString: Required value/);
  await assert.rejects(call('POST', crontabs, cronTab('mistyped', '{"toString":"t","constructor":5}')), /spec\.constructor: Invalid value: "integer": spec\.constructor in body must be of type string: "integer"/);
});

test('a Secret\'s stringData key named __proto__ is folded into data like any other key', async () => {
  const created = (await call('POST', '/api/v1/namespaces/default/secrets', '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"proto-string-data"},"stringData":{"__proto__":"p","constructor":"c"}}')) as { data?: Record<string, string>; stringData?: unknown };
  assert.equal(Object.getOwnPropertyDescriptor(created.data, '__proto__')?.value, Buffer.from('p').toString('base64'));
  assert.equal(Object.getPrototypeOf(created.data), Object.prototype);
  assert.equal(created.data?.constructor, Buffer.from('c').toString('base64'));
  assert.equal(created.stringData, undefined);
});
