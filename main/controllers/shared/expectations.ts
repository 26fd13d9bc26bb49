// ControllerExpectations (with UID tracking for deletions): what a controller
// has asked for and not yet seen in its informer. While creations or
// deletions are in flight the cache lags behind the API, and acting on it
// would create (or delete) the same pods twice; so a key whose expectations
// are unmet is not managed again until its informer caught up, or until five
// minutes passed (a lost watch event must not block the controller forever).

import type { Clock } from '../../kube/clock.ts';

const expectationsTimeoutMs = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
  /** The keys of the pods whose deletion is awaited: an update that marks a pod deleted and its final removal count once. */
  deleting: Set<string>;
}

export class Expectations {
  private readonly records = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  satisfied(key: string): boolean {
    const record = this.records.get(key);
    if (!record) return true;
    if (record.add <= 0 && record.del <= 0) return true;
    return this.clock.now() - record.timestamp > expectationsTimeoutMs;
  }

  expectCreations(key: string, count: number): void {
    this.records.set(key, { add: count, del: 0, timestamp: this.clock.now(), deleting: new Set() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.records.set(key, { add: 0, del: podKeys.length, timestamp: this.clock.now(), deleting: new Set(podKeys) });
  }

  creationObserved(key: string): void {
    const record = this.records.get(key);
    if (record) record.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    const record = this.records.get(key);
    if (record?.deleting.delete(podKey)) record.del--;
  }

  forget(key: string): void {
    this.records.delete(key);
  }
}
