// The kubelet's status manager against the API server in process: a new
// status is written over a fresh read that keeps others' conditions; a
// status the API is known to hold (as last written, or as watched since)
// costs no request at all.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ResourceClient } from '../../main/kube/client/types.ts';
import { StatusManager } from '../../main/kubelet/statusManager.ts';
import type { Pod, PodStatus } from '../../main/kubelet/types.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

/** The API's pods, counting the reads the status manager makes. */
function countingPods(): { pods: ResourceClient<Pod>; gets: () => number } {
  const pods = api.client.resource<Pod>({ group: '', version: 'v1', plural: 'pods' });
  let gets = 0;
  const counting = Object.create(pods) as ResourceClient<Pod>;
  counting.get = (namespace, name) => (gets++, pods.get(namespace, name));
  return { pods: counting, gets: () => gets };
}

test('a changed status is read fresh and written; one the API is known to hold is not even read', async () => {
  const { pods, gets } = countingPods();
  const created = await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
  const scheduled = await pods.updateStatus('default', { ...created, status: { ...created.status, phase: 'Pending', conditions: [{ type: 'example.com/gate', status: 'True' }] } });
  const manager = new StatusManager(pods, () => Date.UTC(2026, 0, 1), (error) => assert.fail(error as Error));
  const running: PodStatus = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], podIP: '10.0.0.5', ...(created.status?.qosClass ? { qosClass: created.status.qosClass } : {}) };

  await manager.set(scheduled, running);
  assert.equal(gets(), 1);
  const written = await api.client.resource<Pod>({ group: '', version: 'v1', plural: 'pods' }).get('default', 'web');
  assert.equal(written.status?.phase, 'Running');
  assert.deepEqual(written.status?.conditions?.map((c) => c.type).sort(), ['Ready', 'example.com/gate']);

  // The sync right after, with the copy watched before the write, and the echo of the write: no request.
  await manager.set(scheduled, running);
  await manager.set(written, running);
  assert.equal(gets(), 1);

  // Someone else changes the kubelet's condition: once the watch shows it, the kubelet reads and writes its own back.
  const changed = await pods.updateStatus('default', { ...written, status: { ...written.status, conditions: [{ type: 'example.com/gate', status: 'True' }, { type: 'Ready', status: 'False' }] } });
  await manager.set(changed, running);
  assert.equal(gets(), 2);
  const restored = await api.client.resource<Pod>({ group: '', version: 'v1', plural: 'pods' }).get('default', 'web');
  assert.equal(restored.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
});
