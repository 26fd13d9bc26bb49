// The guided debugger: why this pod is stuck, why a workload has no pods
// (its controller's creates refused), and the writes admission refused
// lately; with the evidence, the changes and the exact commands to check
// next. The pod's diagnosis re-runs whenever the pod or its events change;
// workloads and refused requests are asked again every few seconds (the
// API server's memory of refusals has no watch).

import { useState } from 'react';
import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { Diagnosis, ObjectRef, RefusedRequest, RefusedRequests, WorkloadDiagnosis } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { FindingList, type FixTarget } from '../debugger/FindingCard.tsx';
import { FixProgress, type AppliedFix } from '../debugger/FixProgress.tsx';
import { useCall } from '../hooks/useCall.ts';
import { useNow } from '../hooks/useNow.ts';
import { usePolledCall } from '../hooks/usePolledCall.ts';

const refreshMs = 5000;
const pollMs = 3000;


export function DebuggerPanel({ namespace, name, version }: { namespace: string; name: string; version: string }) {
  // Some evidence changes neither the pod nor its events (the API server's RBAC denials of its requests): look again now and then too.
  const tick = useNow(refreshMs);
  const diagnosis = useCall<Diagnosis>(() => requireBridge().call('insight.diagnose', { namespace, name }), [namespace, name, version, tick.getTime()]);
  const [applied, setApplied] = useState<AppliedFix[]>([]);
  const progress = applied.map((fix) => <FixProgress key={fix.applied.appliedAt + fix.title} fix={fix} onDismiss={() => setApplied((all) => all.filter((f) => f !== fix))} />);
  // The pod a fix replaced is gone: its progress still shows.
  if (diagnosis.error) return (<>{progress}<ErrorBox error={diagnosis.error} /></>);
  const target: FixTarget = { namespace, pod: name, onApplied: (finding, title, result) => setApplied((all) => [...all, { namespace, pod: name, rule: finding.rule, title, applied: result }]) };
  const value = diagnosis.value;
  if (!value) return (<>{progress}<p className="muted">Looking at the pod…</p></>);
  return (
    <div className="debugger" aria-label="Diagnosis">
      {progress}
      <p className="summary">
        <b>{value.pod}</b>: {value.summary}
      </p>
      {value.findings.length === 0 && <p className="tone-ok">Nothing looks wrong: the pod is scheduled, its images are pulled and its containers are running and ready (or it has not got that far yet without an error).</p>}
      <FindingList findings={value.findings} target={target} />
      {value.advice && (
        <section className="advice" aria-label="Best practices">
          <h2>Best practices</h2>
          {value.advice.length === 0 ? (
            <p className="tone-ok">This pod follows the best practices PodLab checks: a controller, requests and limits, probes, no root, pinned images, a disruption budget, and Pod Security restricted.</p>
          ) : (
            <FindingList findings={value.advice} target={target} />
          )}
        </section>
      )}
    </div>
  );
}

/** A workload whose pods may not be created: its controller's refused creates, explained. */
export function WorkloadDebugger({ target, onClose }: { target: ObjectRef; onClose?: () => void }) {
  const key = `${target.resource.group}/${target.resource.plural}/${target.namespace}/${target.name}`;
  const diagnosis = usePolledCall<WorkloadDiagnosis>(() => requireBridge().call('insight.diagnoseWorkload', target), pollMs, [key]);
  const value = diagnosis.value;
  return (
    <div className="debugger card" aria-label="Workload diagnosis">
      <div className="card-title">
        <b>
          {value?.kind ?? target.resource.plural} {target.namespace ? `${target.namespace}/` : ''}
          {target.name}
        </b>
        {value && <span className="muted"> {value.summary}</span>}
        <span className="spacer" />
        {onClose && (
          <button className="small" onClick={onClose} aria-label="Close workload diagnosis">
            ✕
          </button>
        )}
      </div>
      {diagnosis.error && <ErrorBox error={diagnosis.error} />}
      {!value && !diagnosis.error && <p className="muted">Looking at the workload…</p>}
      {value && value.findings.length === 0 && (
        <p className="tone-ok">No refused creates: its controller creates the pods it asks for. If pods are missing or failing, open them in the Pods view: each has its own Debug tab.</p>
      )}
      {value && <FindingList findings={value.findings} />}
    </div>
  );
}

function RefusalSummary({ refusal, now }: { refusal: RefusedRequest; now: Date }) {
  const who = refusal.owner ? `${refusal.owner.kind} ${refusal.owner.name}` : (refusal.user ?? 'unknown');
  return (
    <summary>
      <span className="stage">{refusal.stage}</span>
      <b>
        {refusal.operation} {refusal.kind} {refusal.namespace ? `${refusal.namespace}/` : ''}
        {refusal.name}
      </b>
      <span className="muted">by {who}</span>
      {refusal.dryRun && <span className="muted">(dry run)</span>}
      <span className="muted">
        {refusal.count > 1 ? `x${refusal.count}, ` : ''}
        {refusal.lastAt ? `${ageSince(refusal.lastAt, now)} ago` : ''}
      </span>
      {refusal.resolved && <span className="tone-ok">since admitted</span>}
    </summary>
  );
}

/** Keys that stay with a refusal while the list reorders (a repeated refusal moves to the top). */
function keyed(refusals: RefusedRequest[]): Array<{ key: string; refusal: RefusedRequest }> {
  const seen = new Map<string, number>();
  return refusals.map((refusal) => {
    const base = [refusal.source, refusal.operation, refusal.kind, refusal.namespace, refusal.name, refusal.stage, refusal.user ?? refusal.owner?.name].join('/');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { key: n ? `${base}#${n}` : base, refusal };
  });
}

/** Opened or closed by the reader, and kept so while the list is asked again. */
function RefusalItem({ refusal: r, now, initiallyOpen }: { refusal: RefusedRequest; now: Date; initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-kind={r.kind} data-name={r.name} data-stage={r.stage}>
      <RefusalSummary refusal={r} now={now} />
      <div className="refusal-body">
        {r.findings.length === 0 && <pre className="refusal-message">{r.message}</pre>}
        {r.resolved && <p className="tone-ok">{r.resolved}</p>}
        <FindingList findings={r.findings} />
      </div>
    </details>
  );
}

/** The writes admission refused lately (a namespace's, or all): a refused object never exists, so only this tells. */
export function RefusedRequestsPanel({ namespace }: { namespace: string }) {
  const refusals = usePolledCall<RefusedRequests>(() => requireBridge().call('insight.refusals', namespace ? { namespace } : {}), pollMs, [namespace]);
  const now = useNow();
  const value = refusals.value;
  return (
    <div className="card refusals" aria-label="Refused requests">
      <div className="card-title">
        <b>Refused requests</b> <span className="muted">{value ? value.refusals.length : ''}</span>
      </div>
      {refusals.error && <ErrorBox error={refusals.error} />}
      {value && !value.remembered && <p className="muted">This cluster's API server keeps no memory of refused requests (only PodLab's does): these are its controllers' FailedCreate events.</p>}
      {value && value.refusals.length === 0 && <p className="muted">Nothing refused lately{namespace ? ` in ${namespace}` : ''}.</p>}
      {value && keyed(value.refusals).map(({ key, refusal }, i) => <RefusalItem key={key} refusal={refusal} now={now} initiallyOpen={i === 0} />)}
    </div>
  );
}
