// A span being timed: its id exists from the start (so steps inside it can
// name it as their parent), and it is recorded once, when it ends, with what
// happened. Where it goes (a pod's journey, or an API request's spans before
// the pod is stored) is the target's business.

import type { JourneyStep, TraceSpan, TraceSpanDetail } from '../../../preload/api.ts';
import { newSpanId } from './traceIds.ts';

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface SpanStart {
  step: JourneyStep;
  component: string;
  name: string;
  attributes?: SpanAttributes;
  parentSpanId?: string;
  /** When the work began, if before the span was started (a request's arrival). */
  startMs?: number;
}

export interface SpanOutcome {
  status?: 'ok' | 'error';
  message?: string;
  /** Added to the start's attributes. */
  attributes?: SpanAttributes;
  detail?: TraceSpanDetail;
  endMs?: number;
}

export interface SpanTarget {
  now(): number;
  add(span: TraceSpan): void;
}

/** Attributes without the undefined values callers pass for facts they do not have. */
export function definedAttributes(...sources: (SpanAttributes | undefined)[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const [key, value] of Object.entries(source)) if (value !== undefined) out[key] = value;
  }
  return out;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ActiveSpan {
  readonly spanId = newSpanId();
  readonly startMs: number;
  private ended = false;

  constructor(
    private readonly target: SpanTarget,
    private readonly start: SpanStart,
  ) {
    this.startMs = start.startMs ?? target.now();
  }

  /** Records the span; a second end is ignored (a step that both failed and was cleaned up). */
  end(outcome: SpanOutcome = {}): void {
    if (this.ended) return;
    this.ended = true;
    const span: TraceSpan = {
      spanId: this.spanId,
      step: this.start.step,
      component: this.start.component,
      name: this.start.name,
      startMs: this.startMs,
      endMs: Math.max(this.startMs, outcome.endMs ?? this.target.now()),
      status: outcome.status ?? 'ok',
      attributes: definedAttributes(this.start.attributes, outcome.attributes),
    };
    if (this.start.parentSpanId) span.parentSpanId = this.start.parentSpanId;
    if (outcome.message) span.message = outcome.message;
    if (outcome.detail) span.detail = outcome.detail;
    this.target.add(span);
  }

  fail(err: unknown, attributes?: SpanAttributes): void {
    this.end({ status: 'error', message: errorText(err), ...(attributes ? { attributes } : {}) });
  }
}

/** Runs `work` inside a span: ended ok with what `describe` says of the result, or as an error with the thrown message (rethrown). */
export async function withSpan<T>(target: SpanTarget, start: SpanStart, work: (span: ActiveSpan) => Promise<T>, describe?: (result: T) => SpanOutcome): Promise<T> {
  const span = new ActiveSpan(target, start);
  try {
    const result = await work(span);
    span.end(describe?.(result));
    return result;
  } catch (err) {
    span.fail(err);
    throw err;
  }
}
