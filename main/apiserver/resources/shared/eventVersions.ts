// Kubernetes keeps one Event storage and serves it as core/v1 and as
// events.k8s.io/v1, whose fields have other names. These map one shape to the
// other, so both APIs can share validation, printing and (in the registry)
// storage.

import type { KubeObject } from '../../../kube/meta.ts';

// events.k8s.io/v1 name → core/v1 name.
const renames: Array<[string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function rename(obj: KubeObject, pairs: Array<[string, string]>, apiVersion: string): KubeObject {
  const out: KubeObject = { ...obj, apiVersion, kind: 'Event', metadata: obj.metadata };
  for (const [from, to] of pairs) {
    delete out[from];
    if (obj[from] !== undefined) out[to] = obj[from];
  }
  return out;
}

export function coreEventFromEventsV1(event: KubeObject): KubeObject {
  return rename(event, renames, 'v1');
}

export function eventsV1FromCoreEvent(event: KubeObject): KubeObject {
  return rename(
    event,
    renames.map(([a, b]) => [b, a]),
    'events.k8s.io/v1',
  );
}
