// Waiting on a pod's status through a watch (never a polling loop): the
// watch starts with the pod as it is now, so a change between the caller's
// read and the watch is not missed. A watch the server ends (its request
// timeout, an API server restart) is opened again while the pod exists, so a
// log waiting on a slow start or a long back-off does not end on its own.

import type { KubeObject } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';

const pods = { group: '', version: 'v1', plural: 'pods' };

/** Resolves with the pod once `until` holds for it; undefined when the pod is gone, cannot be watched, or `signal` aborts. */
export function watchPodUntil(client: KubeClient, namespace: string, name: string, until: (pod: KubeObject) => boolean, signal: AbortSignal): Promise<KubeObject | undefined> {
  return new Promise((resolve) => {
    let finished = false;
    let stop = () => {};
    const finish = (pod: KubeObject | undefined) => {
      if (finished) return;
      finished = true;
      signal.removeEventListener('abort', onAbort);
      stop();
      resolve(pod);
    };
    const onAbort = () => finish(undefined);
    const open = () => {
      const handle = client.resource(pods).watch(namespace, { fieldSelector: `metadata.name=${name}` }, (event) => {
        // ERROR: the watch was refused or failed (a 403 arrives so); following cannot go on.
        if (event.type === 'DELETED' || event.type === 'ERROR') return finish(undefined);
        if (event.type !== 'ADDED' && event.type !== 'MODIFIED') return;
        if (until(event.object as KubeObject)) finish(event.object as KubeObject);
      });
      stop = () => handle.stop();
      void handle.done.then(async () => {
        if (finished) return;
        // The server ended the watch: read the pod (gone meanwhile, or already there?), then watch again.
        const pod = await client.resource(pods).get(namespace, name).catch(() => undefined);
        if (!pod || until(pod)) return finish(pod);
        if (!finished) open();
      });
    };
    if (signal.aborted) return resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    open();
  });
}
