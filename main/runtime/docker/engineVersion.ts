// The engine's version for the kubelets' runtime checks, one per engine.
// Docker answers GET /version by running `runc --version` and `docker-init
// --version` (20-50 ms here, two processes each time), and every node's
// kubelet checks its runtime every few seconds; GET /_ping is answered from
// memory. So the version is asked once and shared by the kubelets of one
// engine (side by side they share one request), each later check pings, and
// a failed ping forgets it: the engine may come back upgraded. It is asked
// again at least once a minute all the same. The UI's engine probe (every
// 15 s, for the status bar) asks the same way.

import type Docker from 'dockerode';
import { engineCall, engineEndpoint } from './engine.ts';
import { EngineUnavailableError } from '../runtime.ts';

/** How long a version is kept while the engine answers. */
export const VERSION_KEPT_MS = 60_000;
/** How long an unanswered ask is shared: a hung engine's must not hold every later check. */
export const ASK_SHARED_MS = 3_000;

interface Known {
  version: Promise<Docker.DockerVersion>;
  askedAt: number;
  /** Until its answer comes, a version asked for is as fresh as a ping. */
  answered: boolean;
}

const known = new WeakMap<Docker, Known>();

/** The engine's version; throws (as engineCall does) when the engine does not answer. */
export async function engineVersion(docker: Docker, now: () => number = Date.now): Promise<Docker.DockerVersion> {
  const kept = known.get(docker);
  if (kept && !kept.answered && now() - kept.askedAt < ASK_SHARED_MS) return kept.version;
  if (kept?.answered && now() - kept.askedAt < VERSION_KEPT_MS) {
    try {
      await engineCall('ping', () => docker.ping());
    } catch (error) {
      if (known.get(docker) === kept) known.delete(docker);
      throw error;
    }
    return kept.version;
  }
  const asked: Known = { version: engineCall('version', () => docker.version()), askedAt: now(), answered: false };
  known.set(docker, asked);
  asked.version.then(
    () => (asked.answered = true),
    // A failed ask is not kept: the next check asks again.
    () => (known.get(docker) === asked ? known.delete(docker) : undefined),
  );
  return asked.version;
}

/** Answers within `timeoutMs` or throws EngineUnavailableError. Returns the engine version (asked as above: a ping once it is known). */
export async function pingEngine(docker: Docker, timeoutMs = 3000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  // A socket that accepts but never answers (a hung engine) must not hang the caller.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EngineUnavailableError(`the Docker engine at ${engineEndpoint()} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([engineVersion(docker).then((version) => version.Version), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
