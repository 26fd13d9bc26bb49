// Every problem in the cluster (or the selected namespace): the debugger's
// findings on each pod and the best-practice advice on each workload, most
// severe first, each opening its pod's Debug tab, where its fixes are.

import { useMemo, useState } from 'react';
import type { Problem } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { FixCard } from '../debugger/FixCard.tsx';
import { usePolledCall } from '../hooks/usePolledCall.ts';

const refreshMs = 5000;
type Show = 'all' | 'problems' | 'advice';

export function ProblemsView({ namespace, onOpen }: { namespace: string; onOpen: (namespace: string, pod: string) => void }) {
  const problems = usePolledCall(() => requireBridge().call('insight.problems', namespace ? { namespace } : {}), refreshMs, [namespace]);
  const [show, setShow] = useState<Show>('all');
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (problems.value ?? []).filter(
      (p) =>
        (show === 'all' || (show === 'advice') === p.finding.rule.startsWith('practice-')) &&
        (!needle || `${p.subject.namespace}/${p.subject.name} ${p.finding.title}`.toLowerCase().includes(needle)),
    );
  }, [problems.value, show, filter]);
  const counts = { error: 0, warning: 0, advice: 0 };
  for (const p of problems.value ?? []) counts[p.finding.rule.startsWith('practice-') ? 'advice' : p.finding.severity === 'error' ? 'error' : 'warning']++;
  return (
    <section className="view problems">
      <header className="view-head">
        <h1>Problems</h1>
        <span className="count">{problems.value ? `${counts.error} errors · ${counts.warning} warnings · ${counts.advice} advice` : 'looking…'}</span>
        <select value={show} onChange={(e) => setShow(e.target.value as Show)} aria-label="Show">
          <option value="all">Problems and advice</option>
          <option value="problems">Problems only</option>
          <option value="advice">Best-practice advice only</option>
        </select>
        <input className="filter" placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter problems" />
      </header>
      {problems.error && <ErrorBox error={problems.error} next="The list retries every few seconds." />}
      {problems.value && shown.length === 0 && <p className="tone-ok">{problems.value.length === 0 ? `Nothing to report${namespace ? ` in namespace ${namespace}` : ''}: every pod is healthy and follows the practices PodLab checks.` : 'Nothing matches the filter.'}</p>}
      <ul className="problem-list" aria-label="Problems">
        {shown.map((p) => (
          // Keyed by what the problem is about, not its place: a row keeps its expansion when the list refreshes in another order.
          <ProblemRow key={`${p.subject.kind}/${p.subject.namespace}/${p.subject.name}/${p.finding.rule}/${p.finding.title}`} problem={p} onOpen={onOpen} />
        ))}
      </ul>
    </section>
  );
}

function ProblemRow({ problem, onOpen }: { problem: Problem; onOpen: (namespace: string, pod: string) => void }) {
  const { subject, finding } = problem;
  const [open, setOpen] = useState(false);
  const [applied, setApplied] = useState<string>();
  const tone = finding.severity === 'error' ? 'bad' : finding.severity === 'warning' ? 'warn' : 'muted';
  return (
    <li className="problem" data-rule={finding.rule} data-subject={`${subject.kind}/${subject.namespace}/${subject.name}`}>
      <button className="link problem-title" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className={`status tone-${tone}`}>{finding.rule.startsWith('practice-') ? 'advice' : finding.severity}</span> {finding.title}
      </button>
      <span className="muted">
        {subject.kind} {subject.namespace}/{subject.name}
      </span>
      {finding.fixes?.length ? <span className="chip" title="Its fix is offered in Debug once the API server's dry run accepts it">fix</span> : null}
      {subject.pod && (
        <button className="small" onClick={() => onOpen(subject.namespace, subject.pod!)} title={`Open pod ${subject.pod} in Debug`}>
          Debug
        </button>
      )}
      {open && <p className="cause">{finding.cause}</p>}
      {open && !subject.pod && finding.fixes?.map((fix, i) => (
        <div key={i} className="problem-fix">
          <FixCard namespace={subject.namespace} pod="" owner={{ kind: subject.kind, name: subject.name }} finding={finding} fix={fix} onApplied={(result) => setApplied(result.steps.map((s) => `${s.verb === 'create' ? 'created' : s.verb === 'patch' ? 'patched' : 'replaced'} ${s.kind} ${s.name}`).join(', '))} />
        </div>
      ))}
      {applied && (
        <p className="tone-ok problem-applied" role="status">
          Applied ({applied}): this list shows within seconds whether the problem is gone.
        </p>
      )}
      {open && finding.next.length > 0 && (
        <ul className="next-checks">
          {finding.next.map((n, i) => (
            <li key={i}>
              {n.what}: <code>{n.command}</code>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
