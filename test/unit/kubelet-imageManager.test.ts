import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventRecorder } from '../../main/kube/client/eventRecorder.ts';
import { KubeletEvents } from '../../main/kubelet/events.ts';
import { ImageManager } from '../../main/kubelet/imageManager.ts';
import { ContainerStartError } from '../../main/kubelet/startErrors.ts';
import type { Container, Pod } from '../../main/kubelet/types.ts';
import { ImagePullError, type Image, type Runtime } from '../../main/runtime/runtime.ts';

function harness(present: string[], pullOutcome: (image: string) => Image | Error) {
  let now = 1_000_000;
  const images = new Map(present.map((name) => [name, { id: `sha256:${name}`, repoTags: [name], repoDigests: [], sizeBytes: 4_242 } as Image]));
  const recorded: string[] = [];
  const recorder = { event: (_obj: unknown, type: string, reason: string, message: string) => recorded.push(`${type} ${reason}: ${message}`), flush: async () => undefined };
  const runtime = {
    imageStatus: async (image: string) => images.get(image),
    pullImage: async (image: string) => {
      now += 1_234;
      const outcome = pullOutcome(image);
      if (outcome instanceof Error) throw outcome;
      images.set(image, outcome);
      return outcome.id;
    },
  } as unknown as Runtime;
  const manager = new ImageManager({ runtime, events: new KubeletEvents(recorder as unknown as EventRecorder), backoff: { initialMs: 10_000, maxMs: 300_000 }, now: () => now });
  return { manager, recorded, advance: (ms: number) => (now += ms) };
}

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [] } };
const container = (image: string, imagePullPolicy?: Container['imagePullPolicy']): Container => ({ name: 'app', image, ...(imagePullPolicy ? { imagePullPolicy } : {}) });

describe('image manager', () => {
  it('uses a present image under IfNotPresent and Never, saying so', async () => {
    const { manager, recorded } = harness(['busybox:1.36'], () => new Error('no pulls expected'));
    assert.equal(await manager.ensureImageExists(pod, container('busybox:1.36', 'IfNotPresent'), undefined), 'sha256:busybox:1.36');
    assert.equal(await manager.ensureImageExists(pod, container('busybox:1.36', 'Never'), undefined), 'sha256:busybox:1.36');
    assert.deepEqual(recorded, ['Normal Pulled: Container image "busybox:1.36" already present on machine', 'Normal Pulled: Container image "busybox:1.36" already present on machine']);
  });

  it('pulls under Always, with the durations and size in the Pulled event', async () => {
    const { manager, recorded } = harness(['busybox:latest'], (image) => ({ id: `sha256:new-${image}`, repoTags: [image], repoDigests: [], sizeBytes: 2_150_000 }));
    assert.equal(await manager.ensureImageExists(pod, container('busybox', 'Always'), undefined), 'sha256:new-busybox:latest');
    assert.deepEqual(recorded, [
      'Normal Pulling: Pulling image "busybox"',
      'Normal Pulled: Successfully pulled image "busybox" in 1.234s (1.234s including waiting). Image size: 2150000 bytes.',
    ]);
  });

  it('fails with ErrImagePull, then backs off with ImagePullBackOff carrying the last error, doubling the wait', async () => {
    const failure = new ImagePullError('x:1', 'failed to pull image "x:1": manifest unknown', true);
    const { manager, recorded, advance } = harness([], () => failure);
    const attempt = () => manager.ensureImageExists(pod, container('x:1', 'IfNotPresent'), undefined).then(() => undefined, (e: ContainerStartError) => [e.reason, e.message]);
    assert.deepEqual(await attempt(), ['ErrImagePull', 'failed to pull image "x:1": manifest unknown']);
    assert.deepEqual(recorded.splice(0), ['Normal Pulling: Pulling image "x:1"', 'Warning Failed: Failed to pull image "x:1": failed to pull image "x:1": manifest unknown']);
    advance(5_000);
    assert.deepEqual(await attempt(), ['ImagePullBackOff', 'Back-off pulling image "x:1": ErrImagePull: failed to pull image "x:1": manifest unknown']);
    assert.deepEqual(recorded.splice(0), ['Normal BackOff: Back-off pulling image "x:1"']);
    advance(5_000);
    assert.deepEqual((await attempt())?.[0], 'ErrImagePull');
    advance(15_000);
    assert.deepEqual((await attempt())?.[0], 'ImagePullBackOff', 'the second wait is 20 s');
    advance(5_000);
    assert.deepEqual((await attempt())?.[0], 'ErrImagePull');
  });

  it('refuses to pull under Never', async () => {
    const { manager, recorded } = harness([], () => new Error('no pulls expected'));
    await assert.rejects(manager.ensureImageExists(pod, container('podlab/absent:1', 'Never'), undefined), {
      reason: 'ErrImageNeverPull',
      message: 'Container image "podlab/absent:1" is not present with pull policy of Never',
    });
    assert.deepEqual(recorded, ['Warning ErrImageNeverPull: Container image "podlab/absent:1" is not present with pull policy of Never']);
  });
});
