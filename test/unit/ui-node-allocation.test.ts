// The node card's "Allocated" line: what `kubectl describe node` prints under
// "Allocated resources" for the same pods and node.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeView, PodView } from '../../main/insight/podView.ts';
import { allocationText, nodeAllocation, podsOnNode } from '../../renderer/nodeAllocation.ts';

const node = (allocatable: Record<string, string>): NodeView => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { allocatable } });

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
const pod = (name: string, containers: Resources[], extra: { nodeName?: string; phase?: string; init?: Array<Resources & { restartPolicy?: string }>; overhead?: Record<string, string> } = {}): PodView =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: extra.nodeName ?? 'node-1',
      containers: containers.map((resources, i) => ({ name: `c${i}`, resources })),
      initContainers: (extra.init ?? []).map(({ restartPolicy, ...resources }, i) => ({ name: `i${i}`, resources, ...(restartPolicy ? { restartPolicy } : {}) })),
      ...(extra.overhead ? { overhead: extra.overhead } : {}),
    },
    status: { phase: extra.phase ?? 'Running' },
  }) as PodView;

test('requests and limits of the pods on the node, summed and shown against allocatable as kubectl does', () => {
  const pods = [
    pod('web', [{ requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }]),
    pod('worker', [{ requests: { cpu: '100m', memory: '64Mi' } }]),
  ];
  const allocation = nodeAllocation(node({ cpu: '2', memory: '2Gi', pods: '110' }), pods);
  assert.equal(allocation.pods, 2);
  // 350m of 2000m is 17.5%: kubectl truncates to 17.
  assert.equal(allocationText(allocation, 'requests'), 'cpu 350m (17%) · memory 192Mi (9%)');
  assert.equal(allocationText(allocation, 'limits'), 'cpu 500m (25%) · memory 256Mi (12%)');
});

test('an empty node shows zeros, and a node that offers nothing shows no percentage', () => {
  assert.equal(allocationText(nodeAllocation(node({ cpu: '4', memory: '8Gi' }), []), 'requests'), 'cpu 0 (0%) · memory 0 (0%)');
  assert.equal(allocationText(nodeAllocation(node({}), [pod('a', [{ requests: { cpu: '1' } }])]), 'requests'), 'cpu 1 · memory 0');
});

test('only pods bound to this node that have not finished count', () => {
  const pods = [
    pod('here', [{ requests: { cpu: '1' } }]),
    pod('elsewhere', [{ requests: { cpu: '1' } }], { nodeName: 'node-2' }),
    pod('pending', [{ requests: { cpu: '1' } }], { nodeName: '', phase: 'Pending' }),
    pod('done', [{ requests: { cpu: '1' } }], { phase: 'Succeeded' }),
    pod('crashed', [{ requests: { cpu: '1' } }], { phase: 'Failed' }),
    pod('starting', [{ requests: { cpu: '500m' } }], { phase: 'Pending' }),
  ];
  assert.deepEqual(podsOnNode('node-1', pods).map((p) => p.metadata.name), ['here', 'starting']);
  assert.equal(allocationText(nodeAllocation(node({ cpu: '2' }), pods), 'requests'), 'cpu 1500m (75%) · memory 0');
});

test('init containers count one at a time, sidecars beside everything, overhead on top (PodRequests)', () => {
  const p = pod('mixed', [{ requests: { cpu: '100m', memory: '100Mi' } }], {
    init: [{ requests: { cpu: '1', memory: '10Mi' } }, { requests: { cpu: '50m' }, restartPolicy: 'Always' }, { requests: { cpu: '300m', memory: '500Mi' } }],
    overhead: { cpu: '10m', memory: '1Mi' },
  });
  // cpu: max(100m + 50m sidecar, 1 (first init), 300m + 50m) = 1, plus 10m overhead.
  assert.equal(allocationText(nodeAllocation(node({ cpu: '2', memory: '1Gi' }), [p]), 'requests'), 'cpu 1010m (50%) · memory 501Mi (48%)');
});

test('overhead adds to limits only where a limit is set (PodLimits)', () => {
  const p = pod('limited', [{ limits: { cpu: '1' } }], { overhead: { cpu: '100m', memory: '64Mi' } });
  assert.equal(allocationText(nodeAllocation(node({ cpu: '2', memory: '1Gi' }), [p]), 'limits'), 'cpu 1100m (55%) · memory 0 (0%)');
});

test('quantities add as resource.Quantity does: canonical forms, mixed suffixes, other resources listed after cpu and memory', () => {
  const pods = [pod('a', [{ requests: { cpu: '0.5', memory: '100Mi', 'ephemeral-storage': '1Gi' } }]), pod('b', [{ requests: { cpu: '1', memory: '100M' } }])];
  const allocation = nodeAllocation(node({ cpu: '4', memory: '4Gi', 'ephemeral-storage': '10Gi' }), pods);
  assert.deepEqual(
    allocation.resources.map((r) => [r.resource, r.requests, r.requestsPercent]),
    [
      ['cpu', '1500m', 37],
      // 100Mi + 100M is no whole number of Ki: printed in bytes, as Quantity.String() does.
      ['memory', '204857600', 4],
      ['ephemeral-storage', '1Gi', 10],
    ],
  );
});

test('node quantities in bytes read in binary units beside the exact value', async () => {
  const { resourceText, bytesText } = await import('../../renderer/quantityText.ts');
  assert.equal(resourceText('memory', '8029876Ki'), 'memory 8029876Ki (7.7 GiB)');
  assert.equal(resourceText('ephemeral-storage', '102400Mi'), 'ephemeral-storage 102400Mi (100 GiB)');
  assert.equal(resourceText('cpu', '4'), 'cpu 4');
  assert.equal(resourceText('pods', '110'), 'pods 110');
  assert.equal(bytesText(512), '512 B');
});
