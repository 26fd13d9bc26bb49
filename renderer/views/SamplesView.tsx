// The sample gallery: one click applies a sample, then its pods are a click away.

import { useState } from 'react';
import type { ApplyOutcome, BridgeErrorInfo, SampleInfo } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ApplyResults } from '../components/ApplyResults.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useCall } from '../hooks/useCall.ts';
import { useClusterStatus } from '../hooks/useClusterStatus.ts';

export function SamplesView({ onOpenPods }: { onOpenPods: (namespace: string, labelSelector: string) => void }) {
  const samples = useCall<SampleInfo[]>(() => requireBridge().call('samples.list'), []);
  const [results, setResults] = useState<Record<string, { outcomes?: ApplyOutcome[]; error?: BridgeErrorInfo; busy?: boolean }>>({});
  const [shown, setShown] = useState<{ id: string; yaml: string }>();
  // On a kubeconfig context, samples that need PodLab's own components are hidden, each with its reason.
  const foreign = useClusterStatus()?.context !== undefined;
  const hidden = foreign ? (samples.value ?? []).filter((s) => s.podlabOnly) : [];
  const offered = (samples.value ?? []).filter((s) => !hidden.includes(s));

  const apply = async (sample: SampleInfo) => {
    setResults((r) => ({ ...r, [sample.id]: { busy: true } }));
    try {
      const outcomes = await requireBridge().call('samples.apply', { id: sample.id });
      setResults((r) => ({ ...r, [sample.id]: { outcomes } }));
    } catch (err) {
      setResults((r) => ({ ...r, [sample.id]: { error: errorInfo(err) } }));
    }
  };
  const show = async (sample: SampleInfo) => {
    if (shown?.id === sample.id) return setShown(undefined);
    setShown({ id: sample.id, yaml: await requireBridge().call('samples.yaml', { id: sample.id }) });
  };

  return (
    <section className="view scroll">
      <header className="view-head">
        <h1>Samples</h1>
        <span className="muted">Healthy workloads, and pods broken on purpose to see how each failure looks.</span>
      </header>
      {samples.error && <ErrorBox error={samples.error} />}
      {hidden.length > 0 && (
        <div className="muted podlab-only-note" aria-label="Samples hidden on this cluster">
          Hidden here, since PodLab does not run this cluster:
          <ul>
            {hidden.map((s) => (
              <li key={s.id} data-hidden-sample={s.id}>
                <b>{s.title}</b>: {s.podlabOnly}.
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="gallery">
        {offered.map((sample) => {
          const result = results[sample.id];
          const applied = result?.outcomes?.every((o) => o.action !== 'failed');
          return (
            <article key={sample.id} className={`card sample ${sample.broken ? 'sample-broken' : ''}`} data-sample={sample.id}>
              <div className="card-title">
                <b>{sample.title}</b> {sample.broken && <span className="chip chip-bad">broken on purpose</span>}
              </div>
              <p>{sample.summary}</p>
              <p className="muted">
                <b>Watch:</b> {sample.watch}
              </p>
              <div className="toolbar">
                <button className="primary" onClick={() => void apply(sample)} disabled={result?.busy} aria-label={`Apply ${sample.title}`}>
                  {result?.busy ? 'Applying…' : applied ? 'Apply again' : 'Apply'}
                </button>
                <button onClick={() => onOpenPods(sample.namespace, sample.pods)}>Show its pods</button>
                <button onClick={() => void show(sample)}>{shown?.id === sample.id ? 'Hide YAML' : 'YAML'}</button>
              </div>
              {result?.error && <ErrorBox error={result.error} />}
              {result?.outcomes && <ApplyResults outcomes={result.outcomes} />}
              {shown?.id === sample.id && <pre className="sample-yaml">{shown.yaml}</pre>}
            </article>
          );
        })}
      </div>
    </section>
  );
}
