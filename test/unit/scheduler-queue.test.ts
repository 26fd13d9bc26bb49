import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionType, AssignedPodDelete, NodeAdd, NodeLabelChange, NodeTaintChange } from '../../main/scheduler/clusterEvents.ts';
import type { ClusterEventWithHint } from '../../main/scheduler/framework.ts';
import { SchedulingQueue, type QueuedPodInfo } from '../../main/scheduler/schedulingQueue.ts';
import type { Pod } from '../../main/scheduler/types.ts';
import { FakeClock } from '../helpers/fakeClock.ts';
import { makeNode, makePod } from '../helpers/schedulerFixtures.ts';

function names(pods: Pod[]): string[] {
  return pods.map((pod) => pod.metadata.name!).sort();
}

function setup(pluginEvents: Record<string, ClusterEventWithHint[]> = {}) {
  const clock = new FakeClock();
  const queue = new SchedulingQueue({ clock, pluginEvents: new Map(Object.entries(pluginEvents)) });
  return { clock, queue };
}

/** Pops the pod and reports it failed, rejected by `plugins` (none: an error). */
async function failAttempt(queue: SchedulingQueue, plugins: string[] = []): Promise<QueuedPodInfo> {
  const info = (await queue.pop())!;
  info.unschedulablePlugins = new Set(plugins);
  queue.addUnschedulableIfNotPresent(info);
  return info;
}

describe('SchedulingQueue activeQ', () => {
  it('pops by priority, then first in first out', async () => {
    const { queue } = setup();
    queue.add(makePod('low-1'));
    queue.add(makePod('high', { spec: { priority: 1000 } }));
    queue.add(makePod('low-2'));
    queue.add(makePod('negative', { spec: { priority: -5 } }));
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await queue.pop())!.pod.metadata.name!);
    assert.deepEqual(order, ['high', 'low-1', 'low-2', 'negative']);
  });

  it('keeps one entry per pod UID', () => {
    const { queue } = setup();
    const pod = makePod('web');
    queue.add(pod);
    queue.add({ ...pod });
    assert.equal(queue.pendingPods().active.length, 1);
  });

  it('waits for a pod, and returns undefined once closed', async () => {
    const { queue } = setup();
    const waiting = queue.pop();
    queue.add(makePod('late'));
    assert.equal((await waiting)!.pod.metadata.name, 'late');
    const pending = queue.pop();
    queue.close();
    assert.equal(await pending, undefined);
    assert.equal(await queue.pop(), undefined);
  });

  it('counts attempts', async () => {
    const { clock, queue } = setup();
    queue.add(makePod('web'));
    await failAttempt(queue);
    clock.advance(1_000);
    queue.flushBackoffQCompleted();
    assert.equal((await queue.pop())!.attempts, 2);
  });
});

