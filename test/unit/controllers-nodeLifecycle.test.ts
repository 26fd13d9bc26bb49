import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { NodeLifecycleController, TAINT_UNREACHABLE, evictionTime, readinessTaintKey } from '../../main/controllers/nodeLifecycle.ts';
import { microTime } from '../../main/kubelet/nodeLease.ts';
import { FakeClock } from '../helpers/fakeClock.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

describe('evictionTime', () => {
  const now = Date.UTC(2025, 0, 1);
  const taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: new Date(now - 10_000).toISOString() };
  it('is now for an untolerated NoExecute taint', () => {
    assert.equal(evictionTime([], [taint], now), now);
  });
  it('is the shortest tolerationSeconds after the taint was added', () => {
    const tolerations = [
      { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { operator: 'Exists', tolerationSeconds: 60 },
    ];
    assert.equal(evictionTime(tolerations, [taint], now), now - 10_000 + 60_000);
  });
  it('is never when the taint is tolerated forever, or only NoSchedule', () => {
    assert.equal(evictionTime([{ key: TAINT_UNREACHABLE, operator: 'Exists' }], [taint], now), undefined);
    assert.equal(evictionTime([], [{ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }], now), undefined);
  });
  it('maps Ready to the taint', () => {
    const node = (status: string): KubeObject => ({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status }] } });
    assert.equal(readinessTaintKey(node('True')), undefined);
    assert.equal(readinessTaintKey(node('False')), 'node.kubernetes.io/not-ready');
    assert.equal(readinessTaintKey(node('Unknown')), 'node.kubernetes.io/unreachable');
  });
});

