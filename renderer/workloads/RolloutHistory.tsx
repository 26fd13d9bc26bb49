// A workload's rollout history (`kubectl rollout history`) and the way back
// to an earlier revision (`kubectl rollout undo --to-revision`), for
// Deployments, DaemonSets and StatefulSets.

import { useState } from 'react';
import type { BridgeErrorInfo, KubeObject, ResourceType, RolloutRevision } from '../../preload/api.ts';
import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { useNow } from '../hooks/useNow.ts';

export function RolloutHistory({ resource, object, onError }: { resource: ResourceType; object: KubeObject; onError: (e?: BridgeErrorInfo) => void }) {
  const [revisions, setRevisions] = useState<RolloutRevision[]>();
  const now = useNow();
  const ref = { resource, namespace: object.metadata.namespace, name: object.metadata.name ?? '' };
  const load = async () => {
    try {
      setRevisions(await requireBridge().call('workloads.history', ref));
    } catch (err) {
      onError(errorInfo(err));
    }
  };
  const undo = async (toRevision: number) => {
    try {
      await requireBridge().call('workloads.rollback', { ...ref, toRevision });
      onError(undefined);
      await load();
    } catch (err) {
      onError(errorInfo(err));
    }
  };
  if (!revisions)
    return (
      <button className="small" onClick={() => void load()}>
        History
      </button>
    );
  return (
    <table className="plain history">
      <tbody>
        {revisions.length === 0 && (
          <tr>
            <td className="muted">No revisions yet: the controller records them ({resource.plural === 'deployments' ? 'in ReplicaSets' : 'in ControllerRevisions'}).</td>
          </tr>
        )}
        {revisions.map((r) => (
          <tr key={r.revision}>
            <td>#{r.revision}</td>
            <td>{r.images.join(', ')}</td>
            <td className="muted" title={r.createdAt}>{r.createdAt ? `${ageSince(r.createdAt, now)} ago` : ''}</td>
            <td className="revision-changes">{r.changes ? (r.changes.length ? r.changes.join('; ') : 'same template') : 'first revision'}{r.changeCause ? <span className="muted"> ({r.changeCause})</span> : null}</td>
            <td>
              {r.current ? (
                <b>current</b>
              ) : (
                <button className="small" onClick={() => void undo(r.revision)}>
                  Roll back to this
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
