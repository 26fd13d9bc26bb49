// A pod's journey as OpenTelemetry's OTLP/JSON (the body of an
// ExportTraceServiceRequest), so any OpenTelemetry tool can load it: one
// resourceSpans per component (service.name = the component, with the pod's
// k8s.* attributes), one scope "podlab.dev/journey", times as decimal
// nanosecond strings and attributes as KeyValue/AnyValue, as the OTLP JSON
// mapping of the protobuf types requires (64-bit integers as strings).

import type { PodTrace, TraceSpan } from '../../../preload/api.ts';

export const JOURNEY_SCOPE = 'podlab.dev/journey';

/** opentelemetry.proto.trace.v1.Span.SpanKind */
export const SPAN_KIND_INTERNAL = 1;
export const SPAN_KIND_SERVER = 2;
/** opentelemetry.proto.trace.v1.Status.StatusCode */
export const STATUS_CODE_OK = 1;
export const STATUS_CODE_ERROR = 2;

export type OtlpAnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
}

export interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}

export function anyValue(value: string | number | boolean): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

function keyValue(key: string, value: string | number | boolean): OtlpKeyValue {
  return { key, value: anyValue(value) };
}

/** Fractional epoch milliseconds as whole nanoseconds, exactly: the product overflows a double's integer range. */
export function unixNanos(ms: number): string {
  const whole = Math.floor(ms);
  const fraction = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(fraction)).toString();
}

/** API requests are the server spans; everything else happens inside a component. */
function kindOf(span: TraceSpan): number {
  return span.step === 'request' ? SPAN_KIND_SERVER : SPAN_KIND_INTERNAL;
}

function otlpSpan(traceId: string, span: TraceSpan): OtlpSpan {
  const attributes = [keyValue('podlab.step', span.step), ...Object.entries(span.attributes).map(([key, value]) => keyValue(key, value))];
  if (span.detail) attributes.push(keyValue(`podlab.detail.${span.detail.kind}`, JSON.stringify(span.detail)));
  const status: OtlpSpan['status'] = { code: span.status === 'error' ? STATUS_CODE_ERROR : STATUS_CODE_OK };
  if (span.message) status.message = span.message;
  return {
    traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    kind: kindOf(span),
    startTimeUnixNano: unixNanos(span.startMs),
    endTimeUnixNano: unixNanos(span.endMs),
    attributes,
    status,
  };
}

export function toOtlp(trace: PodTrace): OtlpTraces {
  const byComponent = new Map<string, OtlpSpan[]>();
  for (const span of trace.spans) {
    let spans = byComponent.get(span.component);
    if (!spans) byComponent.set(span.component, (spans = []));
    spans.push(otlpSpan(trace.traceId, span));
  }
  const podAttributes = [keyValue('k8s.namespace.name', trace.namespace), keyValue('k8s.pod.name', trace.name)];
  if (trace.uid) podAttributes.push(keyValue('k8s.pod.uid', trace.uid));
  if (trace.droppedSpans > 0) podAttributes.push(keyValue('podlab.journey.dropped_spans', trace.droppedSpans));
  return {
    resourceSpans: [...byComponent].map(([component, spans]) => ({
      resource: { attributes: [keyValue('service.name', component), ...podAttributes] },
      scopeSpans: [{ scope: { name: JOURNEY_SCOPE }, spans }],
    })),
  };
}
