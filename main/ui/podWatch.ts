// Waiting on a pod's status through a watch (never a polling loop): the
// watch starts with the pod as it is now, so a change between the caller's
// read and the watch is not missed.

import type { KubeObject } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';

const pods = { group: '', version: 'v1', plural: 'pods' };

/** Resolves with the pod once `until` holds for it; undefined when the pod is gone, the watch ends or `signal` aborts. */
export function watchPodUntil(client: KubeClient, namespace: string, name: string, until: (pod: KubeObject) => boolean, signal: AbortSignal): Promise<KubeObject | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const handle = client.resource(pods).watch(namespace, { fieldSelector: `metadata.name=${name}` }, (event) => {
      if (event.type === 'DELETED') return finish(undefined);
      if (event.type !== 'ADDED' && event.type !== 'MODIFIED') return;
      const pod = event.object as KubeObject;
      if (until(pod)) finish(pod);
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
