// What every benchmark measures with: percentiles, a process's resident
// memory (once, or its peak while work runs), and a bounded-concurrency loop
// for sending many requests at once.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface Stats {
  min: number;
  p50: number;
  p99: number;
  max: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (f: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(f * sorted.length) - 1))] ?? 0;
  return { min: sorted[0] ?? 0, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** CPU time (user + system) a process has used so far, in seconds; clock ticks are 100 per second on Linux. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After the command: state is field 3, so utime (14) and stime (15) sit at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Samples a process's RSS every `intervalMs` until stopped; the peak is what the user's machine had to hold. */
export function sampleRss(pid: number, intervalMs = 100): { stop(): { peakMiB: number; lastMiB: number; samples: number } } {
  let peak = 0;
  let last = 0;
  let samples = 0;
  const sample = () => {
    try {
      last = rssMiB(pid);
      peak = Math.max(peak, last);
      samples++;
    } catch {
      // The process exited: the peak so far stands.
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakMiB: peak, lastMiB: last, samples };
    },
  };
}

export async function parallel(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** The 1-minute load average: other work on this 2-core machine shows up in every number, so the report states it. */
export function load1(): number {
  return loadavg()[0] ?? 0;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * This machine's speed at the moment: the CPU time of a fixed piece of work
 * much like the API server's (a pod's JSON, encoded and parsed 150,000
 * times). On these VMs it takes 630 ms in a quiet spell and up to 1100 ms in
 * a slow one, minutes apart, so the report gives it beside what it measured.
 */
export function cpuCalibrationMs(): number {
  const doc = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default', labels: { app: 'a', tier: 'b' }, uid: 'u'.repeat(36) }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '10m' } } }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
  const start = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < 150_000; i++) {
    const parsed = JSON.parse(JSON.stringify(doc)) as typeof doc;
    parsed.metadata.name = `y${i}`;
    sink += parsed.metadata.name.length;
  }
  const used = process.cpuUsage(start);
  if (sink < 0) throw new Error('unreachable');
  return (used.user + used.system) / 1000;
}

/** Waits (at most `maxMs`) for the 1-minute load average to fall under `below`: what a previous part left running (Docker removing containers) slows the next. */
export async function settle(below: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (load1() >= below && Date.now() < deadline) await sleep(5_000);
}

/** A part of a benchmark that failed reports what happened instead of ending the whole run. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
