// The pod garbage collector against the real API server on a fake clock:
// pods of a node that is gone are marked Failed (DisruptionTarget,
// DeletionByPodGC) and deleted after the quarantine; pods of a node that
// exists, or one gone for less than the quarantine, stay.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import { isApiError } from '../../main/kube/client/types.ts';
import { GC_CHECK_PERIOD_MS, ORPHAN_QUARANTINE_MS } from '../../main/controllers/podgc/podGCController.ts';
import type { Pod } from '../../main/controllers/shared/types.ts';
import { settle, startHarness, until, type Harness } from './controllers-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(['podgc']);
});
afterEach(async () => h.close());

const nodes = () => h.client.resource({ group: '', version: 'v1', plural: 'nodes' });

async function boundPod(name: string, nodeName: string): Promise<Pod> {
  return h.pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox:1.36' }] } } as Pod);
}

async function exists(name: string): Promise<Pod | undefined> {
  try {
    return await h.pods.get('default', name);
  } catch (err) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
}

it('deletes the pods of a node that is gone once the quarantine has passed, and only those', async () => {
  await nodes().create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
  await boundPod('kept', 'node-1');
  await boundPod('orphan', 'node-gone');
  await settle();
  // Within the quarantine: a node may just not be in the cache yet.
  h.clock.advance(GC_CHECK_PERIOD_MS);
  await settle();
  assert.ok(await exists('orphan'), 'deleted before the quarantine passed');

  // Watch the orphan's last update: it says why it goes.
  const updates: Pod[] = [];
  const watch = h.pods.watch('default', { fieldSelector: 'metadata.name=orphan' }, (event) => updates.push(event.object as Pod));
  h.clock.advance(ORPHAN_QUARANTINE_MS);
  await until('the orphan deleted', async () => !(await exists('orphan')));
  const failed = await until('the Failed update on the watch', () => updates.find((p) => p.status?.phase === 'Failed'));
  const condition = failed?.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  assert.equal(condition?.reason, 'DeletionByPodGC');
  assert.match(String(condition?.message), /node node-gone no longer exists/);
  assert.ok(await exists('kept'));
  watch.stop();
});
