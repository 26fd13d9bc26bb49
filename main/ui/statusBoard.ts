// The cluster status every window shows in its status bar, with listeners so
// changes (start progress, Docker going away) are pushed rather than polled.

import type { ClusterStatus } from '../../preload/api.ts';

export class StatusBoard {
  private readonly listeners = new Set<(status: ClusterStatus) => void>();

  constructor(private current: ClusterStatus) {}

  get(): ClusterStatus {
    return this.current;
  }

  update(change: Partial<ClusterStatus>): void {
    const next = { ...this.current, ...change };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }

  subscribe(listener: (status: ClusterStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
