// kube-apiserver's request metrics (endpoints/metrics), counted where every
// request is served, over HTTPS or from PodLab's own components in this
// process (which reach a real kube-apiserver over HTTPS too):
// apiserver_request_total and apiserver_request_duration_seconds with
// kube-apiserver's labels (the verb as MonitorRequest reports it: LIST, WATCH,
// APPLY, CONNECT; the scope as CleanScope gives it; dry_run), and
// apiserver_current_inflight_requests. A watch or a connection (logs, exec,
// proxy) is counted when it starts, its duration the time to start it.

import type { MetricFamily, Series } from '../metrics/prometheusText.ts';
import type { ResourceRequestInfo } from './requestInfo.ts';

/** requestLatencies' buckets (seconds). */
export const REQUEST_DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60] as const;

const connectSubresources = new Set(['log', 'exec', 'proxy', 'attach', 'portforward']);
const mutatingVerbs = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

type RequestLabels = Record<'verb' | 'dry_run' | 'group' | 'version' | 'resource' | 'subresource' | 'scope' | 'component', string>;

interface Latencies {
  labels: RequestLabels;
  counts: number[];
  count: number;
  sum: number;
}

/** CleanScope: a named object or a create is `resource`, else the namespace's or the cluster's collection. */
function scopeOf(info: ResourceRequestInfo): string {
  if (info.name || info.verb === 'create') return 'resource';
  return info.namespace ? 'namespace' : 'cluster';
}

/** The verb as MonitorRequest reports it (CanonicalVerb, then CleanVerb). */
function reportedVerb(info: ResourceRequestInfo, contentType: string | undefined): string {
  if (info.subresource && connectSubresources.has(info.subresource)) return 'CONNECT';
  switch (info.verb) {
    case 'get':
      return 'GET';
    case 'list':
      return 'LIST';
    case 'watch':
      return 'WATCH';
    case 'create':
      return 'POST';
    case 'update':
      return 'PUT';
    case 'patch':
      return contentType?.split(';')[0]?.trim() === 'application/apply-patch+yaml' ? 'APPLY' : 'PATCH';
    default:
      return 'DELETE';
  }
}

/** cleanDryRun: the dryRun values, sorted, once each. */
function dryRunOf(query: URLSearchParams): string {
  return [...new Set(query.getAll('dryRun'))].sort().join(',');
}

function cumulative(counts: number[]): number[] {
  let sum = 0;
  return counts.map((count) => (sum += count));
}

export class RequestMetrics {
  private readonly totals = new Map<string, { labels: RequestLabels & { code: string }; count: number }>();
  private readonly latencies = new Map<string, Latencies>();
  private readonly inflight = { readOnly: 0, mutating: 0 };
  /** The most in flight in the current second, as kube-apiserver reports the last second's maximum. */
  private readonly peak = { second: 0, readOnly: 0, mutating: 0 };

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Counts a request as it starts; the returned function takes its HTTP code once it is answered (or its stream started). */
  begin(info: ResourceRequestInfo, query: URLSearchParams, contentType: string | undefined): (code: number) => void {
    const started = this.nowMs();
    const longRunning = info.verb === 'watch' || connectSubresources.has(info.subresource);
    const kind = mutatingVerbs.has(info.verb) ? 'mutating' : 'readOnly';
    if (!longRunning) {
      this.inflight[kind]++;
      this.notePeak();
    }
    return (code) => {
      if (!longRunning) this.inflight[kind]--;
      const labels: RequestLabels = {
        verb: reportedVerb(info, contentType),
        dry_run: dryRunOf(query),
        group: info.group,
        version: info.version,
        resource: info.resource,
        subresource: info.subresource,
        scope: scopeOf(info),
        component: 'apiserver',
      };
      const key = `${labels.verb} ${labels.dry_run} ${labels.group} ${labels.version} ${labels.resource} ${labels.subresource} ${labels.scope}`;
      const totalKey = `${key} ${code}`;
      const total = this.totals.get(totalKey);
      if (total) total.count++;
      else this.totals.set(totalKey, { labels: { ...labels, code: String(code) }, count: 1 });
      const seconds = Math.max(0, this.nowMs() - started) / 1000;
      let latency = this.latencies.get(key);
      if (!latency) this.latencies.set(key, (latency = { labels, counts: REQUEST_DURATION_BUCKETS.map(() => 0), count: 0, sum: 0 }));
      // Counted in the first bucket that holds it; the exposition sums them up (cumulative buckets).
      const bucket = REQUEST_DURATION_BUCKETS.findIndex((bound) => seconds <= bound);
      if (bucket >= 0) latency.counts[bucket]!++;
      latency.count++;
      latency.sum += seconds;
    };
  }

  private notePeak(): void {
    const second = Math.floor(this.nowMs() / 1000);
    if (second !== this.peak.second) Object.assign(this.peak, { second, readOnly: 0, mutating: 0 });
    this.peak.readOnly = Math.max(this.peak.readOnly, this.inflight.readOnly);
    this.peak.mutating = Math.max(this.peak.mutating, this.inflight.mutating);
  }

  families(): MetricFamily[] {
    const current = Math.floor(this.nowMs() / 1000) - this.peak.second <= 1;
    const inflight = (kind: 'readOnly' | 'mutating'): Series => ({ labels: { request_kind: kind }, value: Math.max(this.inflight[kind], current ? this.peak[kind] : 0) });
    return [
      {
        name: 'apiserver_request_total',
        help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
        type: 'counter',
        stability: 'STABLE',
        series: [...this.totals.values()].map(({ labels, count }) => ({ labels, value: count })),
      },
      {
        name: 'apiserver_request_duration_seconds',
        help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
        type: 'histogram',
        stability: 'STABLE',
        series: [...this.latencies.values()].map(({ labels, counts, count, sum }) => ({ labels, value: sum, buckets: { bounds: REQUEST_DURATION_BUCKETS, counts: cumulative(counts), count } })),
      },
      {
        name: 'apiserver_current_inflight_requests',
        help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
        type: 'gauge',
        stability: 'STABLE',
        series: [inflight('mutating'), inflight('readOnly')],
      },
    ];
  }
}
