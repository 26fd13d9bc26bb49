import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeInfo } from '../../main/scheduler/nodeInfo.ts';
import { NodeName } from '../../main/scheduler/plugins/nodeName.ts';
import { makeNode, makePod } from '../helpers/schedulerFixtures.ts';

describe('NodeName', () => {
  const plugin = new NodeName();
  const cases = [
    { name: 'no requested node fits every node', nodeName: undefined, node: 'n1', want: 'Success' },
    { name: 'the requested node fits', nodeName: 'n1', node: 'n1', want: 'Success' },
    { name: 'another node does not', nodeName: 'n2', node: 'n1', want: 'UnschedulableAndUnresolvable' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = plugin.filter(makePod('p', { spec: { nodeName: c.nodeName } }), new NodeInfo(makeNode(c.node)));
      assert.equal(status.code, c.want);
      if (c.want !== 'Success') assert.deepEqual(status.reasons, ["node(s) didn't match the requested node name"]);
    });
  }

  it('requeues only when the requested node is added', () => {
    const [{ hint }] = plugin.eventsToRegister();
    const pod = makePod('p', { spec: { nodeName: 'n2' } });
    assert.equal(hint!(pod, undefined, makeNode('n2')), 'Queue');
    assert.equal(hint!(pod, undefined, makeNode('n1')), 'QueueSkip');
  });
});
