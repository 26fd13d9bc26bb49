// The app's workspace opens as soon as the cluster's API serves: the status
// says running, still starting the nodes, with the API's address, and the
// connection lists the cluster's objects; a node action asked for meanwhile
// waits for the nodes rather than failing. Once the start is over, logs and
// exec are there.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ClusterStatus } from '../../preload/api.ts';
import { ClusterHost } from '../../main/ui/clusterHost.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const home = tempDir('host-serving');
const host = new ClusterHost({ mode: 'browser', home, samplesDir: home, upstreamDns: false });
after(async () => {
  await host.stop();
  removeDir(home);
});

test('a start opens the workspace when the API serves, before the nodes, and finishes with them', async () => {
  const seen: ClusterStatus[] = [];
  let early: { namespaces: Promise<string[]>; machines: Promise<string[]> } | undefined;
  host.status.subscribe((status) => {
    seen.push(status);
    if (early || status.phase !== 'running') return;
    const connection = host.connection();
    early = {
      namespaces: connection.client
        .resource({ group: '', version: 'v1', plural: 'namespaces' })
        .list()
        .then((list) => list.items.map((ns) => ns.metadata.name ?? '')),
      machines: connection.nodes!.machines().then((machines) => machines.map((m) => m.name)),
    };
  });
  await host.start('serving', 'simulated', 1);

  const firstRunning = seen.find((s) => s.phase === 'running')!;
  assert.deepEqual(firstRunning.progress, { step: 'starting the nodes', done: 2, total: 3 });
  assert.equal(firstRunning.podStreams, false);
  assert.match(firstRunning.apiServerUrl ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(early);
  assert.ok((await early.namespaces).includes('kube-system'));
  // Asked for before the nodes had started: answered once they had.
  assert.deepEqual(await early.machines, ['node-1']);

  const last = host.status.get();
  assert.equal(last.phase, 'running');
  assert.equal(last.progress, undefined);
  assert.equal(last.podStreams, true);
  assert.equal(last.apiServerUrl, firstRunning.apiServerUrl);
});
