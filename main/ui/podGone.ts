// Follows one pod until it is gone: deleted, or replaced by a new pod of the
// same name. kubectl port-forward ends then ("lost connection to pod"), and
// so does a forward the UI started. A watch on the pod's name; when the
// server ends a watch (its timeout, a restart), the pod is looked up again
// and followed from there.

import { realClock, type Clock, type Timer } from '../kube/clock.ts';
import { isApiError, type ResourceClient, type WatchHandle } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';

const RETRY_MS = 2000;

export function whenPodGone(pods: ResourceClient, pod: KubeObject, onGone: () => void, clock: Clock = realClock): { stop(): void } {
  const { namespace, name, uid } = pod.metadata;
  let stopped = false;
  let watch: WatchHandle | undefined;
  let retry: Timer | undefined;
  const gone = () => {
    if (stopped) return;
    stopped = true;
    watch?.stop();
    onGone();
  };
  const lookAgain = async () => {
    try {
      const current = await pods.get(namespace, name!);
      if (current.metadata.uid !== uid) gone();
      else follow(current.metadata.resourceVersion);
    } catch (err) {
      if (isApiError(err, 'NotFound')) gone();
      // The API cannot be reached for now: try again, the forward stays as it is.
      else if (!stopped) retry = clock.setTimeout(() => void lookAgain(), RETRY_MS);
    }
  };
  const follow = (resourceVersion: string | undefined) => {
    if (stopped) return;
    watch = pods.watch(namespace, { fieldSelector: `metadata.name=${name}`, resourceVersion }, (event) => {
      if (event.type === 'DELETED' || ((event.type === 'ADDED' || event.type === 'MODIFIED') && event.object.metadata.uid !== uid)) gone();
    });
    void watch.done.then(() => {
      if (!stopped) retry = clock.setTimeout(() => void lookAgain(), RETRY_MS);
    });
  };
  follow(pod.metadata.resourceVersion);
  return {
    stop: () => {
      stopped = true;
      retry?.cancel();
      watch?.stop();
    },
  };
}
