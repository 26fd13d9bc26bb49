// Values printed the way Kubernetes' Go code prints them in messages, so
// PodLab's read the same: durations (time.Duration's String() for whole
// milliseconds: "523ms", "1.2s", "1m5.5s", "1h0m0s") and string lists (%v of
// a []string: "[app sidecar]"); and durations read as time.ParseDuration
// reads them (a CronJob's `@every 1h30m`, a PodMetrics window "10.5s").

/** fmt's %v of a []string. */
export function goList(items: string[]): string {
  return `[${items.join(' ')}]`;
}

export function goDuration(ms: number): string {
  const total = Math.max(0, Math.trunc(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  const whole = Math.floor(millis / 1000);
  const fraction = String(millis % 1000).padStart(3, '0').replace(/0+$/, '');
  const seconds = `${whole}${fraction ? `.${fraction}` : ''}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

const durationUnitsMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };

/** time.ParseDuration, in milliseconds ("15s", "1m0.5s", "250ms"); undefined when it does not parse. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(h|ms|us|µs|ns|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((total, [, value, unit]) => total + Number(value) * durationUnitsMs[unit], 0);
}
