// Store benchmark: write throughput and watch delivery latency of one backend.
// Reported by `npm run bench`, never asserted on.

import { performance } from 'node:perf_hooks';
import type { Store } from '../../main/store/store.ts';

export interface StoreBenchResult {
  label: string;
  /** N sequential creates of 1 KB values, each awaited before the next. */
  createsPerSec: number;
  /** From a write's acknowledgement to its watch event, over N writes (0 when the event came first). */
  watchP50Ms: number;
  watchP99Ms: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

export async function benchStore(label: string, store: Store, n = 1000): Promise<StoreBenchResult> {
  const prefix = `/bench/${process.pid}-${Date.now()}/`;
  const value = 'x'.repeat(1024);

  const started = performance.now();
  for (let i = 0; i < n; i++) await store.create(`${prefix}create/${i}`, value);
  const createsPerSec = n / ((performance.now() - started) / 1000);

  const arrivals = new Map<number, number>();
  let waiting: { revision: number; resolve: () => void } | undefined;
  let failure: Error | undefined;
  const watch = store.watch(
    `${prefix}watch/`,
    (event) => {
      arrivals.set(event.revision, performance.now());
      if (waiting?.revision === event.revision) waiting.resolve();
    },
    {
      // From a revision, so a backend that registers watches asynchronously misses nothing.
      startRevision: (await store.currentRevision()) + 1,
      onError: (error) => {
        failure = error;
        waiting?.resolve();
      },
    },
  );
  const arrival = (revision: number) =>
    new Promise<number>((resolve, reject) => {
      const settle = () => {
        waiting = undefined;
        if (failure) reject(failure);
        else resolve(arrivals.get(revision)!);
      };
      if (arrivals.has(revision) || failure) settle();
      else waiting = { revision, resolve: settle };
    });

  try {
    // The first event also pays for setting the watch up; it is not a delivery latency.
    await arrival((await store.create(`${prefix}watch/warm-up`, value)).modRevision);
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const { modRevision } = await store.create(`${prefix}watch/${i}`, value);
      const acknowledged = performance.now();
      latencies.push(Math.max(0, (await arrival(modRevision)) - acknowledged));
      arrivals.delete(modRevision);
    }
    latencies.sort((a, b) => a - b);
    return { label, createsPerSec, watchP50Ms: percentile(latencies, 0.5), watchP99Ms: percentile(latencies, 0.99) };
  } finally {
    watch.cancel();
  }
}
