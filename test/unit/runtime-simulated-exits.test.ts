// Simulated containers whose programs end: the rule that reads a command,
// and the runtime ending the container on its timer with the exit code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plannedExit } from '../../main/runtime/simulated/programRun.ts';
import { SimulatedRuntime } from '../../main/runtime/simulated/simulatedRuntime.ts';

test('which commands end, when, and with which exit code', () => {
  assert.deepEqual(plannedExit({ command: ['sh', '-c', 'echo 3.14'] }), { afterMs: 1000, exitCode: 0 });
  assert.deepEqual(plannedExit({ command: ['/bin/sh', '-c', 'sleep 2; echo done'] }), { afterMs: 3000, exitCode: 0 });
  assert.deepEqual(plannedExit({ command: ['sh', '-c', "echo boom; exit 3"] }), { afterMs: 1000, exitCode: 3 });
  assert.deepEqual(plannedExit({ command: ['false'] }), { afterMs: 1000, exitCode: 1 });
  assert.deepEqual(plannedExit({ command: ['sleep', '5'] }), { afterMs: 5000, exitCode: 0 });
  assert.deepEqual(plannedExit({ command: ['server'], env: [{ name: 'PODLAB_SIM_EXIT_AFTER', value: '500ms' }, { name: 'PODLAB_SIM_EXIT_CODE', value: '2' }] }), { afterMs: 500, exitCode: 2 });
  for (const endless of [['sh', '-c', 'while true; do date; sleep 5; done'], ['sh', '-c', 'exec httpd -f -p 80'], ['sleep', '3600'], ['sh', '-c', 'tail -f /var/log/x'], ['nginx']]) {
    assert.equal(plannedExit({ command: endless }), undefined, endless.join(' '));
  }
  assert.equal(plannedExit({}), undefined, "an image's own entrypoint runs until stopped");
});

test('the runtime ends a finite program on its timer', async () => {
  const timers: Array<{ run: () => void; ms: number }> = [];
  const runtime = new SimulatedRuntime({ cluster: 'c', node: 'n', setTimer: (run, ms) => timers.push({ run, ms }) });
  const sandbox = await runtime.runPodSandbox({ metadata: { name: 'p', namespace: 'default', uid: 'u1', attempt: 0 } } as never);
  await runtime.pullImage('busybox:1.36');
  const id = await runtime.createContainer(sandbox, { metadata: { name: 'main', attempt: 0 }, image: 'busybox:1.36', command: ['sh', '-c', 'echo boom; exit 3'] } as never, { metadata: { name: 'p', namespace: 'default', uid: 'u1', attempt: 0 } } as never);
  await runtime.startContainer(id);
  assert.equal((await runtime.containerStatus(id)).finishedAt, undefined);
  assert.deepEqual(timers.map((t) => t.ms), [1000]);
  timers[0]!.run();
  const status = await runtime.containerStatus(id);
  assert.deepEqual([status.exitCode, status.reason], [3, 'Error']);
});