describe('SchedulingQueue backoff', () => {
  const cases = [
    { attempts: 1, ms: 1_000 },
    { attempts: 2, ms: 2_000 },
    { attempts: 3, ms: 4_000 },
    { attempts: 4, ms: 8_000 },
    { attempts: 5, ms: 10_000 },
    { attempts: 12, ms: 10_000 },
  ];
  for (const c of cases) {
    it(`after ${c.attempts} attempt(s) a pod waits ${c.ms} ms`, () => {
      const { queue } = setup();
      const info: QueuedPodInfo = { pod: makePod('p'), timestamp: 5_000, attempts: c.attempts, unschedulablePlugins: new Set() };
      assert.equal(queue.backoffExpiration(info), 5_000 + c.ms);
    });
  }

  it('moves a pod that failed on an error back to activeQ when its backoff completes', async () => {
    const { clock, queue } = setup();
    queue.run();
    queue.add(makePod('web'));
    await failAttempt(queue);
    assert.deepEqual(names(queue.pendingPods().backoff), ['web']);
    clock.advance(999);
    assert.deepEqual(names(queue.pendingPods().backoff), ['web']);
    clock.advance(1);
    assert.deepEqual(names(queue.pendingPods().active), ['web']);

    await failAttempt(queue);
    clock.advance(1_000);
    assert.deepEqual(names(queue.pendingPods().backoff), ['web'], 'second failure: 2 s');
    clock.advance(1_000);
    assert.deepEqual(names(queue.pendingPods().active), ['web']);
    queue.close();
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('SchedulingQueue unschedulable pods', () => {
  const fitEvents: ClusterEventWithHint[] = [
    { event: { resource: 'Pod', actionType: ActionType.Delete, label: 'PodDelete' } },
    {
      event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable, label: 'NodeAdd|NodeAllocatableChange' },
      hint: (_pod, _old, node) => (node?.metadata.labels?.big ? 'Queue' : 'QueueSkip'),
    },
  ];

  it('wait for an event that could help', async () => {
    const { queue } = setup({ NodeResourcesFit: fitEvents });
    queue.add(makePod('web'));
    await failAttempt(queue, ['NodeResourcesFit']);
    assert.deepEqual(names(queue.pendingPods().unschedulable), ['web']);

    queue.moveAllToActiveOrBackoffQueue(NodeLabelChange, makeNode('n'), makeNode('n'));
    assert.deepEqual(names(queue.pendingPods().unschedulable), ['web'], 'an event the plugin did not register');
    queue.moveAllToActiveOrBackoffQueue(NodeAdd, undefined, makeNode('small'));
    assert.deepEqual(names(queue.pendingPods().unschedulable), ['web'], 'the hint says the new node does not help');
    queue.moveAllToActiveOrBackoffQueue(NodeAdd, undefined, makeNode('big', { labels: { big: 'yes' } }));
    assert.deepEqual(names(queue.pendingPods().backoff), ['web'], 'still within its backoff');
  });

  it('go straight to activeQ when their backoff is over', async () => {
    const { clock, queue } = setup({ NodeResourcesFit: fitEvents });
    queue.add(makePod('web'));
    await failAttempt(queue, ['NodeResourcesFit']);
    clock.advance(5_000);
    queue.moveAllToActiveOrBackoffQueue(AssignedPodDelete, makePod('gone', { spec: { nodeName: 'n' } }), undefined);
    assert.deepEqual(names(queue.pendingPods().active), ['web']);
  });

  it('only move for the plugins that rejected them', async () => {
    const { clock, queue } = setup({
      NodeResourcesFit: fitEvents,
      TaintToleration: [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint, label: 'NodeAdd|NodeTaintChange' } }],
    });
    queue.add(makePod('needs-cpu'));
    queue.add(makePod('needs-toleration'));
    await failAttempt(queue, ['NodeResourcesFit']);
    await failAttempt(queue, ['TaintToleration']);
    clock.advance(1_000);
    queue.moveAllToActiveOrBackoffQueue(NodeTaintChange, makeNode('n'), makeNode('n'));
    assert.deepEqual(names(queue.pendingPods().active), ['needs-toleration']);
    assert.deepEqual(names(queue.pendingPods().unschedulable), ['needs-cpu']);
  });

  it('leave after 5 minutes whatever happens', async () => {
    const { clock, queue } = setup({ NodeResourcesFit: fitEvents });
    queue.run();
    queue.add(makePod('web'));
    await failAttempt(queue, ['NodeResourcesFit']);
    clock.advance(300_000);
    assert.deepEqual(names(queue.pendingPods().unschedulable), ['web'], 'not longer than 5 minutes yet');
    clock.advance(30_000);
    assert.deepEqual(names(queue.pendingPods().active), ['web']);
    queue.close();
  });

  it('move when the pod itself changes, not when only its status does', async () => {
    const { clock, queue } = setup({ NodeResourcesFit: fitEvents });
    const pod = makePod('web', { requests: { cpu: '8' } });
    queue.add(pod);
    await failAttempt(queue, ['NodeResourcesFit']);
    const withCondition: Pod = { ...pod, metadata: { ...pod.metadata, resourceVersion: '7' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } };
    queue.update(pod, withCondition);
    assert.deepEqual(names(queue.pendingPods().unschedulable), ['web']);
    clock.advance(1_000);
    const smaller: Pod = { ...withCondition, spec: { ...withCondition.spec, containers: [{ name: 'app', resources: { requests: { cpu: '1' } } }] } };
    queue.update(withCondition, smaller);
    const active = queue.pendingPods().active;
    assert.deepEqual(names(active), ['web']);
    assert.equal(active[0], smaller, 'the queue holds the latest version');
  });

  it('are dropped when deleted', async () => {
    const { queue } = setup({ NodeResourcesFit: fitEvents });
    const pod = makePod('web');
    queue.add(pod);
    await failAttempt(queue, ['NodeResourcesFit']);
    queue.delete(pod);
    assert.deepEqual(queue.pendingPods(), { active: [], backoff: [], unschedulable: [] });
  });
});

describe('SchedulingQueue in-flight pods', () => {
  it('ignore updates until they come back', async () => {
    const { queue } = setup();
    const pod = makePod('web');
    queue.add(pod);
    await queue.pop();
    queue.update(pod, { ...pod, metadata: { ...pod.metadata, labels: { new: 'label' } } });
    queue.add(pod);
    assert.deepEqual(queue.pendingPods().active, []);
    queue.done(pod.metadata.uid!);
    queue.update(pod, { ...pod, metadata: { ...pod.metadata, labels: { newer: 'label' } } });
    assert.deepEqual(names(queue.pendingPods().active), ['web'], 'an unknown pending pod is added on update');
  });
});
