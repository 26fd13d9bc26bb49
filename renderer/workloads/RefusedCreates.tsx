// Which workloads have their pod creates refused, for the Workloads tables:
// a Deployment or ReplicaSet says so in its ReplicaFailure condition; other
// controllers only in their recent FailedCreate events. And the button that
// opens a workload in the Debugger.

import type { KubeObject, ObjectRef, ResourceType } from '../../preload/api.ts';
import type { EventView } from '../../main/insight/podView.ts';
import { eventTime } from '../../main/insight/podView.ts';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';

/** A FailedCreate older than this no longer says the controller is stuck now. */
const recentMs = 10 * 60_000;

/** A watched object's kind is its table's: list items may leave it out. */
export type RefusedCheck = (obj: KubeObject, kind: string) => string | undefined;

/** The refusal message to show for a workload whose creates are refused now, else undefined. */
export function useRefusedCreates(namespace: string): RefusedCheck {
  const failed = useWatch<EventView>({ resource: resources.events, namespace: namespace || undefined, fieldSelector: 'reason=FailedCreate' });
  const now = useNow(10_000);
  return (obj, kind) => {
    const conditions = (obj.status as { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } | undefined)?.conditions ?? [];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    if (failure) return failure.message ?? failure.reason ?? 'ReplicaFailure';
    if (kind === 'Deployment' || kind === 'ReplicaSet') return undefined;
    const recent = failed.items.filter((e) => e.involvedObject?.uid === obj.metadata.uid && now.getTime() - Date.parse(eventTime(e)) < recentMs);
    return recent[0]?.message;
  };
}

export function RefusedBadge({ message }: { message?: string }) {
  return message ? (
    <span className="refused-badge" title={message}>
      FailedCreate
    </span>
  ) : null;
}

export function DebugButton({ resource, object, onDebug }: { resource: ResourceType; object: KubeObject; onDebug?: (ref: ObjectRef) => void }) {
  if (!onDebug) return null;
  return (
    <button className="small" onClick={() => onDebug({ resource, namespace: object.metadata.namespace, name: object.metadata.name ?? '' })} aria-label={`Debug ${object.metadata.name}`}>
      Debug
    </button>
  );
}
