// The pod's journey as a waterfall of the seed's seven steps, live while
// the pod starts: each span a bar on one time axis with its duration, a
// click showing its facts, the patch a webhook applied as a diff, and the
// scheduler's verdict on every node. Exportable as OpenTelemetry JSON.

import { Fragment, useState } from 'react';
import type { PodTrace, TraceSpan } from '../../preload/api.ts';
import { lineDiff } from '../../main/ui/resources/lineDiff.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useAction } from '../hooks/useAction.ts';
import { DiffView } from '../resources/DiffView.tsx';
import { journeyLayout, millis, seconds } from './journeyLayout.ts';

function SpanDetail({ span }: { span: TraceSpan }) {
  const detail = span.detail;
  return (
    <div className="span-detail">
      {span.message && <p className={span.status === 'error' ? 'tone-bad' : ''}>{span.message}</p>}
      <dl className="facts">
        <dt>component</dt>
        <dd>{span.component}</dd>
        {Object.entries(span.attributes).map(([key, value]) => (
          <Fragment key={key}>
            <dt>{key}</dt>
            <dd>{String(value)}</dd>
          </Fragment>
        ))}
      </dl>
      {detail?.kind === 'patch' && (
        <>
          <h4>The patch it applied</h4>
          <DiffView diff={lineDiff(detail.before, detail.after)} />
        </>
      )}
      {detail?.kind === 'nodes' && (
        <table className="plain node-verdicts" aria-label="Nodes considered">
          <thead>
            <tr>
              <th>node</th>
              <th>filter</th>
              <th>score</th>
            </tr>
          </thead>
          <tbody>
            {detail.nodes.map((n) => (
              <tr key={n.name} className={span.attributes.node === n.name ? 'chosen' : ''}>
                <td>
                  {n.name}
                  {span.attributes.node === n.name ? ' (chosen)' : ''}
                </td>
                <td className={n.passed ? 'tone-ok' : 'tone-bad'}>{n.passed ? 'passed' : (n.reason ?? 'filtered out')}</td>
                <td>{n.score ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function JourneyWaterfall({ trace, namespace, name }: { trace: PodTrace; namespace: string; name: string }) {
  const layout = journeyLayout(trace);
  // A rebuilt journey knows whole seconds only: milliseconds would claim a precision it does not have.
  const time = trace.rebuilt ? seconds : millis;
  const [open, setOpen] = useState<string>();
  const exporting = useAction();
  const exportOtlp = () =>
    exporting.run('export', async () => {
      const text = await requireBridge().call('insight.traceExport', { namespace, name });
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name}-journey.otlp.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  return (
    <section className="journey" aria-label="Journey">
      <div className="journey-head">
        <h3>Journey</h3>
        <span className="journey-total">
          {layout.readyMs !== undefined ? `${trace.rebuilt ? 'created' : 'request'} → Ready in ${time(layout.readyMs)}` : trace.uid === '' ? 'refused at admission' : `${time(layout.totalMs)} so far`}
        </span>
        {layout.errors > 0 && <span className="tone-bad">{layout.errors} failed step{layout.errors === 1 ? '' : 's'}</span>}
        {trace.droppedSpans > 0 && <span className="muted">{trace.droppedSpans} later spans not kept</span>}
        <span className="spacer" />
        <button className="small" onClick={() => void exportOtlp()} title="OpenTelemetry OTLP/JSON, for Jaeger, Tempo or any OTLP tool">
          Export (OTLP JSON)
        </button>
      </div>
      {trace.rebuilt && <p className="muted journey-rebuilt">{trace.rebuilt}</p>}
      {exporting.error && <ErrorBox error={exporting.error} />}
      <div className="waterfall" role="list">
        {layout.groups.map((group) => (
          <div key={group.step} className="waterfall-step" role="listitem" data-step={group.step}>
            <div className="waterfall-step-title">{group.title}</div>
            {group.bars.map((bar) => {
              const id = bar.span.spanId;
              const expanded = open === id;
              return (
                <div key={id} className="waterfall-row">
                  <button
                    className={`waterfall-label link ${bar.span.status === 'error' ? 'tone-bad' : ''}`}
                    aria-expanded={expanded}
                    onClick={() => setOpen(expanded ? undefined : id)}
                    title={`${bar.span.name}: ${time(bar.durationMs)}, at +${time(bar.offsetMs)}`}
                  >
                    {bar.span.name}
                  </button>
                  <div className="waterfall-track" aria-hidden="true">
                    <div className={`waterfall-bar ${bar.span.status === 'error' ? 'bar-error' : ''}`} style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }} />
                  </div>
                  <span className="waterfall-duration">{time(bar.durationMs)}</span>
                  {expanded && <SpanDetail span={bar.span} />}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </section>
  );
}
