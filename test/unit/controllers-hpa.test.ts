// The HPA's replica calculation: usage over requests against the target,
// the 10% tolerance, and Kubernetes' messages for pods that name no request
// or have no figures.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utilizationReplicas } from '../../main/controllers/podautoscaler/replicaCalculator.ts';

const pod = (name: string, usage: number, request: number) => ({ name, usage, request });

test('scales by the ratio of utilization to target, rounding up', () => {
  assert.deepEqual(utilizationReplicas(2, 50, [pod('a', 100, 100), pod('b', 100, 100)]), { replicas: 4, utilization: 100 });
  assert.deepEqual(utilizationReplicas(4, 50, [pod('a', 10, 100), pod('b', 10, 100), pod('c', 10, 100), pod('d', 10, 100)]), { replicas: 1, utilization: 10 });
});

test('changes nothing within the 10% tolerance', () => {
  assert.deepEqual(utilizationReplicas(3, 50, [pod('a', 53, 100), pod('b', 54, 100), pod('c', 55, 100)]), { replicas: 3, utilization: 54 });
});

test("refuses in Kubernetes' words without requests or figures", () => {
  assert.throws(() => utilizationReplicas(1, 50, [{ ...pod('a', 10, 0), missingRequest: 'missing request for cpu in container main of Pod a' }]), /missing request for cpu in container main of Pod a/);
  assert.throws(() => utilizationReplicas(1, 50, []), /did not receive metrics for targeted pods \(pods might be unready\)/);
});
