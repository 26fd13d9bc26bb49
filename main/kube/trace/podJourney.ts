// One pod's recorded journey. Bounded: a crash-looping pod restarts for
// hours, so after `max` spans the rest are only counted. The first spans are
// the ones kept: how the pod came to be is what a reader looks for, and the
// later ones repeat. A step that fails the same way again (a pull in
// back-off, an unschedulable retry) extends its last span and counts the
// repeat instead of taking another slot; successes are never merged, their
// durations are what a reader compares.

import type { PodTrace, TraceSpan } from '../../../preload/api.ts';

/** How far back a repeat is looked for: the same step failing again comes soon after. */
const REPEAT_LOOKBACK = 8;

export class PodJourney {
  readonly spans: TraceSpan[] = [];
  droppedSpans = 0;
  /** The pod has been Ready: probe successes are no longer worth a span. */
  ready = false;

  constructor(
    readonly traceId: string,
    readonly namespace: string,
    readonly name: string,
    readonly uid: string,
  ) {}

  add(span: TraceSpan, max: number): void {
    if (this.spans.length < max) this.spans.push(span);
    else this.droppedSpans++;
  }

  /** Adds the span, or, when it is a failure and the component's last span of that name failed the same way, extends that one. */
  addOrRepeat(span: TraceSpan, max: number): void {
    if (span.status !== 'error') return this.add(span, max);
    const stop = Math.max(0, this.spans.length - REPEAT_LOOKBACK);
    for (let i = this.spans.length - 1; i >= stop; i--) {
      const earlier = this.spans[i]!;
      if (earlier.component !== span.component || earlier.name !== span.name) continue;
      if (earlier.status !== span.status || earlier.message !== span.message) break;
      earlier.endMs = Math.max(earlier.endMs, span.endMs);
      earlier.attributes.repeats = (typeof earlier.attributes.repeats === 'number' ? earlier.attributes.repeats : 0) + 1;
      return;
    }
    this.add(span, max);
  }

  /** A copy for readers, spans in the order they started (they are recorded as they end); of two that start together, the enclosing one first. */
  snapshot(): PodTrace {
    const spans = this.spans.map((s) => ({ ...s, attributes: { ...s.attributes } })).sort((a, b) => a.startMs - b.startMs || b.endMs - a.endMs);
    return { traceId: this.traceId, namespace: this.namespace, name: this.name, uid: this.uid, spans, droppedSpans: this.droppedSpans };
  }
}
