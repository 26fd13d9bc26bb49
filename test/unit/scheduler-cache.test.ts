import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulerCache } from '../../main/scheduler/cache.ts';
import { formatTime, updatePodCondition } from '../../main/scheduler/podCondition.ts';
import type { PodCondition, PodStatus } from '../../main/scheduler/types.ts';
import { assignedPod, makeNode } from '../helpers/schedulerFixtures.ts';

function podsOn(cache: SchedulerCache, node: string): string[] {
  return (cache.snapshot().get(node)?.pods ?? []).map((p) => p.metadata.name!).sort();
}

describe('SchedulerCache', () => {
  it('counts assumed pods until their binding is confirmed or fails', () => {
    const cache = new SchedulerCache();
    cache.addOrUpdateNode(makeNode('n1'));
    const pod = assignedPod('web', 'n1');
    cache.assumePod(pod);
    assert.equal(cache.isAssumed(pod.metadata.uid!), true);
    assert.deepEqual(podsOn(cache, 'n1'), ['web']);

    cache.addOrUpdatePod(pod);
    assert.equal(cache.isAssumed(pod.metadata.uid!), false, 'confirmed by the informer');
    cache.forgetPod(pod.metadata.uid!);
    assert.deepEqual(podsOn(cache, 'n1'), ['web'], 'a confirmed pod is not forgotten');

    const other = assignedPod('api', 'n1');
    cache.assumePod(other);
    cache.forgetPod(other.metadata.uid!);
    assert.deepEqual(podsOn(cache, 'n1'), ['web']);
  });

  it('snapshots nodes in name order and keeps pods of unknown nodes out', () => {
    const cache = new SchedulerCache();
    for (const name of ['n2', 'n1']) cache.addOrUpdateNode(makeNode(name));
    cache.addOrUpdatePod(assignedPod('orphan', 'gone'));
    const snapshot = cache.snapshot();
    assert.deepEqual(
      snapshot.nodeInfos.map((n) => n.name),
      ['n1', 'n2'],
    );
    assert.equal(snapshot.nodeInfos.flatMap((n) => n.pods).length, 0);

    cache.addOrUpdateNode(makeNode('gone'));
    assert.deepEqual(podsOn(cache, 'gone'), ['orphan'], 'its pods count once the node appears');
    cache.removeNode(makeNode('gone'));
    assert.equal(cache.snapshot().size, 2);
  });
});

describe('updatePodCondition', () => {
  const unschedulable = (message: string, time: string): PodCondition => ({
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: time,
    reason: 'Unschedulable',
    message,
  });

  it('adds a missing condition', () => {
    const status: PodStatus = { phase: 'Pending' };
    assert.equal(updatePodCondition(status, unschedulable('m', 't1')), true);
    assert.deepEqual(status.conditions, [unschedulable('m', 't1')]);
  });

  it('changes nothing for the same failure, keeping the transition time', () => {
    const status: PodStatus = { conditions: [unschedulable('m', 't1')] };
    assert.equal(updatePodCondition(status, unschedulable('m', 't2')), false);
    assert.deepEqual(status.conditions, [unschedulable('m', 't1')]);
  });

  it('updates the message without a new transition time', () => {
    const status: PodStatus = { conditions: [{ type: 'Ready', status: 'False' }, unschedulable('m', 't1')] };
    assert.equal(updatePodCondition(status, unschedulable('other', 't2')), true);
    assert.deepEqual(status.conditions![1], unschedulable('other', 't1'));
  });

  it('takes the new transition time when the status flips', () => {
    const status: PodStatus = { conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: 't0' }] };
    assert.equal(updatePodCondition(status, unschedulable('m', 't2')), true);
    assert.equal(status.conditions![0]!.lastTransitionTime, 't2');
  });

  it('formats times with second precision, as metav1.Time', () => {
    assert.equal(formatTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '2025-01-02T03:04:05Z');
  });
});
