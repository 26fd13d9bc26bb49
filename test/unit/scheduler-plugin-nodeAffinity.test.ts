import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeInfo } from '../../main/scheduler/nodeInfo.ts';
import { NodeAffinity } from '../../main/scheduler/plugins/nodeAffinity.ts';
import type { NodeAffinity as NodeAffinitySpec, NodeSelectorRequirement, NodeSelectorTerm, Pod } from '../../main/scheduler/types.ts';
import { makeNode, makePod } from '../helpers/schedulerFixtures.ts';

const plugin = new NodeAffinity();
const REASON = "node(s) didn't match Pod's node affinity/selector";

function podWith(nodeAffinity?: NodeAffinitySpec, nodeSelector?: Record<string, string>): Pod {
  return makePod('p', { spec: { nodeSelector, affinity: nodeAffinity ? { nodeAffinity } : undefined } });
}

function required(...terms: NodeSelectorTerm[]): NodeAffinitySpec {
  return { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } };
}

function expr(key: string, operator: string, values?: string[]): NodeSelectorRequirement {
  return { key, operator, ...(values ? { values } : {}) };
}

const node = makeNode('node-1', { labels: { zone: 'a', disk: 'ssd', cores: '8' } });

describe('NodeAffinity filter', () => {
  const cases: { name: string; pod: Pod; fits: boolean }[] = [
    { name: 'no constraints', pod: podWith(), fits: true },
    { name: 'nodeSelector matches', pod: podWith(undefined, { zone: 'a', disk: 'ssd' }), fits: true },
    { name: 'nodeSelector misses a label value', pod: podWith(undefined, { zone: 'b' }), fits: false },
    { name: 'nodeSelector needs a missing label', pod: podWith(undefined, { gpu: 'true' }), fits: false },
    { name: 'In', pod: podWith(required({ matchExpressions: [expr('zone', 'In', ['a', 'b'])] })), fits: true },
    { name: 'In, no value matches', pod: podWith(required({ matchExpressions: [expr('zone', 'In', ['b'])] })), fits: false },
    { name: 'NotIn', pod: podWith(required({ matchExpressions: [expr('zone', 'NotIn', ['b'])] })), fits: true },
    { name: 'NotIn, value listed', pod: podWith(required({ matchExpressions: [expr('zone', 'NotIn', ['a'])] })), fits: false },
    { name: 'NotIn matches a node without the label', pod: podWith(required({ matchExpressions: [expr('gpu', 'NotIn', ['x'])] })), fits: true },
    { name: 'Exists', pod: podWith(required({ matchExpressions: [expr('disk', 'Exists')] })), fits: true },
    { name: 'Exists, missing', pod: podWith(required({ matchExpressions: [expr('gpu', 'Exists')] })), fits: false },
    { name: 'DoesNotExist', pod: podWith(required({ matchExpressions: [expr('gpu', 'DoesNotExist')] })), fits: true },
    { name: 'DoesNotExist, present', pod: podWith(required({ matchExpressions: [expr('disk', 'DoesNotExist')] })), fits: false },
    { name: 'Gt', pod: podWith(required({ matchExpressions: [expr('cores', 'Gt', ['4'])] })), fits: true },
    { name: 'Gt, not greater', pod: podWith(required({ matchExpressions: [expr('cores', 'Gt', ['8'])] })), fits: false },
    { name: 'Lt', pod: podWith(required({ matchExpressions: [expr('cores', 'Lt', ['16'])] })), fits: true },
    { name: 'Lt on a non-integer label', pod: podWith(required({ matchExpressions: [expr('zone', 'Lt', ['16'])] })), fits: false },
    { name: 'Gt with a non-integer value is an invalid term', pod: podWith(required({ matchExpressions: [expr('cores', 'Gt', ['four'])] })), fits: false },
    { name: 'requirements in a term are ANDed', pod: podWith(required({ matchExpressions: [expr('zone', 'In', ['a']), expr('disk', 'In', ['hdd'])] })), fits: false },
    {
      name: 'terms are ORed',
      pod: podWith(required({ matchExpressions: [expr('zone', 'In', ['b'])] }, { matchExpressions: [expr('disk', 'In', ['ssd'])] })),
      fits: true,
    },
    { name: 'an invalid term is skipped, a valid one still matches', pod: podWith(required({ matchExpressions: [expr('zone', 'Bogus', ['a'])] }, { matchExpressions: [expr('zone', 'In', ['a'])] })), fits: true },
    { name: 'an empty term matches nothing', pod: podWith(required({})), fits: false },
    { name: 'no terms match nothing', pod: podWith(required()), fits: false },
    { name: 'matchFields metadata.name In', pod: podWith(required({ matchFields: [expr('metadata.name', 'In', ['node-1'])] })), fits: true },
    { name: 'matchFields metadata.name In, another node', pod: podWith(required({ matchFields: [expr('metadata.name', 'In', ['node-2'])] })), fits: false },
    { name: 'matchFields metadata.name NotIn', pod: podWith(required({ matchFields: [expr('metadata.name', 'NotIn', ['node-1'])] })), fits: false },
    { name: 'matchFields takes exactly one value', pod: podWith(required({ matchFields: [expr('metadata.name', 'In', ['node-1', 'node-2'])] })), fits: false },
    {
      name: 'nodeSelector and affinity must both match',
      pod: podWith(required({ matchExpressions: [expr('zone', 'In', ['a'])] }), { disk: 'hdd' }),
      fits: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = plugin.filter(c.pod, new NodeInfo(node));
      assert.equal(status.code, c.fits ? 'Success' : 'UnschedulableAndUnresolvable');
      if (!c.fits) assert.deepEqual(status.reasons, [REASON]);
    });
  }
});

