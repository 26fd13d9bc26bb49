// Synthetic log lines for simulated containers: computed from the
// container's start and end times, never stored, so 10,000 pods cost no
// memory for logs. Line 0 says the container started, then one heartbeat per
// interval while it runs, then a last line when it exits.

import type { LogLine } from '../runtime.ts';

export interface LogSubject {
  podNamespace: string;
  podName: string;
  containerName: string;
  image: string;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
}

/** RFC 3339 with nine fractional digits, as engines write log timestamps. */
export function rfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class SyntheticLogs {
  constructor(private readonly intervalMs: number) {}

  /** Lines whose time is at or before `now`, optionally from `since` and only the last `tail`. */
  lines(subject: LogSubject, now: Date, options: { since?: Date; tailLines?: number } = {}): LogLine[] {
    const count = this.count(subject, now);
    let first = 0;
    if (options.since && subject.startedAt) {
      // Jump near the answer, then step: the exit line breaks the fixed interval.
      const estimate = Math.ceil((options.since.getTime() - subject.startedAt.getTime()) / this.intervalMs);
      first = Math.min(Math.max(0, estimate), count);
      while (first > 0 && this.timeOf(subject, first - 1, count) >= options.since) first--;
      while (first < count && this.timeOf(subject, first, count) < options.since) first++;
    }
    if (options.tailLines !== undefined) first = Math.max(first, count - options.tailLines);
    const lines: LogLine[] = [];
    for (let index = first; index < count; index++) lines.push(this.line(subject, index, count));
    return lines;
  }

  /** How many lines exist at `now`. */
  count(subject: LogSubject, now: Date): number {
    if (!subject.startedAt) return 0;
    const end = subject.finishedAt && subject.finishedAt < now ? subject.finishedAt : now;
    const heartbeats = Math.max(0, Math.floor((end.getTime() - subject.startedAt.getTime()) / this.intervalMs));
    return 1 + heartbeats + (subject.finishedAt && subject.finishedAt <= now ? 1 : 0);
  }

  /** When the next line appears (undefined once the container has exited). */
  nextLineAt(subject: LogSubject, now: Date): Date | undefined {
    if (!subject.startedAt || subject.finishedAt) return undefined;
    const heartbeats = Math.floor((now.getTime() - subject.startedAt.getTime()) / this.intervalMs);
    return new Date(subject.startedAt.getTime() + (heartbeats + 1) * this.intervalMs);
  }

  line(subject: LogSubject, index: number, count: number): LogLine {
    const time = this.timeOf(subject, index, count);
    const isExitLine = subject.finishedAt !== undefined && index === count - 1 && index > 0;
    let line: string;
    if (index === 0) line = `simulated container ${subject.containerName} of pod ${subject.podNamespace}/${subject.podName} started (image ${subject.image})`;
    else if (isExitLine) line = `simulated container ${subject.containerName} exited with code ${subject.exitCode ?? 0}`;
    else line = `heartbeat ${index}: ${subject.containerName} is running`;
    return { stream: 'stdout', timestamp: rfc3339Nano(time), line };
  }

  private timeOf(subject: LogSubject, index: number, count: number): Date {
    if (subject.finishedAt && index === count - 1 && index > 0) return subject.finishedAt;
    return new Date(subject.startedAt!.getTime() + index * this.intervalMs);
  }
}
