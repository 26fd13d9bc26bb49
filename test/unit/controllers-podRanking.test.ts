// Which pods a ReplicaSet deletes first when scaling down: Kubernetes'
// ActivePodsWithRanks order.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podsToDelete } from '../../main/controllers/replicaset/podsToDelete.ts';
import type { Pod } from '../../main/controllers/shared/types.ts';

const now = Date.parse('2025-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PodShape {
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: number;
  created?: number;
  restarts?: number;
  cost?: string;
  uid?: string;
}

function pod(name: string, shape: PodShape = {}): Pod {
  const { node = 'node-1', phase = 'Running', ready = true, readySince = 3600, created = 7200, restarts = 0, cost, uid = name } = shape;
  return {
    metadata: { name, namespace: 'default', uid, creationTimestamp: ago(created), ...(cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': cost } } : {}) },
    spec: { nodeName: node || undefined, containers: [] },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: ago(readySince) }],
      containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready, restartCount: restarts }],
    },
  };
}

function firstToGo(pods: Pod[], related: Pod[] = pods): string {
  return podsToDelete(pods, related, 1, now)[0].metadata.name ?? '';
}

describe('pod deletion ranking', () => {
  it('unscheduled before scheduled', () => {
    assert.equal(firstToGo([pod('scheduled'), pod('unscheduled', { node: '', phase: 'Pending', ready: false })]), 'unscheduled');
  });

  it('Pending before Unknown before Running', () => {
    assert.equal(firstToGo([pod('running'), pod('unknown', { phase: 'Unknown' }), pod('pending', { phase: 'Pending' })]), 'pending');
    assert.equal(firstToGo([pod('running'), pod('unknown', { phase: 'Unknown' })]), 'unknown');
  });

  it('not ready before ready', () => {
    assert.equal(firstToGo([pod('ready'), pod('not-ready', { ready: false })]), 'not-ready');
  });

  it('lower pod-deletion-cost first', () => {
    assert.equal(firstToGo([pod('cheap', { cost: '-10' }), pod('default'), pod('dear', { cost: '100' })]), 'cheap');
    assert.equal(firstToGo([pod('default'), pod('dear', { cost: '100' })]), 'default');
  });

  it('pods on nodes crowded with related pods first', () => {
    const crowded = [pod('a', { node: 'busy' }), pod('b', { node: 'busy' })];
    const alone = pod('c', { node: 'quiet' });
    const related = [...crowded, alone, pod('sibling', { node: 'busy' })];
    assert.match(firstToGo([alone, ...crowded], related), /^[ab]$/);
  });

  it('ready for less time first, on a logarithmic scale', () => {
    assert.equal(firstToGo([pod('long', { readySince: 86_400 }), pod('short', { readySince: 10 })]), 'short');
    // 1200 s and 1300 s fall in the same power-of-two bucket (of nanoseconds): uid order decides.
    assert.equal(firstToGo([pod('x', { readySince: 1200, uid: 'b' }), pod('y', { readySince: 1300, uid: 'a' })]), 'y');
    assert.equal(firstToGo([pod('x', { readySince: 1300, uid: 'a' }), pod('y', { readySince: 1200, uid: 'b' })]), 'x');
  });

  it('more restarts first', () => {
    assert.equal(firstToGo([pod('stable'), pod('flaky', { restarts: 5 })]), 'flaky');
  });

  it('newer first', () => {
    assert.equal(firstToGo([pod('old', { created: 86_400 * 10 }), pod('new', { created: 60 })]), 'new');
  });

  it('takes the whole list when every pod goes, in its own order', () => {
    const pods = [pod('a'), pod('b')];
    assert.deepEqual(podsToDelete(pods, pods, 2, now), pods);
  });

  it('ranks by the earliest rule that differs', () => {
    const pods = [
      pod('ready-new', { created: 10, readySince: 5 }),
      pod('not-ready-old', { ready: false, created: 86_400 }),
      pod('pending', { phase: 'Pending', ready: false }),
      pod('unscheduled', { node: '', phase: 'Pending', ready: false }),
    ];
    assert.deepEqual(
      podsToDelete(pods, pods, 3, now).map((p) => p.metadata.name),
      ['unscheduled', 'pending', 'not-ready-old'],
    );
  });
});
