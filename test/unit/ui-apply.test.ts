// The UI's `kubectl apply` against the real API server (in process):
// created, unchanged, configured, removals through the last-applied
// configuration, and errors per document with their fields.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';
import { applyYaml } from '../../main/ui/apply/applyYaml.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { threeWayPatch } from '../../main/ui/apply/threeWayPatch.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

const apply = (yaml: string, namespace?: string) => applyYaml(api.client, catalogKindResolver(api.api.catalog), { yaml, namespace });
const configMap = (data: string, labels = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n${labels}data:\n${data}`;

test('create, then unchanged, then configured, as kubectl apply reports them', async () => {
  assert.deepEqual(await apply(configMap('  a: "1"\n')), [{ document: 0, kind: 'ConfigMap', name: 'settings', namespace: 'default', action: 'created' }]);
  assert.equal((await apply(configMap('  a: "1"\n')))[0].action, 'unchanged');
  assert.equal((await apply(configMap('  a: "2"\n')))[0].action, 'configured');
  const live = await api.client.resource({ group: '', version: 'v1', plural: 'configmaps' }).get('default', 'settings');
  assert.deepEqual(live.data, { a: '2' });
  assert.match(live.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '', /"a":"2"/);
});

test('a key removed from the configuration is removed from the object, keys set by others stay', async () => {
  const created = await apply(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apply-removals\n---\n${configMap('  a: "1"\n  b: "2"\n', '  labels:\n    app: demo\n    team: web\n')}`, 'apply-removals');
  assert.deepEqual(created.map((o) => o.action), ['created', 'created']);
  await api.client.resource({ group: '', version: 'v1', plural: 'configmaps' }).patch('apply-removals', 'settings', 'application/merge-patch+json', { metadata: { labels: { owner: 'someone-else' } } });
  const result = await apply(configMap('  a: "1"\n', '  labels:\n    app: demo\n'), 'apply-removals');
  assert.equal(result[0].action === 'failed' ? result[0].error?.message : result[0].action, 'configured');
  const live = await api.client.resource({ group: '', version: 'v1', plural: 'configmaps' }).get('apply-removals', 'settings');
  assert.deepEqual(live.data, { a: '1' });
  assert.deepEqual(live.metadata.labels, { app: 'demo', owner: 'someone-else' });
});

test('each document gets its own outcome; invalid and unknown fields are named', async () => {
  const outcomes = await apply(
    [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: app\n    imagee: busybox:1.36',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w',
      'kind: Pod\nmetadata:\n  name: no-version',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine',
    ].join('\n---\n'),
  );
  assert.deepEqual(outcomes.map((o) => o.action), ['failed', 'failed', 'failed', 'failed', 'created']);
  assert.equal(outcomes[0].error?.status?.code, 422);
  assert.deepEqual(outcomes[0].error?.status?.details?.causes?.map((c) => c.field), ['metadata.name']);
  assert.equal(outcomes[1].error?.status?.code, 400);
  assert.deepEqual(outcomes[1].error?.status?.details?.causes?.map((c) => c.field), ['spec.containers[0].imagee']);
  assert.match(outcomes[2].error?.message ?? '', /no matches for kind "Widget" in version "example.com\/v1"/);
  assert.match(outcomes[3].error?.message ?? '', /apiVersion not set/);
});

test('YAML that does not parse says which document', async () => {
  const [outcome] = await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed');
  assert.equal(outcome.action, 'failed');
  assert.match(outcome.error?.message ?? '', /YAML document 1 cannot be parsed/);
  await assert.rejects(apply('# only a comment\n'), /nothing to apply/);
});

test('YAML nested too deep is refused before parsing, and YAML parses after it', async () => {
  // The parser overflowed the stack some 800 levels deep, and the parse after such an overflow aborted the process.
  for (let i = 0; i < 3; i++) {
    const [outcome] = await apply(configMap(`  k: ${'['.repeat(2000)}${']'.repeat(2000)}\n`));
    assert.equal(outcome.action, 'failed');
    assert.equal(outcome.error?.message, 'the YAML cannot be parsed: yaml: line 6: exceeded max depth of 256');
  }
  const [created] = await apply(configMap('  k: v\n').replace('settings', 'after-deep'));
  assert.equal(created.action, 'created');
});

test('the patch deletes list elements merged by key that the configuration dropped', () => {
  const pod = SchemaLookup.kubernetes().forKind({ group: '', version: 'v1', kind: 'Pod' });
  const before: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'app', image: 'x' }, { name: 'sidecar', image: 'y' }] } };
  const after: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'app', image: 'z' }] } };
  assert.deepEqual(threeWayPatch(before as never, after as never, pod), {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { a: '1', b: null } },
    spec: { containers: [{ name: 'app', image: 'z' }, { name: 'sidecar', $patch: 'delete' }] },
  });
});
