// client-go's EventSourceObjectSpamFilter: each source (component and host)
// may record 25 events about one object at once, then one more every five
// minutes (a token bucket per source and object). A Deployment scaled to
// 1,000 replicas gets 25 "Created pod" events from the ReplicaSet controller,
// not 1,000 writes, and a crash-looping pod's events slow to a trickle.

const BURST = 25;
/** One token comes back every five minutes; a bucket counts its tokens in milliseconds of refill, exactly. */
const TOKEN_MS = 300 * 1000;
const CACHE_LIMIT = 4096;

export interface InvolvedObject {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
}

interface Bucket {
  /** Tokens times TOKEN_MS. */
  credit: number;
  at: number;
}

export class EventSpamFilter {
  /** Buckets by source and object, least recently used first (a Map keeps insertion order). */
  private readonly buckets = new Map<string, Bucket>();

  /** True when an event from `source` about `object` at `nowMs` may be written; takes a token if so. */
  allow(source: { component: string; host?: string }, object: InvolvedObject, nowMs: number): boolean {
    const key = [source.component, source.host ?? '', object.kind, object.namespace, object.name, object.uid, object.apiVersion].join('\u0000');
    const found = this.buckets.get(key);
    const bucket = found ?? { credit: BURST * TOKEN_MS, at: nowMs };
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (!found && this.buckets.size > CACHE_LIMIT) this.buckets.delete(this.buckets.keys().next().value as string);
    bucket.credit = Math.min(BURST * TOKEN_MS, bucket.credit + Math.max(0, nowMs - bucket.at));
    bucket.at = nowMs;
    if (bucket.credit < TOKEN_MS) return false;
    bucket.credit -= TOKEN_MS;
    return true;
  }
}
