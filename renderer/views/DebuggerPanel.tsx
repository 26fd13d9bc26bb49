// The guided debugger: why this pod is stuck, the evidence, and the exact
// commands to check next. Re-runs whenever the pod or its events change.

import { useState } from 'react';
import type { Diagnosis } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { FindingCard } from '../debugger/FindingCard.tsx';
import { FixProgress, type AppliedFix } from '../debugger/FixProgress.tsx';
import { useCall } from '../hooks/useCall.ts';
import { useNow } from '../hooks/useNow.ts';

const refreshMs = 5000;


export function DebuggerPanel({ namespace, name, version }: { namespace: string; name: string; version: string }) {
  // Some evidence changes neither the pod nor its events (the API server's RBAC denials of its requests): look again now and then too.
  const tick = useNow(refreshMs);
  const diagnosis = useCall<Diagnosis>(() => requireBridge().call('insight.diagnose', { namespace, name }), [namespace, name, version, tick.getTime()]);
  const [applied, setApplied] = useState<AppliedFix[]>([]);
  const progress = applied.map((fix) => <FixProgress key={fix.applied.appliedAt + fix.title} fix={fix} onDismiss={() => setApplied((all) => all.filter((f) => f !== fix))} />);
  // The pod a fix replaced is gone: its progress still shows.
  if (diagnosis.error) return (<>{progress}<ErrorBox error={diagnosis.error} /></>);
  const value = diagnosis.value;
  if (!value) return (<>{progress}<p className="muted">Looking at the pod…</p></>);
  return (
    <div className="debugger" aria-label="Diagnosis">
      {progress}
      <p className="summary">
        <b>{value.pod}</b>: {value.summary}
      </p>
      {value.findings.length === 0 && <p className="tone-ok">Nothing looks wrong: the pod is scheduled, its images are pulled and its containers are running and ready (or it has not got that far yet without an error).</p>}
      {value.findings.map((f, i) => (
        <FindingCard key={i} finding={f} namespace={namespace} pod={name} onApplied={(title, result) => setApplied((all) => [...all, { namespace, pod: name, rule: f.rule, title, applied: result }])} />
      ))}
      {value.advice && (
        <section className="advice" aria-label="Best practices">
          <h2>Best practices</h2>
          {value.advice.length === 0 ? (
            <p className="tone-ok">This pod follows the best practices PodLab checks: a controller, requests and limits, probes, no root, pinned images, a disruption budget, and Pod Security restricted.</p>
          ) : (
            value.advice.map((f, i) => (
              <FindingCard key={i} finding={f} namespace={namespace} pod={name} onApplied={(title, result) => setApplied((all) => [...all, { namespace, pod: name, rule: f.rule, title, applied: result }])} />
            ))
          )}
        </section>
      )}
    </div>
  );
}
