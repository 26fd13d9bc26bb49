// The guided debugger: why this pod is stuck, the evidence, and the exact
// commands to check next. Re-runs whenever the pod or its events change.

import { useState } from 'react';
import type { Diagnosis } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { FixCard } from '../debugger/FixCard.tsx';
import { FixProgress, type AppliedFix } from '../debugger/FixProgress.tsx';
import { useCall } from '../hooks/useCall.ts';

function CopyButton({ text }: { text: string }) {
  return (
    <button className="small" onClick={() => void navigator.clipboard?.writeText(text)} title="Copy">
      Copy
    </button>
  );
}

export function DebuggerPanel({ namespace, name, version }: { namespace: string; name: string; version: string }) {
  const diagnosis = useCall<Diagnosis>(() => requireBridge().call('insight.diagnose', { namespace, name }), [namespace, name, version]);
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
        <div key={i} className={`finding finding-${f.severity}`} data-rule={f.rule}>
          <h3>{f.title}</h3>
          <p className="cause">{f.cause}</p>
          {f.evidence.length > 0 && (
            <dl className="evidence">
              {f.evidence.map((e, j) => (
                <div key={j}>
                  <dt>{e.label}</dt>
                  <dd>
                    <pre>{e.text}</pre>
                  </dd>
                </div>
              ))}
            </dl>
          )}
          {f.fixes?.map((fix, j) => (
            <FixCard key={j} namespace={namespace} pod={name} finding={f} fix={fix} onApplied={(result) => setApplied((all) => [...all, { namespace, pod: name, rule: f.rule, title: fix.title, applied: result }])} />
          ))}
          <h4>Next checks</h4>
          <ul className="next-checks">
            {f.next.map((n, j) => (
              <li key={j}>
                {n.what}: <code>{n.command}</code> <CopyButton text={n.command} />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
