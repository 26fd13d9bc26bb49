// A fix and its outcome go on the pod's own events, so the pod's timeline
// (and `kubectl describe pod`) tells the story: what the debugger changed and
// whether it worked.

import { randomBytes } from 'node:crypto';
import { ApiError, type KubeClient } from '../../kube/client/types.ts';

export const FIX_COMPONENT = 'podlab-debugger';

export async function recordFixEvent(client: KubeClient, namespace: string, pod: string, reason: 'FixApplied' | 'FixVerified' | 'FixFailed', message: string): Promise<void> {
  let uid: string | undefined;
  try {
    uid = (await client.resource({ group: '', version: 'v1', plural: 'pods' }).get(namespace, pod)).metadata.uid;
  } catch (error) {
    // A pod being replaced may be between its old and new self: the fix itself stands.
    if (error instanceof ApiError && error.reason === 'NotFound') return;
    throw error;
  }
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.resource({ group: '', version: 'v1', plural: 'events' }).create(namespace, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.${randomBytes(8).toString('hex')}`, namespace },
    involvedObject: { kind: 'Pod', apiVersion: 'v1', namespace, name: pod, uid },
    reason,
    message,
    type: reason === 'FixFailed' ? 'Warning' : 'Normal',
    source: { component: FIX_COMPONENT },
    reportingComponent: FIX_COMPONENT,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  } as never);
}
