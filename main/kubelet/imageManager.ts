// Image pulls as images/image_manager.go's EnsureImageExists: the pull
// policy decides (Never, IfNotPresent, Always), a failed pull backs off per
// pod and image (ImagePullBackOff, its message carrying the last error),
// pulls run one at a time as with serializeImagePulls, and each step records
// the kubelet's event with its exact wording.

import { EngineUnavailableError, ImagePullError, type Image, type Runtime } from '../runtime/runtime.ts';
import type { PullAuth } from './pullSecrets.ts';
import { Backoff, type BackoffSettings } from './backoff.ts';
import type { KubeletEvents } from './events.ts';
import { goDuration } from '../kube/goFormat.ts';
import { ContainerStartError } from './startErrors.ts';
import type { Container, Pod } from './types.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import { kubeletSpans } from './journeySpans.ts';

export interface ImageManagerOptions {
  runtime: Runtime;
  events: KubeletEvents;
  backoff: BackoffSettings;
  now: () => number;
  /** Where each image step (present, pulled with its time and size, failed) goes in the pod's journey. */
  journeys?: JourneyRecorder;
}

/** parsers.ParseImageName: the image with `:latest` when it names neither a tag nor a digest. */
export function withDefaultTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.lastIndexOf(':') > lastSlash ? image : `${image}:latest`;
}

export class ImageManager {
  readonly backoff: Backoff;
  private readonly previousPullError = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ImageManagerOptions) {
    this.backoff = new Backoff(options.backoff, options.now);
  }

  backoffKey(pod: Pod, container: Container): string {
    return `${pod.metadata.uid}_${withDefaultTag(container.image)}`;
  }

  /** Makes sure the container's image is present; returns its image ID, or throws ContainerStartError. */
  async ensureImageExists(pod: Pod, container: Container, pullAuth: PullAuth | undefined): Promise<string> {
    const { runtime, events } = this.options;
    const image = container.image;
    const spans = kubeletSpans(this.options.journeys, pod);
    const policy = container.imagePullPolicy ?? 'IfNotPresent';
    const checking = spans?.start('node', `image ${image}`, { container: container.name, image, policy });
    if (!image.trim()) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      checking?.end({ status: 'error', message, attributes: { reason: 'InvalidImageName' } });
      events.container(pod, container, 'Warning', 'InspectFailed', message);
      throw new ContainerStartError('InvalidImageName', message);
    }
    let present: Image | undefined;
    try {
      present = await runtime.imageStatus(withDefaultTag(image));
    } catch (error) {
      checking?.fail(error);
      if (error instanceof EngineUnavailableError) throw error;
      const message = `Failed to inspect image "${image}": ${(error as Error).message}`;
      events.container(pod, container, 'Warning', 'InspectFailed', message);
      throw new ContainerStartError('ImageInspectError', message);
    }
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        checking?.end({ attributes: { present: true, bytes: present.sizeBytes, imageId: present.id } });
        events.container(pod, container, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return present.id;
      }
      const message = `Container image "${image}" is not present with pull policy of Never`;
      checking?.end({ status: 'error', message, attributes: { present: false, reason: 'ErrImageNeverPull' } });
      events.container(pod, container, 'Warning', 'ErrImageNeverPull', message);
      throw new ContainerStartError('ErrImageNeverPull', message);
    }

    const key = this.backoffKey(pod, container);
    const now = this.options.now();
    if (this.backoff.isInBackOffSinceUpdate(key, now)) {
      const event = `Back-off pulling image "${image}"`;
      events.container(pod, container, 'Normal', 'BackOff', event);
      const previous = this.previousPullError.get(key);
      const message = previous ? `${event}: ${previous}` : event;
      // Repeats of the same back-off count on one span.
      spans?.startRepeatable('node', `pull back-off ${image}`, { container: container.name, image }).end({ status: 'error', message, attributes: { reason: 'ImagePullBackOff' } });
      throw new ContainerStartError('ImagePullBackOff', message);
    }
    this.previousPullError.delete(key);

    events.container(pod, container, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const requested = this.options.now();
    let pullStarted = requested;
    // The pull's span replaces the inspection's: a failing pull retried the same way counts on one span.
    const pulling = spans?.startRepeatable('node', `pull ${image}`, { container: container.name, image, policy, present: present !== undefined });
    try {
      const auth = await pullAuth?.();
      const imageId = await this.serially(async () => {
        pullStarted = this.options.now();
        return runtime.pullImage(withDefaultTag(image), auth ? { auth } : {});
      });
      const finished = this.options.now();
      const size = (await runtime.imageStatus(withDefaultTag(image)))?.sizeBytes ?? 0;
      pulling?.end({ attributes: { bytes: size, imageId, waitedMs: pullStarted - requested, pullMs: finished - pullStarted } });
      events.container(
        pod,
        container,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${goDuration(finished - pullStarted)} (${goDuration(finished - requested)} including waiting). Image size: ${size} bytes.`,
      );
      this.backoff.gc();
      return imageId;
    } catch (error) {
      if (error instanceof EngineUnavailableError) {
        pulling?.fail(error);
        throw error;
      }
      const message = error instanceof ImagePullError ? error.message : String((error as Error).message ?? error);
      pulling?.end({ status: 'error', message, attributes: { reason: 'ErrImagePull' } });
      events.container(pod, container, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      this.backoff.next(key, this.options.now());
      this.previousPullError.set(key, `ErrImagePull: ${message}`);
      throw new ContainerStartError('ErrImagePull', message);
    }
  }

  /** When the pull back-off for this container ends, so the pod is synced right then. */
  backoffExpiry(pod: Pod, container: Container): number | undefined {
    const key = this.backoffKey(pod, container);
    const last = this.backoff.lastUpdate(key);
    return last === undefined ? undefined : last + this.backoff.get(key);
  }

  forgetPod(uid: string): void {
    for (const key of this.previousPullError.keys()) if (key.startsWith(`${uid}_`)) this.previousPullError.delete(key);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
