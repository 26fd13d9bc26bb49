// Log streams pushed to a terminal. A followed log outlives its container
// instance: when the container exits, the stream waits for the kubelet to
// start the next instance (restartCount goes up, or a new containerID) and
// follows that one, saying so between the two — what `kubectl logs -f`
// cannot do and what a person debugging a crash loop wants. A log opened
// before the container first runs (ContainerCreating, init containers still
// running) waits for it the same way, where kubectl answers 400.

import { randomUUID } from 'node:crypto';
import type { BridgeEvents, KubeObject, LogRequest } from '../../preload/api.ts';
import { isApiError, type KubeClient } from '../kube/client/types.ts';
import { toBridgeError } from './bridgeError.ts';
import { finalStop, hasLog, isFinished, noLogYet } from './logNotices.ts';
import { chooseContainer, containerStatus } from './podContainers.ts';
import type { PodStreams } from './podStreams.ts';
import { watchPodUntil } from './podWatch.ts';

type Emit = (payload: BridgeEvents['logs']) => void;
const pods = { group: '', version: 'v1', plural: 'pods' };

interface Instance {
  restartCount: number;
  containerID: string;
}

function instanceOf(pod: KubeObject, container: string): Instance {
  const status = containerStatus(pod, container);
  return { restartCount: status?.restartCount ?? 0, containerID: status?.containerID ?? '' };
}

/** A new instance of the container runs: restartCount went up, or its containerID changed. */
function isNextInstance(container: string, after: Instance) {
  return (pod: KubeObject) => {
    const now = instanceOf(pod, container);
    const running = containerStatus(pod, container)?.state?.running !== undefined;
    return running && (now.restartCount > after.restartCount || (now.containerID !== '' && now.containerID !== after.containerID));
  };
}

/** The pod once the container has a log to read, else why it never will. */
async function firstStart(client: KubeClient, request: LogRequest, container: string, signal: AbortSignal): Promise<KubeObject | string> {
  const pod = await watchPodUntil(client, request.namespace, request.pod, (p) => hasLog(p, container) || isFinished(p), signal);
  if (!pod) return `pod ${request.pod} is gone: the log ends here`;
  if (hasLog(pod, container)) return pod;
  return finalStop(pod, container) ?? `container "${container}" never started`;
}

export class LogSessions {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly emit: Emit) {}

  async start(client: KubeClient, streams: PodStreams, request: LogRequest): Promise<string> {
    let pod = await client.resource(pods).get(request.namespace, request.pod);
    const container = chooseContainer(pod, request.container);
    const streamId = randomUUID();
    const abort = new AbortController();
    this.running.set(streamId, abort);
    const { signal } = abort;
    const send = (payload: Omit<BridgeEvents['logs'], 'streamId'>) => {
      if (!signal.aborted) this.emit({ streamId, ...payload });
    };
    void (async () => {
      let tailLines = request.tailLines;
      // The API answers 400 "waiting to start" before the container first runs: wait for it on the pod's status instead.
      const notYet = request.previous ? undefined : noLogYet(pod, container);
      if (notYet) {
        send({ notice: notYet });
        const started = await firstStart(client, request, container, signal);
        if (typeof started === 'string') {
          send({ notice: started });
          send({ end: {} });
          this.running.delete(streamId);
          return;
        }
        pod = started;
        send({ notice: `container "${container}" started` });
      }
      for (;;) {
        const instance = instanceOf(pod, container);
        try {
          const chunks = streams.logs(request.namespace, request.pod, { container, follow: !!request.follow, previous: !!request.previous, timestamps: !!request.timestamps, tailLines, signal });
          for await (const data of chunks) send({ data });
        } catch (err) {
          send({ end: { error: toBridgeError(err) } });
          break;
        }
        if (!request.follow || request.previous || signal.aborted) {
          send({ end: {} });
          break;
        }
        // The instance's stream ended: read the pod now to tell a final stop from a restart to come.
        const current = await client.resource(pods).get(request.namespace, request.pod).catch((err) => (isApiError(err, 'NotFound') ? undefined : pod));
        if (!current) {
          send({ notice: `pod ${request.pod} is gone: the log ends here` });
          send({ end: {} });
          break;
        }
        pod = current;
        const final = finalStop(pod, container);
        if (final) {
          send({ notice: final });
          send({ end: {} });
          break;
        }
        send({ notice: `container "${container}" stopped; waiting for its next start...` });
        const next = await watchPodUntil(client, request.namespace, request.pod, isNextInstance(container, instance), signal);
        if (!next) {
          send({ notice: `pod ${request.pod} is gone: the log ends here` });
          send({ end: {} });
          break;
        }
        pod = next;
        send({ notice: `container "${container}" restarted (restart ${instanceOf(pod, container).restartCount}): following the new instance` });
        tailLines = undefined;
      }
      this.running.delete(streamId);
    })();
    return streamId;
  }

  stop(streamId: string): void {
    this.running.get(streamId)?.abort();
    this.running.delete(streamId);
  }

  stopAll(): void {
    for (const abort of this.running.values()) abort.abort();
    this.running.clear();
  }
}
