// apiserver_storage_objects as kube-apiserver keeps it: each resource's count
// as of its last check, checked at most once a minute
// (--etcd-count-metric-poll-period, 1m by default). Counting is a pass over
// the resource's keys (~35 ms with 50,000 objects), which a scrape every few
// seconds paid each time. kube-apiserver checks on a timer; this checks when a
// scrape finds the count older than the period, which reads the same.

import type { Store } from '../store/store.ts';

export const COUNT_CHECK_PERIOD_MS = 60_000;

export class StoredObjectCounts {
  private readonly checked = new Map<string, { value: number; atMs: number }>();

  constructor(
    private readonly store: Pick<Store, 'count'>,
    private readonly now: () => Date,
  ) {}

  /** The objects under `prefix` at the last check, -1 when that check failed (as kube-apiserver reports it). */
  async count(prefix: string): Promise<number> {
    const atMs = this.now().getTime();
    const last = this.checked.get(prefix);
    if (last && atMs - last.atMs < COUNT_CHECK_PERIOD_MS) return last.value;
    const value = await this.store.count(prefix).catch(() => -1);
    this.checked.set(prefix, { value, atMs });
    return value;
  }
}
