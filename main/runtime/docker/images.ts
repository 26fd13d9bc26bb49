// Images through the engine: pulls with per-layer progress, and the engine's
// failures turned into ImagePullError carrying Docker's own message (which
// the kubelet shows in the ErrImagePull event).

import type Docker from 'dockerode';
import { ImagePullError, type Image, type PullOptions, type PullProgress, type RegistryAuth } from '../runtime.ts';
import { dockerMessage, engineCall, engineCallIdempotent, httpStatus, isEngineUnreachable, toRuntimeError } from './engine.ts';

interface PullMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

// What registries and Docker say when the image or tag does not exist, as
// opposed to a network or permission failure.
const NOT_FOUND = /not found|manifest unknown|repository does not exist|no such image|name unknown/i;

export async function pullImage(docker: Docker, image: string, options: PullOptions = {}): Promise<string> {
  let stream: NodeJS.ReadableStream;
  try {
    const pullOptions: Record<string, unknown> = {};
    if (options.auth) pullOptions.authconfig = toAuthConfig(options.auth);
    if (options.signal) pullOptions.abortSignal = options.signal;
    stream = await docker.pull(image, pullOptions);
  } catch (error) {
    throw pullError(image, error);
  }
  const messages = await new Promise<PullMessage[]>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: PullMessage[]) => (error ? reject(pullError(image, error)) : resolve(output)),
      (message: PullMessage) => options.onProgress?.(toProgress(message)),
    );
  });
  // The engine answers 200 and reports a failure inside the stream once the pull has begun.
  const failure = messages.find((m) => m.error || m.errorDetail);
  if (failure) {
    const message = failure.errorDetail?.message ?? failure.error ?? 'unknown error';
    throw new ImagePullError(image, `failed to pull image "${image}": ${message}`, NOT_FOUND.test(message));
  }
  const pulled = await imageStatus(docker, image);
  if (!pulled) throw new ImagePullError(image, `failed to pull image "${image}": the engine reported success but has no such image`, false);
  return pulled.id;
}

/** Pulls only when missing (the sandbox image, node containers). */
export async function ensureImagePresent(docker: Docker, image: string): Promise<void> {
  if (!(await imageStatus(docker, image))) await pullImage(docker, image);
}

export async function imageStatus(docker: Docker, image: string): Promise<Image | undefined> {
  try {
    const info = await docker.getImage(image).inspect();
    return { id: info.Id, repoTags: info.RepoTags ?? [], repoDigests: info.RepoDigests ?? [], sizeBytes: info.Size, user: info.Config?.User || undefined };
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw toRuntimeError(error, `inspect image ${image}`);
  }
}

export async function listImages(docker: Docker): Promise<Image[]> {
  const images = await engineCall('list images', () => docker.listImages());
  return images.map((info) => ({
    id: info.Id,
    repoTags: (info.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
    repoDigests: (info.RepoDigests ?? []).filter((digest) => digest !== '<none>@<none>'),
    sizeBytes: info.Size,
  }));
}

export async function removeImage(docker: Docker, image: string): Promise<void> {
  await engineCallIdempotent(`remove image ${image}`, () => docker.getImage(image).remove(), [404]);
}

function pullError(image: string, error: unknown): Error {
  if (isEngineUnreachable(error)) return toRuntimeError(error, `pull ${image}`);
  const message = dockerMessage(error);
  return new ImagePullError(image, `failed to pull image "${image}": ${message}`, httpStatus(error) === 404 || NOT_FOUND.test(message), { cause: error });
}

function toProgress(message: PullMessage): PullProgress {
  const progress: PullProgress = { status: message.status ?? message.error ?? '' };
  if (message.id) progress.id = message.id;
  if (message.progressDetail?.current !== undefined) progress.current = message.progressDetail.current;
  if (message.progressDetail?.total !== undefined) progress.total = message.progressDetail.total;
  return progress;
}

function toAuthConfig(auth: RegistryAuth): Record<string, string> {
  const config: Record<string, string> = {};
  if (auth.username) config.username = auth.username;
  if (auth.password) config.password = auth.password;
  if (auth.serverAddress) config.serveraddress = auth.serverAddress;
  if (auth.identityToken) config.identitytoken = auth.identityToken;
  if (auth.registryToken) config.registrytoken = auth.registryToken;
  return config;
}
