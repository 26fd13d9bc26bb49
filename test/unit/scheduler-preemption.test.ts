// DefaultPreemption on snapshots: the fewest, least important victims, and
// PodDisruptionBudgets honored where another choice exists (victims a budget
// protects are given back first; the node breaking fewer budgets wins).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultProfile } from '../../main/scheduler/plugins/defaultProfile.ts';
import { findPreemption, type DisruptionBudget } from '../../main/scheduler/preemption.ts';
import { schedulePod } from '../../main/scheduler/schedulePod.ts';
import { Snapshot } from '../../main/scheduler/snapshot.ts';
import type { Pod } from '../../main/scheduler/types.ts';
import { assignedPod, makeNode, makePod } from '../helpers/schedulerFixtures.ts';

const node = (name: string) => makeNode(name, { allocatable: { cpu: '2', memory: '8Gi', pods: '110' } });
const low = (name: string, nodeName: string, app: string, priority = 10) => assignedPod(name, nodeName, { requests: { cpu: '1' }, labels: { app }, spec: { priority } as Pod['spec'] });
const budget = (app: string, disruptionsAllowed: number): DisruptionBudget => ({ metadata: { name: `${app}-pdb`, namespace: 'default' }, spec: { selector: { matchLabels: { app } } }, status: { disruptionsAllowed } });

function preempt(running: Pod[], budgets: DisruptionBudget[] = []) {
  const vip = makePod('vip', { requests: { cpu: '1' }, spec: { priority: 1000 } as Pod['spec'] });
  const snapshot = Snapshot.from([node('node-1'), node('node-2')], running);
  const result = schedulePod(vip, snapshot, defaultProfile(), () => 0);
  assert.equal(result.status, 'Unschedulable');
  const preemption = findPreemption(vip, snapshot, defaultProfile(), result.fitError!, budgets);
  assert.ok('victims' in preemption, JSON.stringify(preemption));
  return { node: preemption.nodeName, victims: preemption.victims.map((v) => v.metadata.name), pdbViolations: preemption.pdbViolations };
}

describe('preemption', () => {
  it('takes one victim of the lowest priority', () => {
    const running = [low('a1', 'node-1', 'a', 50), low('a2', 'node-1', 'a', 50), low('b1', 'node-2', 'b', 5), low('b2', 'node-2', 'b', 50)];
    assert.deepEqual(preempt(running), { node: 'node-2', victims: ['b1'], pdbViolations: 0 });
  });

  it('prefers the node whose victim no budget protects', () => {
    const running = [low('a1', 'node-1', 'a'), low('a2', 'node-1', 'a'), low('b1', 'node-2', 'b'), low('b2', 'node-2', 'b')];
    assert.deepEqual(preempt(running, [budget('a', 0)]).node, 'node-2');
    assert.deepEqual(preempt(running, [budget('b', 0)]).node, 'node-1');
  });

  it('on a node, gives back the pod a budget protects and takes its unprotected neighbour', () => {
    const running = [low('guarded', 'node-1', 'db', 10), low('free', 'node-1', 'web', 20), low('x1', 'node-2', 'x', 500), low('x2', 'node-2', 'x', 500)];
    // Without a budget the least important pod goes; with one covering it, the other one does.
    assert.deepEqual(preempt(running).victims, ['guarded']);
    assert.deepEqual(preempt(running, [budget('db', 0)]), { node: 'node-1', victims: ['free'], pdbViolations: 0 });
  });

  it('breaks a budget when nothing else makes room, and says so', () => {
    const running = [low('a1', 'node-1', 'a'), low('a2', 'node-1', 'a'), low('b1', 'node-2', 'a'), low('b2', 'node-2', 'a')];
    const chosen = preempt(running, [budget('a', 0)]);
    assert.equal(chosen.victims.length, 1);
    assert.equal(chosen.pdbViolations, 1);
  });

  it('a budget with disruptions to spare is not broken by one victim', () => {
    const running = [low('a1', 'node-1', 'a'), low('a2', 'node-1', 'a'), low('b1', 'node-2', 'b', 5), low('b2', 'node-2', 'b', 5)];
    assert.deepEqual(preempt(running, [budget('a', 1)]).pdbViolations, 0);
  });
});
