// After a fix is applied: watch the pod it reached (the same one, or the
// controller's new one) until it is Ready without the finding, or the
// finding comes back. Kept apart from the findings, which vanish once the
// fix works.

import { useEffect, useState } from 'react';
import type { FixApplied, FixCheck } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';

export interface AppliedFix {
  namespace: string;
  pod: string;
  rule: string;
  title: string;
  applied: FixApplied;
}

const checkEveryMs = 1000;

export function FixProgress({ fix, onDismiss }: { fix: AppliedFix; onDismiss: () => void }) {
  const [check, setCheck] = useState<FixCheck>({ state: 'waiting', message: 'Applied; looking at the pod…' });
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const result = await requireBridge().call('fixes.check', { namespace: fix.namespace, pod: fix.pod, rule: fix.rule, title: fix.title, appliedAt: fix.applied.appliedAt, ...(fix.applied.ownerUid && { ownerUid: fix.applied.ownerUid }) });
        if (stopped) return;
        setCheck(result);
        setError(undefined);
        if (result.state === 'fixed') return;
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped) timer = setTimeout(() => void poll(), checkEveryMs);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [fix]);
  const tone = check.state === 'fixed' ? 'ok' : check.state === 'failing' ? 'bad' : 'progress';
  return (
    <div className={`fix-progress tone-${tone}`} data-fix-state={check.state} role="status">
      <b>{fix.title}</b>: {check.message}
      {error && <span className="muted"> (checking: {error})</span>}{' '}
      <span className="muted">{fix.applied.steps.map((s) => `${s.verb === 'create' ? 'created' : s.verb === 'patch' ? 'patched' : 'replaced'} ${s.kind} ${s.name}`).join(', ')}</span>
      <button className="small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