describe('NodeLifecycleController', () => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1, 12, 0, 0));
  const stamp = () => new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let api: InProcessApi;
  let controller: NodeLifecycleController;
  const nodes = () => api.client.resource({ group: '', version: 'v1', plural: 'nodes' });
  const leases = () => api.client.resource({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases' });
  const pods = () => api.client.resource({ group: '', version: 'v1', plural: 'pods' });
  /**
   * Waits until the controller's cache holds `object` as the API last wrote it: its watches deliver
   * in a few event-loop turns, and the test must not act before (a fixed pause was flaky under load).
   */
  async function observed(cache: 'nodes' | 'leases' | 'pods', object: KubeObject): Promise<void> {
    const held = controller[cache] as Map<string, KubeObject>;
    const key = cache === 'nodes' ? object.metadata.name! : `${object.metadata.namespace}/${object.metadata.name}`;
    for (let turns = 0; held.get(key)?.metadata.resourceVersion !== object.metadata.resourceVersion; turns++) {
      if (turns > 2000) assert.fail(`the controller never saw ${cache} ${key} at resourceVersion ${object.metadata.resourceVersion}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function heartbeat(): Promise<void> {
    const lease = await leases().get('kube-node-lease', 'node-1');
    await observed('leases', await leases().update('kube-node-lease', { ...lease, spec: { ...(lease.spec as object), renewTime: microTime(clock.now()) } }));
  }

  async function createPod(name: string, tolerations?: unknown[]): Promise<void> {
    const spec: Record<string, unknown> = { nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox' }] };
    if (tolerations) spec.tolerations = tolerations;
    const created = await pods().create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
    await pods().updateStatus('default', { ...created, status: { ...(created.status as object), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: stamp() }] } });
  }

  /** Events are written after the change they report (the recorder's own queue): wait for the one expected. */
  async function recorded(message: string): Promise<boolean> {
    for (let turns = 0; turns < 2000; turns++) {
      if ((await eventMessages()).includes(message)) return true;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return false;
  }

  async function eventMessages(): Promise<string[]> {
    return (await api.client.resource({ group: '', version: 'v1', plural: 'events' }).list('default')).items.map((e) => `${e.reason}: ${e.message}`);
  }

  const readyOf = async () => ((await nodes().get(undefined, 'node-1')).status as { conditions: Array<{ type: string; status: string; reason?: string; message?: string }> }).conditions.find((c) => c.type === 'Ready')!;

  before(async () => {
    api = await startInProcessApi(() => new Date(clock.now()));
    await nodes().create(undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1' },
      status: {
        conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({
          type,
          status: type === 'Ready' ? 'True' : 'False',
          lastHeartbeatTime: stamp(),
          lastTransitionTime: stamp(),
          reason: 'Kubelet',
        })),
      },
    });
    await leases().create('kube-node-lease', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1', namespace: 'kube-node-lease' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 20, renewTime: microTime(clock.now()) },
    });
    await createPod('quick', [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]);
    await createPod('forever', [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }]);
    // No tolerations given: the DefaultTolerationSeconds defaults add 300 s.
    await createPod('patient');
    // The timer never fires on its own: each test drives monitor() with the fake clock.
    controller = new NodeLifecycleController({ client: api.client, gracePeriodMs: 20_000, monitorPeriodMs: 1e12, clock, onError: (error) => assert.fail(String(error)) });
    await controller.start();
  });

  after(async () => {
    await controller.stop();
    await api.close();
  });

  it('registers the node and leaves a heartbeating node alone', async () => {
    await controller.monitor();
    clock.advance(15_000);
    await heartbeat();
    clock.advance(15_000);
    await controller.monitor();
    assert.equal((await readyOf()).status, 'True');
    assert.deepEqual(((await nodes().get(undefined, 'node-1')).spec as { taints?: unknown[] } | undefined)?.taints ?? [], []);
    assert.ok(await recorded('RegisteredNode: Node node-1 event: Registered Node node-1 in Controller'));
  });

  it('marks a silent node Unknown after the grace period, taints it unreachable and its pods not ready', async () => {
    clock.advance(21_000);
    await controller.monitor();
    const ready = await readyOf();
    assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    const node = await nodes().get(undefined, 'node-1');
    const conditions = (node.status as { conditions: Array<{ type: string; status: string }> }).conditions;
    assert.ok(conditions.every((c) => c.status === 'Unknown'), 'every condition goes Unknown');
    const taints = (node.spec as { taints: Array<{ key: string; effect: string; timeAdded?: string }> }).taints;
    assert.deepEqual(taints.map((t) => `${t.key}:${t.effect}`).sort(), [`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
    assert.ok(taints.find((t) => t.effect === 'NoExecute')?.timeAdded);
    const pod = await pods().get('default', 'quick');
    assert.equal((pod.status as { conditions: Array<{ type: string; status: string }> }).conditions.find((c) => c.type === 'Ready')?.status, 'False');
    assert.ok(await recorded('NodeNotReady: Node node-1 status is now: NodeNotReady'));
    assert.ok(await recorded('NodeNotReady: Node is not ready'));
  });

  it('evicts a pod once its toleration runs out, and never one that tolerates forever', async () => {
    for (const name of ['quick', 'forever', 'patient']) await observed('pods', await pods().get('default', name));
    await observed('nodes', await nodes().get(undefined, 'node-1'));
    clock.advance(25_000);
    await controller.monitor();
    assert.equal((await pods().get('default', 'quick')).metadata.deletionTimestamp, undefined, 'still within its 30 s');
    clock.advance(6_000);
    await controller.monitor();
    const quick = await pods().get('default', 'quick');
    assert.ok(quick.metadata.deletionTimestamp, 'deleted gracefully: the node must confirm');
    const disruption = (quick.status as { conditions: Array<{ type: string; status: string; reason?: string; message?: string }> }).conditions.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual([disruption?.status, disruption?.reason, disruption?.message], ['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']);
    assert.ok(await recorded('TaintManagerEviction: Marking for deletion Pod default/quick'));
    assert.equal((await pods().get('default', 'forever')).metadata.deletionTimestamp, undefined);
    assert.equal((await pods().get('default', 'patient')).metadata.deletionTimestamp, undefined);
  });

  it('removes the taints when the kubelet posts Ready again, cancelling pending evictions', async () => {
    const node = await nodes().get(undefined, 'node-1');
    const conditions = (node.status as { conditions: Array<Record<string, unknown>> }).conditions.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'True', reason: 'KubeletReady', lastHeartbeatTime: stamp() } : { ...c, status: 'False', lastHeartbeatTime: stamp() },
    );
    await observed('nodes', await nodes().updateStatus(undefined, { ...node, status: { ...(node.status as object), conditions } }));
    await heartbeat();
    await controller.monitor();
    assert.deepEqual(((await nodes().get(undefined, 'node-1')).spec as { taints?: unknown[] } | undefined)?.taints ?? [], []);
    await controller.monitor();
    assert.ok(await recorded('TaintManagerEviction: Cancelling deletion of Pod default/patient'));
    clock.advance(400_000);
    await heartbeat();
    await controller.monitor();
    assert.equal((await pods().get('default', 'patient')).metadata.deletionTimestamp, undefined);
  });
});
