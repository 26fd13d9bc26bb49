// The numbers of a rolling update, checked against what Kubernetes'
// deployment_util.go computes for the same inputs.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventRecorder } from '../../main/kube/client/eventRecorder.ts';
import type { ResourceClient } from '../../main/kube/client/types.ts';
import { maxReplicasAnnotation, desiredReplicasAnnotation } from '../../main/controllers/deployment/annotations.ts';
import { maxSurge, maxUnavailable, newRSNewReplicas, proportion, resolveFenceposts } from '../../main/controllers/deployment/replicaArithmetic.ts';
import { reconcileNewReplicaSet, reconcileOldReplicaSets } from '../../main/controllers/deployment/rolling.ts';
import type { DeploymentSyncContext } from '../../main/controllers/deployment/sync.ts';
import { roundHalfAwayFromZero, scaledValue } from '../../main/controllers/shared/intOrPercent.ts';
import type { Deployment, IntOrString, ReplicaSet } from '../../main/controllers/shared/types.ts';
import { FakeClock } from '../helpers/fakeClock.ts';

function deployment(replicas: number, maxSurgeValue: IntOrString = '25%', maxUnavailableValue: IntOrString = '25%', type = 'RollingUpdate'): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'd-1', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      strategy: type === 'RollingUpdate' ? { type, rollingUpdate: { maxSurge: maxSurgeValue, maxUnavailable: maxUnavailableValue } } : { type },
    },
  };
}

function replicaSet(name: string, replicas: number, available = replicas, annotations: Record<string, string> = {}, created = '2025-01-01T00:00:00Z'): ReplicaSet {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: created, annotations },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } } },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  };
}

/** A sync context whose ReplicaSet writes are recorded and succeed. */
function recordingContext() {
  const scaled: Array<[string, number]> = [];
  const events: string[] = [];
  const ctx = {
    replicaSets: {
      update: async (_ns: string | undefined, rs: ReplicaSet) => {
        scaled.push([rs.metadata.name ?? '', rs.spec.replicas ?? 0]);
        return rs;
      },
    } as unknown as ResourceClient<ReplicaSet>,
    recorder: { event: (_obj: unknown, _type: string, _reason: string, message: string) => events.push(message) } as unknown as EventRecorder,
    clock: new FakeClock(),
  } as unknown as DeploymentSyncContext;
  return { ctx, scaled, events };
}

describe('maxSurge and maxUnavailable', () => {
  it('percentages round surge up and unavailability down', () => {
    assert.deepEqual(resolveFenceposts(deployment(10)), { surge: 3, unavailable: 2 });
    assert.deepEqual(resolveFenceposts(deployment(1)), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(deployment(4, '50%', '50%')), { surge: 2, unavailable: 2 });
    assert.deepEqual(resolveFenceposts(deployment(3, '10%', '90%')), { surge: 1, unavailable: 2 });
  });

  it('numbers are taken as they are', () => {
    assert.deepEqual(resolveFenceposts(deployment(10, 2, 1)), { surge: 2, unavailable: 1 });
  });

  it('both zero would never progress: one may be unavailable', () => {
    assert.deepEqual(resolveFenceposts(deployment(10, 0, 0)), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts(deployment(3, '10%', '10%')), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(deployment(3, 0, '10%')), { surge: 0, unavailable: 1 });
  });

  it('maxUnavailable never exceeds the replicas, and is 0 for no replicas or Recreate', () => {
    assert.equal(maxUnavailable(deployment(5, 0, 10)), 5);
    assert.equal(maxUnavailable(deployment(0)), 0);
    assert.equal(maxUnavailable(deployment(5, 1, 1, 'Recreate')), 0);
    assert.equal(maxSurge(deployment(5, 1, 1, 'Recreate')), 0);
  });

  it('scaledValue refuses a string that is not a percentage, and Go rounds halves away from zero', () => {
    assert.throws(() => scaledValue('5', 10, true), /string is not a percentage/);
    assert.equal(roundHalfAwayFromZero(2.5), 3);
    assert.equal(roundHalfAwayFromZero(-2.5), -3);
    assert.equal(roundHalfAwayFromZero(-2.4), -2);
  });
});

