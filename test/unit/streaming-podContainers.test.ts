// Which container a log, exec or attach request means, and which instance:
// kube-apiserver's name checks and the kubelet's status rules, in their words.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StatusError } from '../../main/apiserver/errors.ts';
import { chooseContainer, logContainerId, runningContainerId, type PodView } from '../../main/kubelet/streaming/podContainers.ts';

function pod(status: PodView['status'], names = ['app'], initNames: string[] = []): PodView {
  return {
    metadata: { name: 'web-1' },
    spec: { nodeName: 'node-1', initContainers: initNames.map((name) => ({ name })), containers: names.map((name) => ({ name })) },
    status,
  };
}

function refusal(fn: () => unknown): { code: number; message: string | undefined } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof StatusError, String(error));
    return { code: error.code, message: error.status.message };
  }
  assert.fail('expected a refusal');
}

const running = (name: string, id: string) => ({ name, containerID: `docker://${id}`, state: { running: {} }, lastState: {} });

describe('chooseContainer', () => {
  test('the only container when none is named', () => {
    assert.equal(chooseContainer(pod({}), ''), 'app');
  });

  test('several containers and none named: 400 listing every container, init ones first', () => {
    assert.deepEqual(refusal(() => chooseContainer(pod({}, ['app', 'sidecar'], ['setup']), '')), {
      code: 400,
      message: 'a container name must be specified for pod web-1, choose one of: [setup app sidecar]',
    });
  });

  test('an unknown name: 400; an init container is a valid name', () => {
    assert.deepEqual(refusal(() => chooseContainer(pod({}), 'x')), { code: 400, message: 'container x is not valid for pod web-1' });
    assert.equal(chooseContainer(pod({}, ['app'], ['setup']), 'setup'), 'setup');
  });
});

describe('logContainerId', () => {
  test('the running instance, or with previous the one in lastState', () => {
    const p = pod({ containerStatuses: [{ ...running('app', 'bbb'), lastState: { terminated: { containerID: 'docker://aaa' } } }] });
    assert.equal(logContainerId(p, 'app', false), 'bbb');
    assert.equal(logContainerId(p, 'app', true), 'aaa');
  });

  test('previous without a terminated instance: 400', () => {
    assert.deepEqual(refusal(() => logContainerId(pod({ containerStatuses: [running('app', 'bbb')] }), 'app', true)), {
      code: 400,
      message: 'previous terminated container "app" in pod "web-1" not found',
    });
  });

  test('a terminated container: its own instance, else the last one', () => {
    const own = pod({ containerStatuses: [{ name: 'app', state: { terminated: { containerID: 'docker://ccc' } }, lastState: {} }] });
    assert.equal(logContainerId(own, 'app', false), 'ccc');
    const restarting = pod({ containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { containerID: 'docker://ddd' } } }] });
    assert.equal(logContainerId(restarting, 'app', false), 'ddd');
  });

  test('waiting: the reason, with the kubelet\'s words for image pulls', () => {
    const waiting = (reason: string) => refusal(() => logContainerId(pod({ containerStatuses: [{ name: 'app', state: { waiting: { reason } } }] }), 'app', false)).message;
    assert.equal(waiting('ContainerCreating'), 'container "app" in pod "web-1" is waiting to start: ContainerCreating');
    assert.equal(waiting('ErrImagePull'), 'container "app" in pod "web-1" is waiting to start: image can\'t be pulled');
    assert.equal(waiting('ImagePullBackOff'), 'container "app" in pod "web-1" is waiting to start: trying and failing to pull image');
  });

  test('no status yet: waiting as the kubelet reports a pod it is starting', () => {
    assert.equal(refusal(() => logContainerId(pod({}), 'app', false)).message, 'container "app" in pod "web-1" is waiting to start: ContainerCreating');
    assert.equal(refusal(() => logContainerId(pod({}, ['app'], ['setup']), 'app', false)).message, 'container "app" in pod "web-1" is waiting to start: PodInitializing');
  });
});

describe('runningContainerId', () => {
  test('only a running instance will do', () => {
    assert.equal(runningContainerId(pod({ containerStatuses: [running('app', 'eee')] }), 'app'), 'eee');
    assert.deepEqual(refusal(() => runningContainerId(pod({ containerStatuses: [{ name: 'app', state: { terminated: { containerID: 'docker://f' } } }] }), 'app')), {
      code: 400,
      message: 'container not found ("app")',
    });
  });
});