describe('NodeAffinity preFilter', () => {
  const byName = (...names: string[]): NodeSelectorTerm => ({ matchFields: [expr('metadata.name', 'In', names)] });
  const cases: { name: string; pod: Pod; code: string; nodeNames?: string[]; reasons?: string[] }[] = [
    { name: 'nothing to check', pod: podWith(), code: 'Skip' },
    { name: 'a nodeSelector only', pod: podWith(undefined, { zone: 'a' }), code: 'Success' },
    { name: 'terms naming nodes narrow the candidates', pod: podWith(required(byName('n1', 'n2'), byName('n3'))), code: 'Success', nodeNames: ['n1', 'n2', 'n3'] },
    {
      name: 'names within a term intersect',
      pod: podWith(required({ matchFields: [expr('metadata.name', 'In', ['n1', 'n2']), expr('metadata.name', 'In', ['n2'])] })),
      code: 'Success',
      nodeNames: ['n2'],
    },
    { name: 'a term without names keeps every node', pod: podWith(required(byName('n1'), { matchExpressions: [expr('zone', 'In', ['a'])] })), code: 'Success' },
    {
      name: 'conflicting names',
      pod: podWith(required({ matchFields: [expr('metadata.name', 'In', ['n1']), expr('metadata.name', 'In', ['n2'])] })),
      code: 'UnschedulableAndUnresolvable',
      reasons: ['pod affinity terms conflict'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = plugin.preFilter(c.pod);
      assert.equal(result.status.code, c.code);
      assert.deepEqual(result.nodeNames ? [...result.nodeNames].sort() : undefined, c.nodeNames);
      if (c.reasons) assert.deepEqual(result.status.reasons, c.reasons);
    });
  }
});

describe('NodeAffinity score', () => {
  const preferred: NodeAffinitySpec = {
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 10, preference: { matchExpressions: [expr('zone', 'In', ['a'])] } },
      { weight: 5, preference: { matchExpressions: [expr('disk', 'In', ['ssd'])] } },
      { weight: 0, preference: { matchExpressions: [expr('zone', 'In', ['a'])] } },
      { weight: 7, preference: {} },
    ],
  };
  const cases: { name: string; labels: Record<string, string>; want: number }[] = [
    { name: 'both terms match', labels: { zone: 'a', disk: 'ssd' }, want: 15 },
    { name: 'one term matches', labels: { zone: 'b', disk: 'ssd' }, want: 5 },
    { name: 'none match', labels: {}, want: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(plugin.score(podWith(preferred), new NodeInfo(makeNode('n', { labels: c.labels }))), c.want));
  }

  it('skips pods without preferences', () => {
    assert.equal(plugin.preScore(podWith()).code, 'Skip');
    assert.equal(plugin.preScore(podWith(preferred)).code, 'Success');
  });

  it('normalizes so the best node gets 100', () => {
    const scores = [
      { name: 'a', score: 15 },
      { name: 'b', score: 5 },
      { name: 'c', score: 0 },
    ];
    plugin.normalizeScore(podWith(preferred), scores);
    assert.deepEqual(
      scores.map((s) => s.score),
      [100, 33, 0],
    );
  });

  it('fails on an invalid preferred term', () => {
    const invalid = podWith({ preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [expr('cores', 'Gt', ['x'])] } }] });
    assert.throws(() => plugin.score(invalid, new NodeInfo(node)), /the value must be an integer/);
  });
});

describe('NodeAffinity queueing hint', () => {
  const [{ hint }] = plugin.eventsToRegister();
  const pod = podWith(undefined, { zone: 'a' });
  const inZone = makeNode('n', { labels: { zone: 'a' } });
  const outOfZone = makeNode('n', { labels: { zone: 'b' } });
  const cases = [
    { name: 'a matching node is added', old: undefined, new: inZone, want: 'Queue' },
    { name: 'a node that does not match is added', old: undefined, new: outOfZone, want: 'QueueSkip' },
    { name: 'a node gets the label', old: outOfZone, new: inZone, want: 'Queue' },
    { name: 'a node that already matched', old: inZone, new: inZone, want: 'QueueSkip' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(hint!(pod, c.old, c.new), c.want));
  }
});