describe('NewRSNewReplicas', () => {
  const d = deployment(10);

  it('grows the new ReplicaSet up to desired + maxSurge in total', () => {
    const newRS = replicaSet('new', 0);
    assert.equal(newRSNewReplicas(d, [replicaSet('old', 10), newRS], newRS), 3);
  });

  it('does not grow while the total is at the limit', () => {
    const newRS = replicaSet('new', 3);
    assert.equal(newRSNewReplicas(d, [replicaSet('old', 10), newRS], newRS), 3);
  });

  it('grows by what the scaled-down old ReplicaSets freed, never beyond desired', () => {
    const newRS = replicaSet('new', 3);
    assert.equal(newRSNewReplicas(d, [replicaSet('old', 8), newRS], newRS), 5);
    const almost = replicaSet('new', 9);
    assert.equal(newRSNewReplicas(d, [replicaSet('old', 0), almost], almost), 10);
  });

  it('Recreate goes straight to the desired count', () => {
    const newRS = replicaSet('new', 0);
    assert.equal(newRSNewReplicas(deployment(4, 1, 1, 'Recreate'), [newRS], newRS), 4);
  });
});

describe('proportional scaling', () => {
  it('shares added replicas by each ReplicaSet size against the max-replicas it was sized for', () => {
    // 10 -> 15 mid-rollout: allowed 15 + surge 4 = 19, the ReplicaSets have 13 for max-replicas 13.
    const d = deployment(15);
    d.status = { replicas: 13 };
    const annotations = { [desiredReplicasAnnotation]: '10', [maxReplicasAnnotation]: '13' };
    const newRS = replicaSet('new', 8, 0, annotations);
    const oldRS = replicaSet('old', 5, 5, annotations);
    const toAdd = 19 - 13;
    const first = proportion(newRS, d, toAdd, 0);
    assert.equal(first, 4);
    assert.equal(proportion(oldRS, d, toAdd, first), 2);
  });

  it('removes replicas too, and nothing from empty ReplicaSets', () => {
    const d = deployment(5);
    const annotations = { [maxReplicasAnnotation]: '13' };
    // 5 + 2 surge = 7 of 13: 8 * 7 / 13 = 4.3 -> 4.
    assert.equal(proportion(replicaSet('big', 8, 8, annotations), d, -6, 0), -4);
    assert.equal(proportion(replicaSet('empty', 0, 0, annotations), d, -6, 0), 0);
  });
});

describe('one rolling step', () => {
  it('scales the new ReplicaSet up by the surge', async () => {
    const { ctx, scaled, events } = recordingContext();
    const d = deployment(10);
    const newRS = replicaSet('web-new', 0);
    assert.equal(await reconcileNewReplicaSet(ctx, [replicaSet('web-old', 10), newRS], newRS, d), true);
    assert.deepEqual(scaled, [['web-new', 3]]);
    assert.deepEqual(events, ['Scaled up replica set web-new from 0 to 3']);
  });

  it('scales old ReplicaSets down only as far as maxUnavailable allows', async () => {
    const { ctx, scaled, events } = recordingContext();
    const d = deployment(10);
    const newRS = replicaSet('web-new', 3, 0);
    const oldRS = replicaSet('web-old', 10, 10);
    // 13 pods, 8 must stay available, the 3 new ones are not yet: 2 old ones may go.
    assert.equal(await reconcileOldReplicaSets(ctx, [oldRS, newRS], [oldRS], newRS, d), true);
    assert.deepEqual(scaled, [['web-old', 8]]);
    assert.deepEqual(events, ['Scaled down replica set web-old from 10 to 8']);
  });

  it('takes unhealthy old replicas first, oldest ReplicaSet first', async () => {
    const { ctx, scaled } = recordingContext();
    const d = deployment(10);
    const newRS = replicaSet('web-new', 3, 0, {}, '2025-01-01T00:02:00Z');
    const older = replicaSet('web-older', 4, 2, {}, '2025-01-01T00:00:00Z');
    const old = replicaSet('web-old', 6, 6, {}, '2025-01-01T00:01:00Z');
    assert.equal(await reconcileOldReplicaSets(ctx, [older, old, newRS], [old, older], newRS, d), true);
    assert.deepEqual(scaled, [['web-older', 2]]);
  });

  it('does nothing while the new pods are not available and nothing more may be lost', async () => {
    const { ctx, scaled } = recordingContext();
    const d = deployment(10);
    const newRS = replicaSet('web-new', 3, 0);
    const oldRS = replicaSet('web-old', 8, 8);
    assert.equal(await reconcileOldReplicaSets(ctx, [oldRS, newRS], [oldRS], newRS, d), false);
    assert.deepEqual(scaled, []);
  });
});
