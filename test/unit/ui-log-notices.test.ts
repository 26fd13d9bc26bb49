import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalStop, noLogYet } from '../../main/ui/logNotices.ts';
import type { KubeObject } from '../../main/kube/meta.ts';

function pod(spec: object, status: object): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec, status } as KubeObject;
}
const exited = (name: string, exitCode: number) => ({ name, ready: false, restartCount: 0, state: { terminated: { exitCode } } });

test('log notices tell a pod never scheduled, a finished init container, and a container that will not restart from one that will', () => {
  assert.match(noLogYet(pod({ containers: [{ name: 'app' }] }, {}), 'app')!, /not scheduled on a node yet/);
  const running = (name: string) => ({ name, ready: true, restartCount: 0, state: { running: {} } });
  assert.equal(noLogYet(pod({ nodeName: 'node-1', containers: [{ name: 'app' }] }, { containerStatuses: [running('app')] }), 'app'), undefined);
  assert.match(noLogYet(pod({ nodeName: 'node-1', containers: [{ name: 'app' }] }, {}), 'app')!, /container "app" is waiting to start: the log opens once it runs/);
  const creating = { containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
  assert.match(noLogYet(pod({ nodeName: 'node-1', containers: [{ name: 'app' }] }, creating), 'app')!, /waiting to start \(ContainerCreating\)/);
  const crashLooping = { containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }] };
  assert.equal(noLogYet(pod({ nodeName: 'node-1', containers: [{ name: 'app' }] }, crashLooping), 'app'), undefined, 'a crash-looping container has its last instance to read');

  const withInit = pod({ nodeName: 'n', initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }] }, { phase: 'Running', initContainerStatuses: [exited('migrate', 0)] });
  assert.match(finalStop(withInit, 'migrate')!, /init container "migrate" finished \(exit code 0\): it does not run again/);
  const failingInit = pod({ nodeName: 'n', initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }] }, { phase: 'Pending', initContainerStatuses: [exited('migrate', 1)] });
  assert.equal(finalStop(failingInit, 'migrate'), undefined, 'a failed init container is retried');

  assert.match(finalStop(pod({ nodeName: 'n', restartPolicy: 'Never', containers: [{ name: 'app' }] }, { phase: 'Running', containerStatuses: [exited('app', 3)] }), 'app')!, /restartPolicy Never does not start it again/);
  assert.equal(finalStop(pod({ nodeName: 'n', restartPolicy: 'Always', containers: [{ name: 'app' }] }, { phase: 'Running', containerStatuses: [exited('app', 1)] }), 'app'), undefined);
  assert.match(finalStop(pod({ nodeName: 'n', containers: [{ name: 'app' }] }, { phase: 'Succeeded' }), 'app')!, /has completed/);
});
