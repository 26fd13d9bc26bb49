// The spans of one API request that may create a pod. Authentication,
// authorization and admission run before the pod is stored (and a refused
// pod never is), so the request keeps its own spans, and the recorder hands
// them to the pod's journey once the store write succeeds, or files them as
// a refusal. The request's root span (the one OpenTelemetry calls the server
// span) is ended then, so it covers everything below it.

import type { TraceSpan } from '../../../preload/api.ts';
import { ActiveSpan, type SpanAttributes, type SpanStart, type SpanTarget } from './activeSpan.ts';
import type { TraceClock } from './traceClock.ts';
import { newTraceId } from './traceIds.ts';

export const API_SERVER = 'kube-apiserver';

export interface RequestStart {
  /** `POST /api/v1/namespaces/default/pods`, or the in-process client's equivalent. */
  name: string;
  attributes?: SpanAttributes;
  /** When the request arrived (before authentication), if known. */
  receivedMs?: number;
}

export class RequestJourney implements SpanTarget {
  readonly traceId = newTraceId();
  readonly root: ActiveSpan;
  readonly spans: TraceSpan[] = [];
  droppedSpans = 0;
  /** The pod the request writes, once admission has named it (generateName is resolved by then). */
  namespace = '';
  name = '';
  /** The request turned out not to create a pod (an apply to one that exists): nothing of it is filed. */
  discarded = false;

  constructor(
    private readonly clock: TraceClock,
    start: RequestStart,
    private readonly maxSpans: number,
  ) {
    this.root = new ActiveSpan(this, { step: 'request', component: API_SERVER, name: start.name, ...(start.attributes ? { attributes: start.attributes } : {}), ...(start.receivedMs !== undefined ? { startMs: start.receivedMs } : {}) });
  }

  now(): number {
    return this.clock.now();
  }

  add(span: TraceSpan): void {
    if (this.spans.length < this.maxSpans) this.spans.push(span);
    else this.droppedSpans++;
  }

  /** A step of the request, as a child of its root span; `startMs` when it began before the span could be started. */
  start(step: SpanStart['step'], name: string, attributes?: SpanAttributes, startMs?: number): ActiveSpan {
    return new ActiveSpan(this, { step, component: API_SERVER, name, parentSpanId: this.root.spanId, ...(attributes ? { attributes } : {}), ...(startMs !== undefined ? { startMs } : {}) });
  }

  discard(): void {
    this.discarded = true;
  }

  /** The object's namespace and name as admission sees them. */
  identify(namespace: string, name: string): void {
    this.namespace = namespace;
    this.name = name;
  }
}
