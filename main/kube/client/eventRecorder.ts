// Events from PodLab's components, recorded as client-go's EventRecorder and
// EventCorrelator do: an identical event (same object, reason, message, type,
// source) bumps `count` and `lastTimestamp` on the existing Event instead of
// making a new one; more than 10 similar events (same object, reason, type,
// different messages) within 10 minutes collapse into one
// "(combined from similar events): ..." event. That keeps a crash-looping pod
// from flooding the store while `kubectl describe` still shows `x12 over 3m`.
// Past that, EventSpamFilter limits each object's events from one source to
// a burst of 25 and one per five minutes; the dropped ones still count.

import { kubeTimestamp } from '../time.ts';
import type { KubeObject } from '../meta.ts';
import type { KubeClient, ResourceClient } from './types.ts';
import { isApiError } from './types.ts';
import { EventSpamFilter, type InvolvedObject } from './eventSpamFilter.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  host?: string;
}

interface CachedEvent {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

const aggregateWindowMs = 10 * 60 * 1000;
const aggregateThreshold = 10;
const cacheLimit = 4096;

/** An Event's involvedObject (an ObjectReference). */
type ObjectReference = InvolvedObject & { resourceVersion?: string; fieldPath?: string };

function involvedObjectOf(obj: KubeObject, fieldPath?: string): ObjectReference {
  return {
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    apiVersion: obj.apiVersion,
    resourceVersion: obj.metadata.resourceVersion,
    ...(fieldPath ? { fieldPath } : {}),
  };
}

export class EventRecorder {
  private readonly events = new Map<string, CachedEvent>();
  private readonly similar = new Map<string, { messages: Set<string>; since: number }>();
  private readonly spamFilter = new EventSpamFilter();
  /** Each kind of event's writes, one after another (see event); a finished chain is dropped. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Only the written events' names are read back: the API server need not copy its answers. */
  private readonly eventsClient: ResourceClient<KubeObject>;

  constructor(
    private readonly client: KubeClient,
    private readonly source: EventSource,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.eventsClient = client.resource({ group: '', version: 'v1', plural: 'events' }, { readOnlyAnswers: true });
  }

  /** Records an event about `obj`. Never throws: events are best effort, as in Kubernetes. */
  event(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    // Similar events (same object, type and reason) one at a time, so two identical events in a row update one
    // Event rather than racing to create two, and the aggregation counts them in order. Events of different
    // kinds are written side by side: one slow kind does not hold back the rest.
    // Stamped when it happens, as client-go's recorder stamps an event before queueing it: the write may wait
    // behind a similar one. Only the reference is kept, not the object's version, while it waits.
    const involvedObject = involvedObjectOf(obj, fieldPath);
    const key = this.similarKey(involvedObject, type, reason);
    const at = this.now();
    const chain = (this.chains.get(key) ?? Promise.resolve())
      .then(() => this.record(involvedObject, key, type, reason, message, at))
      .catch(() => undefined)
      .finally(() => {
        if (this.chains.get(key) === chain) this.chains.delete(key);
      });
    this.chains.set(key, chain);
  }

  /** Resolves when every event recorded so far has been written (for tests and shutdown). */
  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  private similarKey(involved: ObjectReference, type: EventType, reason: string): string {
    const objectKey = [involved.kind, involved.namespace, involved.name, involved.uid, involved.fieldPath ?? ''].join('/');
    return [this.source.component, this.source.host ?? '', objectKey, type, reason].join('|');
  }

  private async record(involvedObject: ObjectReference, similarKey: string, type: EventType, reason: string, rawMessage: string, now: Date): Promise<void> {
    let message = rawMessage;
    const group = this.similar.get(similarKey);
    // Least recently used first, at most cacheLimit, as the aggregator's LRU cache in client-go: one entry
    // per object and reason would otherwise outlive every pod the component ever saw.
    this.similar.delete(similarKey);
    if (!group || now.getTime() - group.since > aggregateWindowMs) {
      this.similar.set(similarKey, { messages: new Set([rawMessage]), since: now.getTime() });
      if (this.similar.size > cacheLimit) this.similar.delete(this.similar.keys().next().value as string);
    } else {
      this.similar.set(similarKey, group);
      group.messages.add(rawMessage);
      if (group.messages.size > aggregateThreshold) message = `(combined from similar events): ${rawMessage}`;
    }
    const eventKey = message.startsWith('(combined') ? `${similarKey}|combined` : `${similarKey}|${message}`;
    const namespace = involvedObject.namespace || 'default';
    const events = this.eventsClient;
    const timestamp = kubeTimestamp(now);
    const cached = this.events.get(eventKey);
    if (!this.spamFilter.allow(this.source, involvedObject, now.getTime())) {
      // As client-go's correlator, which counts an event before its spam filter drops it: the next one written carries the count.
      if (cached) cached.count += 1;
      return;
    }
    if (cached) {
      try {
        await events.patch(cached.namespace, cached.name, 'application/merge-patch+json', {
          count: cached.count + 1,
          lastTimestamp: timestamp,
          message,
        });
        cached.count += 1;
        return;
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
        this.events.delete(eventKey);
      }
    }
    const name = `${involvedObject.name ?? 'unknown'}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16)}`;
    await events.create(namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject,
      reason,
      message,
      source: this.source,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    });
    if (this.events.size >= cacheLimit) this.events.delete(this.events.keys().next().value as string);
    this.events.set(eventKey, { name, namespace, count: 1, firstTimestamp: timestamp });
  }
}
