// The Problems view lists a person's recent real writes that admission
// refused. The API server remembers more (controllers' refusals, dry runs,
// old ones): those are dropped from the memory before anything is read, so
// they cost no request to the API (webhook Services, owners, the refused
// objects).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { listProblems } from '../../main/ui/problems.ts';
import type { ClusterConnection } from '../../main/ui/uiHost.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { InterceptingClient } from '../helpers/interceptingClient.ts';

let api: InProcessApi;
let nowMs = Date.UTC(2025, 0, 10, 10, 0, 0);
const now = () => new Date(nowMs);
before(async () => {
  api = await startInProcessApi(now);
  await api.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  });
});
after(() => api.close());

const pods = { group: '', version: 'v1', plural: 'pods' };
const person = (name: string) => api.api.client({ name, groups: ['system:masters', 'system:authenticated'] });
// A pod that Pod Security "restricted" refuses: it sets none of what the level asks.
const rootPod = (name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...extra }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } });

async function refused(write: Promise<unknown>): Promise<void> {
  await assert.rejects(write, /violates PodSecurity "restricted:latest"/);
}

/** The lists listProblems makes whatever the memory holds. */
const ownLists = new Set(['pods', 'events', 'nodes', 'replicasets', 'deployments', 'statefulsets', 'poddisruptionbudgets', 'services', 'jobs', 'cronjobs', 'daemonsets', 'persistentvolumeclaims', 'ingresses']);

function connection(client: InterceptingClient): ClusterConnection {
  // PodLab's own API server: it remembers admission and authorization denials (so no log is read for them).
  return {
    client: client as KubeClient,
    kinds: catalogKindResolver(api.api.catalog),
    admissionDenials: (ns?: string) => api.api.admissionDenials.recent(ns),
    denials: (user: string) => api.api.denials.recent(user),
  } as ClusterConnection;
}

test('refusals the Problems view does not show cause no API reads; a shown one is explained', async () => {
  // Long ago: alice's refused create, no longer what she is doing.
  await refused(person('alice').resource(pods).create('shop', rootPod('old')));
  nowMs += 60 * 60_000;
  // A controller's refused create (its FailedCreate problem tells it) and a dry run.
  const rs = await api.client.resource({ group: 'apps', version: 'v1', plural: 'replicasets' }).create('shop', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } } },
  });
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, controller: true };
  await refused(api.api.client({ name: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:masters', 'system:authenticated'] }).resource(pods).create('shop', rootPod('web-abcde', { ownerReferences: [owner] })));
  await refused(person('bob').resource(pods).create('shop', rootPod('tried'), { dryRun: true }));
  assert.equal(api.api.admissionDenials.recent('shop').length, 3);

  const quiet = new InterceptingClient(api.client);
  const problems = await listProblems(connection(quiet), 'shop', now());
  assert.deepEqual(problems.filter((p) => p.finding.title.includes('refused at admission')), []);
  assert.deepEqual(
    quiet.calls.filter((c) => !(c.method === 'list' && ownLists.has(c.plural))).map((c) => `${c.method} ${c.plural}`),
    [],
    'no read for refusals that are not shown',
  );

  await refused(person('carol').resource(pods).create('shop', rootPod('shown')));
  const reading = new InterceptingClient(api.client);
  const shown = (await listProblems(connection(reading), 'shop', now())).filter((p) => p.finding.title.includes('refused at admission'));
  assert.deepEqual(shown.map((p) => [p.subject.name, p.finding.evidence.find((e) => e.label === 'Requested by')?.text]), [['shown', 'carol']]);
  assert.ok(reading.calls.some((c) => !(c.method === 'list' && ownLists.has(c.plural))), 'a shown refusal is checked against the cluster');
});
