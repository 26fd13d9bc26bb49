// A pod's journey laid out for the waterfall: the seed's seven steps in
// order, each span a bar on one time axis that starts at the first span,
// and the headline figure, request to Ready in milliseconds.

import type { JourneyStep, PodTrace, TraceSpan } from '../../preload/api.ts';

export const journeySteps: Array<{ step: JourneyStep; title: string }> = [
  { step: 'request', title: '1 Request' },
  { step: 'admission', title: '2 Auth & webhooks' },
  { step: 'persist', title: '3 Persist' },
  { step: 'schedule', title: '4 Schedule' },
  { step: 'node', title: '5 Execution on the node' },
  { step: 'status', title: '6 Status' },
  { step: 'service', title: '7 Service' },
];

export interface SpanBar {
  span: TraceSpan;
  /** Left edge and width as fractions of the axis (0..1); a zero-length span still gets a sliver. */
  left: number;
  width: number;
  /** Milliseconds from the journey's start. */
  offsetMs: number;
  durationMs: number;
}

export interface JourneyLayout {
  startMs: number;
  totalMs: number;
  /** From the first span's start to the span that made the pod Ready, when it has been. */
  readyMs?: number;
  groups: Array<{ step: JourneyStep; title: string; bars: SpanBar[] }>;
  errors: number;
}

/** The first status write that made the pod Ready (the kubelet records the Ready condition on each). */
function readySpan(spans: TraceSpan[]): TraceSpan | undefined {
  return spans.find((s) => s.step === 'status' && s.status === 'ok' && (s.attributes.ready === 'True' || s.attributes.ready === true));
}

export function journeyLayout(trace: PodTrace): JourneyLayout {
  const spans = [...trace.spans].sort((a, b) => a.startMs - b.startMs);
  const startMs = spans[0]?.startMs ?? 0;
  const endMs = Math.max(startMs, ...spans.map((s) => s.endMs));
  const totalMs = endMs - startMs;
  const scale = totalMs > 0 ? totalMs : 1;
  const ready = readySpan(spans);
  return {
    startMs,
    totalMs,
    ...(ready && { readyMs: ready.endMs - startMs }),
    groups: journeySteps
      .map(({ step, title }) => ({
        step,
        title,
        bars: spans
          .filter((s) => s.step === step)
          .map((span) => ({
            span,
            left: (span.startMs - startMs) / scale,
            width: Math.max((span.endMs - span.startMs) / scale, 0.002),
            offsetMs: span.startMs - startMs,
            durationMs: span.endMs - span.startMs,
          })),
      }))
      .filter((group) => group.bars.length > 0),
    errors: spans.filter((s) => s.status === 'error').length,
  };
}

/** `0.42 ms`, `12.4 ms`, `1 250 ms`: milliseconds, as precise as they are small. */
export function millis(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en')} ms`;
}

/** `0 s`, `3 s`, `2 min 5 s`: a rebuilt journey's times, as precise as the API's whole seconds. */
export function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Whether the journey is over: Ready (or a refusal) recorded, nothing more to wait for. */
export function journeyComplete(trace: PodTrace): boolean {
  return readySpan(trace.spans) !== undefined || (trace.uid === '' && trace.spans.some((s) => s.status === 'error'));
}
