// The process collector's metrics, which every Kubernetes component's
// /metrics carries (Prometheus' process_* names, without a stability level):
// CPU time, resident memory, start time and open file descriptors of this
// process, read when scraped.

import { readdirSync } from 'node:fs';
import type { MetricFamily } from './prometheusText.ts';

const startSeconds = (Date.now() - performance.now()) / 1000;

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

export function processMetrics(): MetricFamily[] {
  const cpu = process.cpuUsage();
  const fds = openFds();
  return [
    { name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', type: 'counter', series: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', series: [{ value: process.memoryUsage.rss() }] },
    { name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', type: 'gauge', series: [{ value: Math.round(startSeconds * 100) / 100 }] },
    { name: 'process_open_fds', help: 'Number of open file descriptors.', type: 'gauge', series: fds === undefined ? [] : [{ value: fds }] },
  ];
}
