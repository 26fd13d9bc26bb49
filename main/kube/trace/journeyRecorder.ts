// Every pod's journey through the cluster's components, in memory: one
// recorder per cluster, shared by the API server, scheduler, kubelets,
// controllers and service proxy, which record spans for the pods they
// handle. Bounded: the most recently active `maxPods` journeys are kept (a
// Map's insertion order is the LRU order, a span moves its pod to the end),
// each with at most `maxSpansPerPod` spans. Nothing here is persisted: the
// trace is PodLab's own view, added to what Kubernetes records.

import type { PodTrace, TraceSpan } from '../../../preload/api.ts';
import { ActiveSpan, type SpanAttributes, type SpanStart, type SpanTarget } from './activeSpan.ts';
import { PodJourney } from './podJourney.ts';
import { RequestJourney, type RequestStart } from './requestJourney.ts';
import { precisionClock, type TraceClock } from './traceClock.ts';
import { newTraceId } from './traceIds.ts';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface JourneyRecorderOptions {
  clock?: TraceClock;
  maxPods?: number;
  maxSpansPerPod?: number;
}

export const DEFAULT_MAX_PODS = 2000;
export const DEFAULT_MAX_SPANS_PER_POD = 200;

function nameKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** A refused create has no uid: its journey is filed under the name, the latest refusal replacing the one before. */
function refusedKey(namespace: string, name: string): string {
  return `refused:${nameKey(namespace, name)}`;
}

/** The spans one component records for one pod. */
export class PodSpans implements SpanTarget {
  constructor(
    private readonly recorder: JourneyRecorder,
    readonly pod: PodRef,
    readonly component: string,
  ) {}

  now(): number {
    return this.recorder.now();
  }

  add(span: TraceSpan): void {
    this.recorder.add(this.pod, span);
  }

  start(step: SpanStart['step'], name: string, attributes?: SpanAttributes, parentSpanId?: string): ActiveSpan {
    return new ActiveSpan(this, { step, component: this.component, name, ...(attributes ? { attributes } : {}), ...(parentSpanId ? { parentSpanId } : {}) });
  }

  /** The pod has been Ready (see PodJourney.ready). */
  markReady(): void {
    this.recorder.markReady(this.pod);
  }

  hasBeenReady(): boolean {
    return this.recorder.hasBeenReady(this.pod.uid);
  }

  /** A span that may repeat an earlier one (a retry failing the same way): see PodJourney.addOrRepeat. `startMs`: when it began, if before now. */
  startRepeatable(step: SpanStart['step'], name: string, attributes?: SpanAttributes, startMs?: number): ActiveSpan {
    const target = { now: () => this.recorder.now(), add: (span: TraceSpan) => this.recorder.add(this.pod, span, true) };
    return new ActiveSpan(target, { step, component: this.component, name, ...(attributes ? { attributes } : {}), ...(startMs !== undefined ? { startMs } : {}) });
  }
}

export class JourneyRecorder {
  readonly clock: TraceClock;
  readonly maxPods: number;
  readonly maxSpansPerPod: number;
  /** By uid (or refusedKey), least recently active first. */
  private readonly journeys = new Map<string, PodJourney>();
  /** namespace/name → key of the newest journey for that name. */
  private readonly latestByName = new Map<string, string>();

  constructor(options: JourneyRecorderOptions = {}) {
    this.clock = options.clock ?? precisionClock;
    this.maxPods = options.maxPods ?? DEFAULT_MAX_PODS;
    this.maxSpansPerPod = options.maxSpansPerPod ?? DEFAULT_MAX_SPANS_PER_POD;
  }

  now(): number {
    return this.clock.now();
  }

  get size(): number {
    return this.journeys.size;
  }

  /** Starts collecting an API request's spans; `stored` or `refused` files them. */
  beginRequest(start: RequestStart): RequestJourney {
    return new RequestJourney(this.clock, start, this.maxSpansPerPod);
  }

  /** The request wrote the pod: its spans open the pod's journey, under the request's trace id. */
  stored(request: RequestJourney, pod: PodRef, attributes?: SpanAttributes): void {
    if (request.discarded) return;
    request.root.end({ attributes: { ...attributes, uid: pod.uid } });
    const journey = this.journeys.get(pod.uid) ?? this.create(pod.uid, pod, request.traceId);
    this.file(pod.uid, journey, request);
  }

  /** The request was refused: kept under the pod's name (uid ''), with the refusal as the root span's error. */
  refused(request: RequestJourney, namespace: string, name: string, message: string, attributes?: SpanAttributes): void {
    if (request.discarded) return;
    request.root.end({ status: 'error', message, ...(attributes ? { attributes } : {}) });
    const key = refusedKey(namespace, name);
    this.journeys.delete(key);
    const journey = this.create(key, { namespace, name, uid: '' }, request.traceId);
    this.file(key, journey, request);
  }

  private file(key: string, journey: PodJourney, request: RequestJourney): void {
    for (const span of request.spans) journey.add(span, this.maxSpansPerPod);
    journey.droppedSpans += request.droppedSpans;
    this.touch(key, journey);
  }

  /** The spans `component` records for `pod`. */
  forPod(pod: PodRef, component: string): PodSpans {
    return new PodSpans(this, pod, component);
  }

  /** Adds a span to the pod's journey (opening one for a pod first seen here, as after a restart of PodLab). */
  add(pod: PodRef, span: TraceSpan, repeatable = false): void {
    if (!pod.uid) return;
    const journey = this.journeys.get(pod.uid) ?? this.create(pod.uid, pod, newTraceId());
    if (repeatable) journey.addOrRepeat(span, this.maxSpansPerPod);
    else journey.add(span, this.maxSpansPerPod);
    this.touch(pod.uid, journey);
  }

  /** The pod has been Ready once (see PodJourney.ready). */
  markReady(pod: PodRef): void {
    const journey = this.journeys.get(pod.uid);
    if (journey) journey.ready = true;
  }

  hasBeenReady(uid: string): boolean {
    return this.journeys.get(uid)?.ready ?? false;
  }

  /** The refused creates still kept (uid ''), newest first. */
  refusals(): PodTrace[] {
    return [...this.journeys.values()].filter((j) => j.uid === '').reverse().map((j) => j.snapshot());
  }

  /** The journey of the pod with this uid, else the newest one recorded under the name (a refused or deleted pod's). */
  trace(namespace: string, name: string, uid?: string): PodTrace | undefined {
    if (uid) {
      const journey = this.journeys.get(uid);
      return journey && journey.namespace === namespace && journey.name === name ? journey.snapshot() : undefined;
    }
    const key = this.latestByName.get(nameKey(namespace, name));
    return key ? this.journeys.get(key)?.snapshot() : undefined;
  }

  private create(key: string, pod: PodRef, traceId: string): PodJourney {
    const journey = new PodJourney(traceId, pod.namespace, pod.name, pod.uid);
    this.latestByName.set(nameKey(pod.namespace, pod.name), key);
    return journey;
  }

  /** Marks the journey most recently active, dropping the least recent beyond the bound. */
  private touch(key: string, journey: PodJourney): void {
    this.journeys.delete(key);
    this.journeys.set(key, journey);
    while (this.journeys.size > this.maxPods) {
      const [oldestKey, oldest] = this.journeys.entries().next().value as [string, PodJourney];
      this.journeys.delete(oldestKey);
      const byName = nameKey(oldest.namespace, oldest.name);
      if (this.latestByName.get(byName) === oldestKey) this.latestByName.delete(byName);
    }
  }
}
