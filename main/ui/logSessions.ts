// Log streams pushed to a terminal. A followed log outlives its container
// instance: when the container exits, the stream waits for the kubelet to
// start the next instance (restartCount goes up, or a new containerID) and
// follows that one, saying so between the two — what `kubectl logs -f`
// cannot do and what a person debugging a crash loop wants.

import { randomUUID } from 'node:crypto';
import type { BridgeEvents, KubeObject, LogRequest } from '../../preload/api.ts';
import { isApiError, type KubeClient } from '../kube/client/types.ts';
import { toBridgeError } from './bridgeError.ts';
import { finalStop, noLogYet } from './logNotices.ts';
import { chooseContainer, containerStatus } from './podContainers.ts';
import type { PodStreams } from './podStreams.ts';

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

/** Resolves with the pod once a new instance of the container runs; undefined when the pod is gone or the wait is aborted. */
function nextInstance(client: KubeClient, namespace: string, name: string, container: string, after: Instance, signal: AbortSignal): Promise<KubeObject | undefined> {
  return new Promise((resolve) => {
    const handle = client.resource(pods).watch(namespace, { fieldSelector: `metadata.name=${name}` }, (event) => {
      if (event.type === 'DELETED') return finish(undefined);
      if (event.type !== 'ADDED' && event.type !== 'MODIFIED') return;
      const pod = event.object as KubeObject;
      const now = instanceOf(pod, container);
      const running = containerStatus(pod, container)?.state?.running !== undefined;
      if (running && (now.restartCount > after.restartCount || (now.containerID !== '' && now.containerID !== after.containerID))) finish(pod);
    });
    const onAbort = () => finish(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    void handle.done.then(() => finish(undefined));
    function finish(pod: KubeObject | undefined) {
      signal.removeEventListener('abort', onAbort);
      handle.stop();
      resolve(pod);
    }
  });
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
      const unscheduled = noLogYet(pod);
      if (unscheduled) send({ notice: unscheduled });
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
        const next = await nextInstance(client, request.namespace, request.pod, container, instance, signal);
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
