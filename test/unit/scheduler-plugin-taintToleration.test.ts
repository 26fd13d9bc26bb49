import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeInfo } from '../../main/scheduler/nodeInfo.ts';
import { TaintToleration } from '../../main/scheduler/plugins/taintToleration.ts';
import type { Taint, Toleration } from '../../main/scheduler/types.ts';
import { makeNode, makePod } from '../helpers/schedulerFixtures.ts';

const plugin = new TaintToleration();

function nodeWith(taints: Taint[]) {
  return makeNode('n1', { spec: { taints } });
}

describe('TaintToleration filter', () => {
  const controlPlane: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
  const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const cases: { name: string; taints: Taint[]; tolerations?: Toleration[]; reason?: string }[] = [
    { name: 'no taints', taints: [] },
    { name: 'an untolerated NoSchedule taint', taints: [gpu], reason: 'node(s) had untolerated taint {dedicated: gpu}' },
    { name: 'a taint without value', taints: [controlPlane], reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
    { name: 'an untolerated NoExecute taint', taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }], reason: 'node(s) had untolerated taint {k: v}' },
    { name: 'PreferNoSchedule does not filter', taints: [{ key: 'k', effect: 'PreferNoSchedule' }] },
    { name: 'Equal toleration with the same value', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] },
    { name: 'empty operator means Equal', taints: [gpu], tolerations: [{ key: 'dedicated', value: 'gpu' }] },
    {
      name: 'Equal toleration with another value',
      taints: [gpu],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }],
      reason: 'node(s) had untolerated taint {dedicated: gpu}',
    },
    { name: 'Exists toleration for the key', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Exists' }] },
    { name: 'Exists without key tolerates everything', taints: [gpu, controlPlane], tolerations: [{ operator: 'Exists' }] },
    {
      name: 'a toleration for another effect',
      taints: [gpu],
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }],
      reason: 'node(s) had untolerated taint {dedicated: gpu}',
    },
    {
      name: 'the first untolerated taint is reported',
      taints: [controlPlane, gpu],
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }],
      reason: 'node(s) had untolerated taint {dedicated: gpu}',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = plugin.filter(makePod('p', { spec: { tolerations: c.tolerations } }), new NodeInfo(nodeWith(c.taints)));
      if (c.reason) {
        assert.equal(status.code, 'UnschedulableAndUnresolvable');
        assert.deepEqual(status.reasons, [c.reason]);
      } else {
        assert.equal(status.code, 'Success');
      }
    });
  }
});

describe('TaintToleration score', () => {
  const prefer = (key: string): Taint => ({ key, effect: 'PreferNoSchedule' });
  const cases: { name: string; taints: Taint[]; tolerations?: Toleration[]; want: number }[] = [
    { name: 'no taints', taints: [], want: 0 },
    { name: 'two untolerated PreferNoSchedule taints', taints: [prefer('a'), prefer('b')], want: 2 },
    { name: 'one tolerated', taints: [prefer('a'), prefer('b')], tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }], want: 1 },
    { name: 'a toleration without effect counts', taints: [prefer('a')], tolerations: [{ key: 'a', operator: 'Exists' }], want: 0 },
    { name: 'a NoSchedule toleration does not', taints: [prefer('a')], tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }], want: 1 },
    { name: 'NoSchedule taints are not counted', taints: [{ key: 'a', effect: 'NoSchedule' }], want: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(plugin.score(makePod('p', { spec: { tolerations: c.tolerations } }), new NodeInfo(nodeWith(c.taints))), c.want);
    });
  }

  it('normalizes in reverse: fewer untolerated taints is better', () => {
    const scores = [
      { name: 'a', score: 0 },
      { name: 'b', score: 1 },
      { name: 'c', score: 2 },
    ];
    plugin.normalizeScore(makePod('p'), scores);
    assert.deepEqual(
      scores.map((s) => s.score),
      [100, 50, 0],
    );
    const none = [{ name: 'a', score: 0 }];
    plugin.normalizeScore(makePod('p'), none);
    assert.equal(none[0]!.score, 100);
  });
});

describe('TaintToleration queueing hint', () => {
  const [{ hint }] = plugin.eventsToRegister();
  const tainted = nodeWith([{ key: 'k', effect: 'NoSchedule' }]);
  const clean = nodeWith([]);
  const pod = makePod('p');
  const cases = [
    { name: 'a new node without the taint', old: undefined, new: clean, want: 'Queue' },
    { name: 'a new tainted node', old: undefined, new: tainted, want: 'QueueSkip' },
    { name: 'the taint was removed', old: tainted, new: clean, want: 'Queue' },
    { name: 'a taint was added', old: clean, new: tainted, want: 'QueueSkip' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(hint!(pod, c.old, c.new), c.want));
  }
});
