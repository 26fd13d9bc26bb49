// The clusters list with the kubeconfig's contexts: PodLab's own context of a
// cluster (podlab-NAME) listed once as that cluster, kubectl's current-context
// marked, a context picked in the status bar opened as a context (never
// created as a PodLab cluster), switching back to the running cluster without
// restarting it, and the kubeconfig file never written.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { ClusterStatus, ClusterSummary } from '../../preload/api.ts';
import { withKubeconfigContexts } from '../../main/ui/kubeconfigHost.ts';
import { StatusBoard } from '../../main/ui/statusBoard.ts';
import type { UiHost } from '../../main/ui/uiHost.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

describe('kubeconfig contexts beside PodLab clusters', () => {
  const dir = tempDir('kubeconfig-host');
  const pki = loadOrCreatePki(dir, 'remote');
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17' });
  const file = join(dir, 'config');
  let text: string;
  const switched: string[] = [];
  const innerStatus = new StatusBoard({ mode: 'browser', name: 'home', phase: 'running', runtime: 'simulated', docker: { state: 'not-used', endpoint: '' }, home: dir, podStreams: true, canSwitch: true } satisfies ClusterStatus);
  const inner = {
    status: innerStatus,
    clusters: (): ClusterSummary[] => [{ name: 'home', running: true, current: innerStatus.get().name === 'home', dataDir: join(dir, 'home') }],
    connection: () => ({ podlab: true }) as never,
    switchCluster: async (name: string) => void switched.push(name),
  } as unknown as UiHost;
  const host = withKubeconfigContexts(inner, { paths: () => [file] });

  before(async () => {
    await api.listen(0);
    const cluster = { server: api.url, 'certificate-authority-data': Buffer.from(pki.caCert).toString('base64') };
    text = stringify({
      'current-context': 'remote',
      clusters: [{ name: 'podlab-home', cluster }, { name: 'remote', cluster }],
      users: [{ name: 'admin', user: { token: 'tok' } }],
      contexts: [
        { name: 'podlab-home', context: { cluster: 'podlab-home', user: 'admin' } },
        { name: 'remote', context: { cluster: 'remote', user: 'admin', namespace: 'team' } },
      ],
    });
    writeFileSync(file, text);
  });
  after(async () => {
    await api.close();
    await store.close();
    removeDir(dir);
  });

  it('lists PodLab\'s cluster once and the other contexts with their server and namespace', () => {
    const list = host.clusters();
    assert.deepEqual(list.map((c) => c.name), ['home', 'remote']);
    assert.deepEqual(list[1]!.context, { server: api.url, namespace: 'team', kubectlCurrent: true });
    assert.equal(list[1]!.current, false);
  });

  it('opens a context (also when picked where clusters are switched) and goes back to the running cluster without restarting it', async () => {
    await host.switchCluster('remote');
    assert.deepEqual(switched, [], 'no PodLab cluster was started or created');
    assert.equal(host.status.get().name, 'remote');
    assert.deepEqual(host.status.get().context?.namespace, 'team');
    assert.equal(host.status.get().apiServerUrl, api.url);
    const namespaces = await host.connection().client.resource({ group: '', version: 'v1', plural: 'namespaces' }).list();
    assert.equal(namespaces.kind, 'NamespaceList');
    const list = host.clusters();
    assert.deepEqual(list.map((c) => [c.name, c.current, c.runsHere ?? false]), [['home', false, true], ['remote', true, false]]);

    await host.switchCluster('home');
    assert.deepEqual(switched, [], 'the running cluster is shown again, not restarted');
    assert.equal(host.status.get().name, 'home');
    assert.equal(host.status.get().context, undefined);
    assert.deepEqual(host.connection(), { podlab: true });
    assert.equal(readFileSync(file, 'utf8'), text, 'the kubeconfig is never written');
  });
});
