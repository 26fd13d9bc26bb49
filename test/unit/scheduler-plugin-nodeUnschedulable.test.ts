import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeInfo } from '../../main/scheduler/nodeInfo.ts';
import { NodeUnschedulable } from '../../main/scheduler/plugins/nodeUnschedulable.ts';
import type { Toleration } from '../../main/scheduler/types.ts';
import { makeNode, makePod } from '../helpers/schedulerFixtures.ts';

describe('NodeUnschedulable', () => {
  const plugin = new NodeUnschedulable();
  const cordoned = makeNode('n1', { spec: { unschedulable: true } });
  const cases: { name: string; unschedulable: boolean; tolerations?: Toleration[]; want: string }[] = [
    { name: 'a schedulable node', unschedulable: false, want: 'Success' },
    { name: 'a cordoned node', unschedulable: true, want: 'UnschedulableAndUnresolvable' },
    {
      name: 'a cordoned node, tolerated',
      unschedulable: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      want: 'Success',
    },
    { name: 'a cordoned node, everything tolerated', unschedulable: true, tolerations: [{ operator: 'Exists' }], want: 'Success' },
    {
      name: 'a cordoned node, tolerated for NoExecute only',
      unschedulable: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }],
      want: 'UnschedulableAndUnresolvable',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const node = c.unschedulable ? cordoned : makeNode('n1');
      const status = plugin.filter(makePod('p', { spec: { tolerations: c.tolerations } }), new NodeInfo(node));
      assert.equal(status.code, c.want);
      if (c.want !== 'Success') assert.deepEqual(status.reasons, ['node(s) were unschedulable']);
    });
  }

  it('requeues on a new schedulable node or an uncordon', () => {
    const [{ hint }] = plugin.eventsToRegister();
    const pod = makePod('p');
    const schedulable = makeNode('n1');
    assert.equal(hint!(pod, undefined, schedulable), 'Queue');
    assert.equal(hint!(pod, undefined, cordoned), 'QueueSkip');
    assert.equal(hint!(pod, cordoned, schedulable), 'Queue');
    assert.equal(hint!(pod, schedulable, cordoned), 'QueueSkip');
    assert.equal(hint!(pod, schedulable, schedulable), 'QueueSkip');
  });
});
