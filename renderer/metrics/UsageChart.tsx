// A pod's CPU and memory over the last few minutes: two small line charts
// drawn from the metrics API's answers as they arrive (the API keeps no
// history, like metrics-server; the chart remembers what this view saw).

import { useEffect, useState } from 'react';
import { usePodMetrics } from './usePodMetrics.ts';
import { cpuText, memoryText, type Usage } from './usage.ts';

const keep = 60;

interface Sample extends Usage {
  at: string;
}

function Sparkline({ values, label, text }: { values: number[]; label: string; text: string }) {
  const width = 220;
  const height = 40;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 2) - 1).toFixed(1)}`).join(' ');
  return (
    <figure className="sparkline" aria-label={`${label} ${text}`}>
      <figcaption>
        {label} <b>{text}</b>
      </figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-hidden="true">
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
    </figure>
  );
}

export function UsageChart({ namespace, name }: { namespace: string; name: string }) {
  const metrics = usePodMetrics(namespace, `metadata.name=${name}`);
  const usage = metrics?.byPod.get(`${namespace}/${name}`);
  const [samples, setSamples] = useState<Sample[]>([]);
  useEffect(() => {
    if (!usage) return;
    const at = usage.timestamp ?? new Date().toISOString();
    setSamples((old) => (old.at(-1)?.at === at ? old : [...old, { at, cpuMilli: usage.cpuMilli, memoryBytes: usage.memoryBytes }].slice(-keep)));
  }, [usage]);
  if (!metrics) return null;
  if (!metrics.available) return <p className="muted">CPU and memory: the metrics API (metrics.k8s.io) does not answer on this cluster.</p>;
  if (!usage) return <p className="muted">CPU and memory: no figures yet (they appear once the pod's containers run).</p>;
  return (
    <div className="usage-chart" data-testid="usage-chart">
      <Sparkline label="CPU" text={cpuText(usage.cpuMilli)} values={samples.map((s) => s.cpuMilli)} />
      <Sparkline label="Memory" text={memoryText(usage.memoryBytes)} values={samples.map((s) => s.memoryBytes)} />
    </div>
  );
}
