// Deleting an object, said in full before it happens: what goes with it (the
// objects it owns, level by level; everything in a namespace; a CRD's custom
// resources), counted by kind, under the propagation policy chosen, with
// notes on finalizers and data. Nothing is deleted until the user confirms.

import { useState } from 'react';
import type { ApiGroupKinds, DeleteImpact, ObjectRef, PropagationPolicy } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useAction } from '../hooks/useAction.ts';
import { useCall } from '../hooks/useCall.ts';
import { pluralTitle, resolveKind } from './kindTitle.ts';

const policies: Array<{ value: PropagationPolicy; label: string }> = [
  { value: 'Background', label: 'Background: delete it now, then what it owns' },
  { value: 'Foreground', label: 'Foreground: delete what it owns first, then it' },
  { value: 'Orphan', label: 'Orphan: keep what it owns' },
];

function counted(groups: ApiGroupKinds[], kind: string, count: number): string {
  if (count === 1) return `1 ${kind}`;
  const found = resolveKind(groups, undefined, kind);
  return `${count} ${found ? pluralTitle(found.kind, found.resource.plural) : kind}`;
}

/** `showNamespace`: the deleted object is cluster-scoped, so what goes with it may be in any namespace. */
function ImpactSummary({ impact, groups, showNamespace }: { impact: DeleteImpact; groups: ApiGroupKinds[]; showNamespace: boolean }) {
  const summary = impact.counts.map((c) => counted(groups, c.kind, c.count)).join(', ');
  return (
    <div className="impact">
      {impact.total === 0 ? (
        <p>Nothing else goes with it.</p>
      ) : (
        <>
          <p className="impact-summary">
            {impact.orphaned ? 'Kept, no longer owned by it: ' : 'Deleted with it: '}
            <b>{summary}</b>
          </p>
          <ul className="impact-objects" aria-label={impact.orphaned ? 'Kept' : 'Deleted with it'}>
            {impact.objects.map((o) => (
              <li key={`${o.kind}/${o.namespace ?? ''}/${o.name}`} style={{ paddingLeft: (o.depth - 1) * 16 }}>
                {o.kind.toLowerCase()}/{o.name}
                {showNamespace && o.namespace && <span className="muted"> ({o.namespace})</span>}
              </li>
            ))}
            {impact.truncated && <li className="muted">and {impact.total - impact.objects.length} more</li>}
          </ul>
        </>
      )}
      {impact.notes.length > 0 && (
        <ul className="impact-notes" aria-label="Notes">
          {impact.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface Props {
  target: ObjectRef;
  kind: string;
  uid?: string;
  groups: ApiGroupKinds[];
  /** Namespaces and CRDs delete their content whatever the policy: it is not offered for them. */
  withPolicy: boolean;
  onCancel: () => void;
  onDeleted: () => void;
}

export function DeletePanel({ target, kind, uid, groups, withPolicy, onCancel, onDeleted }: Props) {
  const [policy, setPolicy] = useState<PropagationPolicy>('Background');
  const impact = useCall(() => requireBridge().call('resources.deleteImpact', { ...target, propagationPolicy: policy }), [JSON.stringify(target), policy]);
  const action = useAction();
  const what = `${kind.toLowerCase()} ${target.name}`;
  const isNamespace = target.resource.group === '' && target.resource.plural === 'namespaces';
  const remove = async () => {
    if (await action.run('delete', () => requireBridge().call('objects.delete', { ...target, propagationPolicy: policy, ...(uid ? { uid } : {}) }))) onDeleted();
  };
  return (
    <div className="delete-panel" role="dialog" aria-label={`Delete ${what}`}>
      <div className="delete-question">
        Delete <b>{what}</b>
        {target.namespace ? ` in namespace ${target.namespace}` : ''}?
      </div>
      {withPolicy && (
        <label className="delete-policy">
          Propagation{' '}
          <select value={policy} onChange={(e) => setPolicy(e.target.value as PropagationPolicy)} aria-label="Propagation policy">
            {policies.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {impact.loading && !impact.value ? <p className="muted">Working out what goes with it…</p> : impact.value && <ImpactSummary impact={impact.value} groups={groups} showNamespace={!target.namespace && !isNamespace} />}
      {impact.error && <ErrorBox error={impact.error} />}
      {action.error && <ErrorBox error={action.error} />}
      <div className="actions">
        <button className="danger" onClick={() => void remove()} disabled={!!action.pending || impact.loading}>
          {action.pending ? 'Deleting…' : `Delete ${what}`}
        </button>
        <button onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
