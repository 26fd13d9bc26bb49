// APIServices as kube-apiserver keeps them: one local APIService per served
// group-version (`v1.` for core, `v1.apps`), with Kubernetes' priorities and
// the autoregister label, Available with reason Local from creation; a CRD's
// versions at 1000/100 that go when the version goes; users' own APIServices
// left alone; and the aggregator's validation and printer columns.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { apiservices } from '../../main/apiserver/resources/apiservices.ts';
import { AUTOMANAGED_LABEL, syncAPIServices } from '../../main/cluster/apiServiceRegistration.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const ref = { group: 'apiregistration.k8s.io', version: 'v1', plural: 'apiservices' };

describe('APIServices', () => {
  let env: InProcessApi;
  const list = async () => (await env.client.resource(ref).list()).items;
  const get = (name: string) => env.client.resource(ref).get(undefined, name);
  const served = () => env.api.catalog.groupVersions();

  before(async () => {
    env = await startInProcessApi();
  });
  after(() => env.close());

  it('one local APIService per served group-version, as autoregister makes them; none for apiregistration.k8s.io itself', async () => {
    await syncAPIServices(env.client, served());
    const names = (await list()).map((s) => s.metadata.name).sort();
    assert.deepEqual(names, [
      'v1.',
      'v1.admissionregistration.k8s.io',
      'v1.apiextensions.k8s.io',
      'v1.apps',
      'v1.authentication.k8s.io',
      'v1.authorization.k8s.io',
      'v1.autoscaling',
      'v1.batch',
      'v1.certificates.k8s.io',
      'v1.coordination.k8s.io',
      'v1.discovery.k8s.io',
      'v1.events.k8s.io',
      'v1.networking.k8s.io',
      'v1.node.k8s.io',
      'v1.policy',
      'v1.rbac.authorization.k8s.io',
      'v1.scheduling.k8s.io',
      'v1.storage.k8s.io',
      'v1beta1.metrics.k8s.io',
      'v2.autoscaling',
    ]);
    const apps = await get('v1.apps');
    assert.deepEqual(apps.metadata.labels, { [AUTOMANAGED_LABEL]: 'onstart' });
    assert.deepEqual(apps.spec, { service: null, group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 });
    const [available] = (apps.status as { conditions: Array<Record<string, string>> }).conditions;
    assert.deepEqual({ ...available, lastTransitionTime: undefined }, { type: 'Available', status: 'True', lastTransitionTime: undefined, reason: 'Local', message: 'Local APIServices are always available' });
    assert.deepEqual((await get('v1.')).spec, { service: null, group: '', version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 });
  });

  it("a CRD's version gets 1000/100 and the continuous label, and goes when it is no longer served; users' own stay", async () => {
    await env.client.resource(ref).create(undefined, { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.metrics.example.com' }, spec: { group: 'metrics.example.com', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, service: { namespace: 'kube-system', name: 'metrics' } } });
    await syncAPIServices(env.client, [...served(), { group: 'stable.example.com', version: 'v1' }]);
    const crd = await get('v1.stable.example.com');
    assert.deepEqual(crd.metadata.labels, { [AUTOMANAGED_LABEL]: 'true' });
    assert.deepEqual(crd.spec, { service: null, group: 'stable.example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 100 });
    await syncAPIServices(env.client, served());
    const names = (await list()).map((s) => s.metadata.name);
    assert.ok(!names.includes('v1.stable.example.com'));
    assert.ok(names.includes('v1beta1.metrics.example.com'));
    // The user's aggregated API: its service port defaulted, no availability claimed.
    const metrics = await get('v1beta1.metrics.example.com');
    assert.deepEqual((metrics.spec as { service: unknown }).service, { namespace: 'kube-system', name: 'metrics', port: 443 });
    assert.deepEqual(metrics.status, {});
  });

  it('puts back what was changed on a managed APIService: its spec and its Local availability', async () => {
    const apps = await get('v1.apps');
    await env.client.resource(ref).update(undefined, { ...apps, spec: { ...(apps.spec as object), versionPriority: 3 } });
    const changed = await get('v1.apps');
    await env.client.resource(ref).updateStatus(undefined, { ...changed, status: { conditions: [{ type: 'Available', status: 'False', reason: 'Tampered' }] } });
    await syncAPIServices(env.client, served());
    const synced = await get('v1.apps');
    assert.equal((synced.spec as { versionPriority: number }).versionPriority, 15);
    assert.equal((synced.status as { conditions: Array<{ reason: string }> }).conditions[0]!.reason, 'Local');
  });

  it('validates as the aggregator does', async () => {
    const create = (name: string, spec: Record<string, unknown>) =>
      env.client.resource(ref).create(undefined, { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name }, spec: { groupPriorityMinimum: 100, versionPriority: 10, ...spec } });
    const message = async (name: string, spec: Record<string, unknown>) => {
      try {
        await create(name, spec);
      } catch (err) {
        return (err as Error).message;
      }
      assert.fail(`${name} was accepted`);
    };
    assert.equal(await message('v1.wrong', { group: 'right.example.com', version: 'v1' }), 'APIService.apiregistration.k8s.io "v1.wrong" is invalid: metadata.name: Invalid value: "v1.wrong": must be `spec.version+"."+spec.group`: "v1.right.example.com"');
    assert.match(await message('v2.', { group: '', version: 'v2' }), /spec\.group: Required value: only v1 may have an empty group and it better be legacy kube/);
    assert.match(await message('v1.p.example.com', { group: 'p.example.com', version: 'v1', groupPriorityMinimum: 0, versionPriority: 1001 }), /spec\.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000, spec\.versionPriority: Invalid value: 1001: must be positive and less than 1000/);
    assert.match(await message('v1.ca.example.com', { group: 'ca.example.com', version: 'v1', caBundle: Buffer.from('pem').toString('base64'), insecureSkipTLSVerify: true }), /spec\.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle, spec\.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify/);
    assert.match(await message('v1.svc.example.com', { group: 'svc.example.com', version: 'v1', service: { namespace: 'ns' } }), /spec\.service\.name: Required value/);
    assert.match(await message('V1.caps.example.com', { group: 'caps.example.com', version: 'V1' }), /spec\.version: Invalid value: "V1": a DNS-1035 label/);
  });

  it('prints NAME SERVICE AVAILABLE AGE as the aggregator does', () => {
    const table = apiservices.strategy.table!;
    assert.deepEqual(table.columns.map((c) => c.name), ['Name', 'Service', 'Available', 'Age']);
    const now = new Date('2025-01-01T01:00:00Z');
    const at = (status: unknown, service: unknown = null): KubeObject => ({ metadata: { name: 'v1.x', creationTimestamp: '2025-01-01T00:00:00Z' }, spec: { service }, status });
    assert.deepEqual(table.row(at({ conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] }), now), ['v1.x', 'Local', 'True', '60m']);
    assert.deepEqual(table.row(at({ conditions: [{ type: 'Available', status: 'False', reason: 'ServiceNotFound' }] }, { namespace: 'kube-system', name: 'metrics-server' }), now).slice(1, 3), ['kube-system/metrics-server', 'False (ServiceNotFound)']);
    assert.deepEqual(table.row(at({}), now).slice(2, 3), ['Unknown']);
  });
});
