// The Problems view on a cluster whose API server PodLab does not run (no
// memory of denials): RBAC denials come from the 403s the logs of pods in
// trouble quote, confirmed with a SubjectAccessReview, as a pod's Debug tab
// finds them. Healthy pods' logs are never read; the troubled ones are read
// most troubled first, at most 20 pods and 4 at a time. An API server in
// this process plays the foreign cluster; only the pods' logs are faked.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { ensureBootstrapPolicy } from '../../main/cluster/bootstrapPolicy.ts';
import type { PodView } from '../../main/insight/podView.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { defaultLogReadLimits, suspiciousPods } from '../../main/ui/loggedDenials.ts';
import type { PodLogOptions, PodStreams } from '../../main/ui/podStreams.ts';
import { listProblems } from '../../main/ui/problems.ts';
import type { ClusterConnection } from '../../main/ui/uiHost.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const now = new Date('2025-01-10T10:10:00Z');
const pods = { group: '', version: 'v1', plural: 'pods' };
const denied = 'pods is forbidden: User "system:serviceaccount:default:pod-lister" cannot list resource "pods" in API group "" in the namespace "default"';
let api: InProcessApi;

/** The logs as the API would give them, recording every read and how many ran at once. */
function recordingStreams() {
  const reads: Array<{ pod: string; previous: boolean }> = [];
  let running = 0;
  let most = 0;
  // Only logs are read here; the other streams refuse.
  const streams = {
    async *logs(_namespace: string, pod: string, options: PodLogOptions) {
      reads.push({ pod, previous: options.previous });
      running++;
      most = Math.max(most, running);
      try {
        // Let the other readers start: what overlaps is what the limit allows.
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        // The crash-looping lister's last instance printed the 403 before it exited (the rbac-denied sample's line).
        if (pod === 'lister' && options.previous) yield `2025-01-10T10:09:50.000Z 403 Forbidden: ${denied}\n`;
        else yield 'nothing to see\n';
      } finally {
        running--;
      }
    },
    exec: () => Promise.reject(new Error('no exec here')),
    portForward: () => Promise.reject(new Error('no port forward here')),
  } satisfies PodStreams;
  return { streams, reads, most: () => most };
}

function connectionWith(streams: PodStreams, extra: Partial<ClusterConnection> = {}): ClusterConnection {
  // No `denials`, `journeys`, `probes`: what contextConnection gives for a cluster PodLab does not run.
  return { client: api.api.client(adminUser), kinds: catalogKindResolver(api.api.catalog), discovery: api.api.discoveryClient(adminUser), tables: api.api.tableClient(adminUser), streams, ...extra };
}

const running = { running: { startedAt: '2025-01-10T10:00:00Z' } };

async function podWith(name: string, status: Record<string, unknown>, serviceAccountName = 'default'): Promise<void> {
  await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'worker', serviceAccountName, containers: [{ name: 'app', image: 'busybox:1.36' }] } } as never);
  const pod = await api.client.resource(pods).get('default', name);
  await api.client.resource(pods).updateStatus('default', { ...pod, status: { ...(pod as never as { status: object }).status, ...status } } as never);
}

const container = (ready: boolean, restartCount: number, state: object, lastState?: object) => [{ name: 'app', image: 'busybox:1.36', imageID: '', ready, restartCount, state, ...(lastState && { lastState }) }];

before(async () => {
  api = await startInProcessApi(() => now);
  await ensureBootstrapPolicy(api.client);
  await api.client.resource({ group: '', version: 'v1', plural: 'serviceaccounts' }).create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'pod-lister' } } as never);
  await podWith('lister', { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: container(false, 3, { waiting: { reason: 'CrashLoopBackOff' } }, { terminated: { exitCode: 1, reason: 'Error' } }) }, 'pod-lister');
  for (let i = 0; i < 30; i++) await podWith(`healthy-${i}`, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: container(true, 0, running) });
  for (let i = 0; i < 25; i++) await podWith(`unready-${i}`, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: container(false, 0, running) });
  await podWith('never-started', { phase: 'Pending', containerStatuses: container(false, 0, { waiting: { reason: 'ImagePullBackOff' } }) });
});

after(() => api.close());

test('suspicious pods: restarting first, then failed, then not Ready; healthy and never-started pods are not read', () => {
  const pod = (name: string, phase: string, ready: boolean, restartCount: number, state: object): PodView =>
    ({ metadata: { name, uid: name }, status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: container(ready, restartCount, state) } }) as never;
  const chosen = suspiciousPods(
    [
      pod('healthy', 'Running', true, 0, running),
      pod('unready', 'Running', false, 0, running),
      pod('failed', 'Failed', false, 0, { terminated: { exitCode: 2 } }),
      pod('crashing', 'Running', false, 5, { waiting: { reason: 'CrashLoopBackOff' } }),
      pod('pulling', 'Pending', false, 0, { waiting: { reason: 'ErrImagePull' } }),
    ],
    10,
  );
  assert.deepEqual(chosen.map((p) => p.metadata.name), ['crashing', 'failed', 'unready']);
  assert.equal(suspiciousPods([pod('a', 'Running', false, 0, running), pod('b', 'Running', false, 0, running)], 1).length, 1);
});

test('on a foreign cluster, Problems shows a crash-looping pod\'s logged 403 as "Denied by RBAC", reading only the logs of pods in trouble, bounded', async () => {
  const recording = recordingStreams();
  const problems = await listProblems(connectionWith(recording.streams), undefined, now);
  const finding = problems.find((p) => p.subject.name === 'lister' && p.finding.rule === 'rbac-denied')?.finding;
  assert.ok(finding, JSON.stringify(problems.filter((p) => p.subject.name === 'lister').map((p) => p.finding.rule)));
  assert.match(finding.cause, /service account default\/pod-lister/);
  assert.ok(finding.evidence.some((e) => e.label === 'SubjectAccessReview' && e.text === 'still denied now'), JSON.stringify(finding.evidence));

  const readPods = new Set(recording.reads.map((r) => r.pod));
  assert.ok(readPods.has('lister'), 'the most troubled pod is read first');
  assert.equal(readPods.size, defaultLogReadLimits.maxPods);
  assert.ok([...readPods].every((p) => p === 'lister' || p.startsWith('unready-')), [...readPods].join(', '));
  assert.ok(recording.most() <= defaultLogReadLimits.concurrency, `${recording.most()} reads at once`);
  assert.ok(recording.most() > 1, 'reads overlap up to the limit');
});

test('where PodLab\'s API server remembers denials, Problems reads no log at all', async () => {
  const recording = recordingStreams();
  await listProblems(connectionWith(recording.streams, { denials: () => [] }), undefined, now);
  assert.equal(recording.reads.length, 0);
});
