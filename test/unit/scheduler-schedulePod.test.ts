import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newStatus, SUCCESS, type FilterPlugin, type Profile, type ScorePlugin } from '../../main/scheduler/framework.ts';
import { defaultProfile } from '../../main/scheduler/plugins/defaultProfile.ts';
import { schedulePod } from '../../main/scheduler/schedulePod.ts';
import { Snapshot } from '../../main/scheduler/snapshot.ts';
import type { Node, Pod } from '../../main/scheduler/types.ts';
import { assignedPod, makeNode, makePod } from '../helpers/schedulerFixtures.ts';

const node = (name: string, extra: Parameters<typeof makeNode>[1] = {}) => makeNode(name, { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, ...extra });

function scheduledNode(pod: Pod, nodes: Node[], running: Pod[] = [], rng = () => 0): string | undefined {
  const result = schedulePod(pod, Snapshot.from(nodes, running), defaultProfile(), rng);
  return result.status === 'Scheduled' ? result.nodeName : undefined;
}

describe('schedulePod picks the best node', () => {
  const cases: { name: string; pod: Pod; nodes: Node[]; running?: Pod[]; want: string }[] = [
    {
      name: 'the least allocated node',
      pod: makePod('web-1', { requests: { cpu: '500m', memory: '512Mi' } }),
      nodes: [node('node-1'), node('node-2'), node('node-3')],
      running: [
        assignedPod('a', 'node-1', { requests: { cpu: '2', memory: '4Gi' } }),
        assignedPod('b', 'node-3', { requests: { cpu: '1', memory: '2Gi' } }),
      ],
      want: 'node-2',
    },
    {
      name: 'a bigger node over a smaller one',
      pod: makePod('web-1', { requests: { cpu: '1', memory: '1Gi' } }),
      nodes: [node('small', { allocatable: { cpu: '2', memory: '2Gi', pods: '110' } }), node('big')],
      want: 'big',
    },
    {
      name: 'best-effort pods spread too (counted as 100m / 200MB)',
      pod: makePod('web-1'),
      nodes: [node('node-1'), node('node-2')],
      running: Array.from({ length: 10 }, (_, i) => assignedPod(`be-${i}`, 'node-1')),
      want: 'node-2',
    },
    {
      name: 'the only feasible node',
      pod: makePod('web-1', { requests: { cpu: '3' } }),
      nodes: [node('node-1'), node('node-2')],
      running: [assignedPod('a', 'node-2', { requests: { cpu: '2' } })],
      want: 'node-1',
    },
    {
      name: 'a preferred node, even a busier one',
      pod: makePod('web-1', {
        requests: { cpu: '100m' },
        spec: {
          affinity: {
            nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } }] },
          },
        },
      }),
      nodes: [node('node-a', { labels: { zone: 'a' } }), node('node-b', { labels: { zone: 'b' } })],
      running: [assignedPod('a', 'node-b', { requests: { cpu: '2', memory: '4Gi' } })],
      want: 'node-b',
    },
    {
      name: 'away from untolerated PreferNoSchedule taints',
      pod: makePod('web-1', { requests: { cpu: '100m' } }),
      nodes: [node('tainted', { spec: { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] } }), node('busy')],
      running: [assignedPod('a', 'busy', { requests: { cpu: '2', memory: '4Gi' } })],
      want: 'busy',
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(scheduledNode(c.pod, c.nodes, c.running), c.want));
  }

  it('breaks ties with the random number generator', () => {
    const pod = makePod('web-1', { requests: { cpu: '1' } });
    const nodes = [node('node-1'), node('node-2'), node('node-3')];
    assert.equal(scheduledNode(pod, nodes, [], () => 0), 'node-1');
    assert.equal(scheduledNode(pod, nodes, [], () => 0.5), 'node-2');
    assert.equal(scheduledNode(pod, nodes, [], () => 0.999), 'node-3');
  });

  it('reports how many nodes it evaluated and found feasible', () => {
    const snapshot = Snapshot.from([node('n1'), node('n2'), node('n3')], [assignedPod('a', 'n3', { requests: { cpu: '2' } })]);
    const result = schedulePod(makePod('p', { requests: { cpu: '3' } }), snapshot, defaultProfile(), () => 0);
    assert.ok(result.status === 'Scheduled');
    const { verdicts, ...counts } = result;
    assert.deepEqual(counts, { status: 'Scheduled', nodeName: 'n1', evaluatedNodes: 3, feasibleNodes: 2 });
    // Every node's verdict, for the pod's journey: the filter that turned it down, or its score.
    assert.deepEqual(verdicts(), [
      { name: 'n1', passed: true, score: 423 },
      { name: 'n2', passed: true, score: 423 },
      { name: 'n3', passed: false, reason: 'NodeResourcesFit: Insufficient cpu' },
    ]);
  });

  it('gives no score when a single node passes (nothing to choose), and says why the others did not', () => {
    const snapshot = Snapshot.from([node('n1'), node('n2')], [assignedPod('a', 'n2', { requests: { cpu: '2' } })]);
    const result = schedulePod(makePod('p', { requests: { cpu: '3' } }), snapshot, defaultProfile(), () => 0);
    assert.equal(result.status, 'Scheduled');
    assert.deepEqual(result.status === 'Scheduled' && result.verdicts(), [
      { name: 'n1', passed: true },
      { name: 'n2', passed: false, reason: 'NodeResourcesFit: Insufficient cpu' },
    ]);
  });
});

describe('schedulePod failures', () => {
  it('reports an empty cluster without naming a plugin', () => {
    const result = schedulePod(makePod('p'), Snapshot.from([], []), defaultProfile());
    assert.deepEqual(result, { status: 'Unschedulable', message: 'no nodes available to schedule pods', unschedulablePlugins: new Set() });
  });

  const failing = (what: 'filter' | 'score' | 'range'): Profile => {
    const filter: FilterPlugin = {
      name: 'Broken',
      filter: () => {
        if (what === 'filter') throw new Error('boom');
        return SUCCESS;
      },
    };
    const score: ScorePlugin = {
      name: 'BadScore',
      score: () => {
        if (what === 'score') throw new Error('no data');
        return what === 'range' ? 101 : 0;
      },
    };
    return { preFilter: [], filter: [filter], score: [{ plugin: score, weight: 1 }] };
  };
  const cases = [
    { what: 'filter' as const, message: 'running "Broken" filter plugin: boom' },
    { what: 'score' as const, message: 'running Score plugin "BadScore": no data' },
    { what: 'range' as const, message: 'plugin "BadScore" returns an invalid score 101, it should in the range of [0, 100] after normalizing' },
  ];
  for (const c of cases) {
    it(`a plugin error (${c.what}) fails the attempt with SchedulerError`, () => {
      const result = schedulePod(makePod('p'), Snapshot.from([node('n1'), node('n2')], []), failing(c.what));
      assert.deepEqual(result, { status: 'Error', message: c.message });
    });
  }

  it('an Error status from a filter is an error, not a rejection', () => {
    const profile: Profile = { preFilter: [], filter: [{ name: 'Sick', filter: () => newStatus('Error', 'cannot tell') }], score: [] };
    assert.deepEqual(schedulePod(makePod('p'), Snapshot.from([node('n1')], []), profile), { status: 'Error', message: 'running "Sick" filter plugin: cannot tell' });
  });

  it('does not score when a single node fits', () => {
    const profile = failing('score');
    assert.equal(schedulePod(makePod('p'), Snapshot.from([node('n1')], []), profile).status, 'Scheduled');
  });
});
