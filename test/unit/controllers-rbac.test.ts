// The controllers and start-up steps behind RBAC and service accounts: the
// default policy (created once, its lost permissions restored at the next
// start), clusterrole-aggregation filling admin/edit/view from the
// aggregate-to-* roles, and root-ca-cert-publisher keeping kube-root-ca.crt
// in every namespace.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { ensureBootstrapPolicy } from '../../main/cluster/bootstrapPolicy.ts';
import { ControllerManager } from '../../main/controllers/controllerManager.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const clusterRoles = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles' };
const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
const rootCA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[] };
const rulesOf = (role: KubeObject) => (role.rules ?? []) as Rule[];

describe('RBAC and service account controllers', () => {
  let api: InProcessApi;
  let manager: ControllerManager;
  const errors: string[] = [];

  before(async () => {
    api = await startInProcessApi();
    await ensureBootstrapPolicy(api.client);
    manager = new ControllerManager(api.client, { controllers: ['clusterrole-aggregation', 'root-ca-cert-publisher'], rootCA, onError: (err, context) => errors.push(`${context}: ${(err as Error).message}`) });
    await manager.start();
  });
  after(async () => {
    await manager.stop();
    await api.close();
  });

  it('the default policy is made once, and put back as it was at the next start', async () => {
    const roles = api.client.resource(clusterRoles);
    const basic = await roles.get(undefined, 'system:basic-user');
    assert.deepEqual(basic.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    assert.equal(basic.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
    await roles.update(undefined, { ...basic, rules: [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] }, { apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
    await ensureBootstrapPolicy(api.client);
    const restored = rulesOf(await roles.get(undefined, 'system:basic-user'));
    assert.ok(restored.some((r) => r.resources?.includes('selfsubjectreviews')), 'the lost permission is back');
    assert.ok(restored.some((r) => r.resources?.includes('pods')), "the user's own addition stays");
    const bindings = await api.client.resource({ ...clusterRoles, plural: 'clusterrolebindings' }).list();
    assert.deepEqual(bindings.items.map((b) => b.metadata.name).sort(), [
      'cluster-admin',
      'system:basic-user',
      'system:controller:persistent-volume-binder',
      'system:controller:pv-protection-controller',
      'system:controller:pvc-protection-controller',
      'system:discovery',
      'system:monitoring',
      'system:public-info-viewer',
      'system:volume-scheduler',
    ]);
  });

  it('fills admin, edit and view with the rules of the roles their selectors match', async () => {
    const roles = api.client.resource(clusterRoles);
    const view = await eventually('view aggregated', async () => {
      const role = await roles.get(undefined, 'view');
      return rulesOf(role).some((r) => r.apiGroups?.includes('metrics.k8s.io')) && role;
    }, 10_000);
    // The roles labelled aggregate-to-view, in name order: Kubernetes' own, then metrics-server's.
    assert.deepEqual(rulesOf(view), [...rulesOf(await roles.get(undefined, 'system:aggregate-to-view')), ...rulesOf(await roles.get(undefined, 'system:aggregated-metrics-reader'))]);
    // edit gathers view (labelled aggregate-to-edit) and aggregate-to-edit; admin gathers all of them.
    const edit = await eventually('edit aggregated', async () => rulesOf(await roles.get(undefined, 'edit')).some((r) => r.resources?.includes('pods/log')) && roles.get(undefined, 'edit'), 10_000);
    assert.ok(rulesOf(edit).some((r) => r.resources?.includes('serviceaccounts/token')));
    await eventually('admin aggregated', async () => rulesOf(await roles.get(undefined, 'admin')).some((r) => r.resources?.includes('rolebindings') && r.resources.includes('roles')), 10_000);
  });

  it('takes in a new role labelled for aggregation, and lets it go when it leaves', async () => {
    const roles = api.client.resource(clusterRoles);
    const widget = { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list'] };
    await roles.create(undefined, { metadata: { name: 'widget-viewer', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }, rules: [widget] });
    await eventually('view has widgets', async () => rulesOf(await roles.get(undefined, 'view')).some((r) => r.resources?.includes('widgets')), 10_000);
    await eventually('admin has widgets', async () => rulesOf(await roles.get(undefined, 'admin')).some((r) => r.resources?.includes('widgets')), 10_000);
    await roles.delete(undefined, 'widget-viewer');
    await eventually('view without widgets', async () => !rulesOf(await roles.get(undefined, 'view')).some((r) => r.resources?.includes('widgets')), 10_000);
  });

  it('publishes the CA in every namespace, and puts it back when deleted or edited', async () => {
    const cms = api.client.resource(configMaps);
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      const cm = await eventually(`kube-root-ca.crt in ${ns}`, () => cms.get(ns, 'kube-root-ca.crt'), 10_000);
      assert.deepEqual(cm.data, { 'ca.crt': rootCA });
      assert.match(cm.metadata.annotations?.['kubernetes.io/description'] ?? '', /^Contains a CA bundle that can be used to verify the kube-apiserver/);
    }
    await api.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { metadata: { name: 'fresh' } });
    await eventually('kube-root-ca.crt in a new namespace', () => cms.get('fresh', 'kube-root-ca.crt'), 10_000);
    const current = await cms.get('fresh', 'kube-root-ca.crt');
    await cms.update('fresh', { ...current, data: { 'ca.crt': 'tampered' } });
    await eventually('the CA restored', async () => ((await cms.get('fresh', 'kube-root-ca.crt')).data as Record<string, string>)['ca.crt'] === rootCA, 10_000);
    await cms.delete('fresh', 'kube-root-ca.crt');
    await eventually('the ConfigMap made again', () => cms.get('fresh', 'kube-root-ca.crt'), 10_000);
    assert.deepEqual(errors.filter((e) => !/Conflict|not found|already exists|modified/.test(e)), []);
  });
});
