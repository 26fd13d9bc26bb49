// The PLEG: a change reported by the runtime's event stream triggers the
// pod's worker once; the next relist, which lists the same states, does not
// trigger it again. A change no event reported is still found by a relist.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pleg } from '../../main/kubelet/pleg.ts';
import { SimulatedRuntime } from '../../main/runtime/simulated/simulatedRuntime.ts';
import type { PodSandboxConfig } from '../../main/runtime/runtime.ts';
import { FakeClock } from '../helpers/fakeClock.ts';

const sandbox: PodSandboxConfig = { metadata: { name: 'web', namespace: 'default', uid: 'uid-web', attempt: 0 } };

async function runPod(runtime: SimulatedRuntime): Promise<string> {
  await runtime.pullImage('busybox:latest');
  const sandboxId = await runtime.runPodSandbox(sandbox);
  const id = await runtime.createContainer(sandboxId, { metadata: { name: 'app', attempt: 0 }, image: 'busybox:latest' }, sandbox);
  await runtime.startContainer(id);
  return id;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

test("the relist does not trigger a pod again for changes the event stream reported", async () => {
  const runtime = new SimulatedRuntime({ cluster: 'pleg', node: 'node-1' });
  const triggered: string[] = [];
  const pleg = new Pleg({ runtime, clock: new FakeClock(), relistMs: 1000, onPodEvent: (uid) => triggered.push(uid), onError: (error) => assert.fail(error as Error) });
  pleg.start();
  await until(() => pleg.lastRelist !== undefined);
  try {
    const id = await runPod(runtime);
    await until(() => triggered.length >= 4);
    assert.deepEqual(new Set(triggered), new Set(['uid-web']));
    triggered.length = 0;
    await pleg.relist(false);
    assert.deepEqual(triggered, []);

    await runtime.stopContainer(id, 0);
    await until(() => triggered.length >= 1);
    triggered.length = 0;
    await pleg.relist(false);
    assert.deepEqual(triggered, []);
  } finally {
    await pleg.stop();
  }
});

test('a relist finds the changes no event reported, once', async () => {
  const runtime = new SimulatedRuntime({ cluster: 'pleg', node: 'node-1' });
  const triggered: string[] = [];
  // Not started: no event stream, only the relists called here.
  const pleg = new Pleg({ runtime, clock: new FakeClock(), relistMs: 1000, onPodEvent: (uid) => triggered.push(uid), onError: (error) => assert.fail(error as Error) });
  await runPod(runtime);
  await pleg.relist(false);
  assert.deepEqual(triggered, ['uid-web']);
  await pleg.relist(false);
  assert.deepEqual(triggered, ['uid-web']);
});
