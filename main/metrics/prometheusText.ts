// Metric families in the Prometheus text exposition format (version 0.0.4),
// as Kubernetes components write them (the kubelet's /metrics endpoints,
// kube-apiserver's /metrics): families sorted by name, each with its HELP
// (the stability level in brackets, as component-base prints it; none for
// the process collector's) and TYPE lines, then one line per series with its
// labels and, for figures sampled at a known time, that time in milliseconds.
// A histogram's series are its cumulative buckets, its sum and its count.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  /** component-base's stability level; absent for metrics outside it (process_*). */
  stability?: 'STABLE' | 'BETA' | 'ALPHA';
  series: Series[];
}

export interface Series {
  labels?: Record<string, string>;
  /** A counter's or gauge's value; for a histogram, its sum. */
  value: number;
  /** When the value was sampled (ms since the epoch); absent for the current value. */
  timestampMs?: number;
  /** A histogram's observations at or below each upper bound (cumulative), in the bounds' order, and its count. */
  buckets?: { bounds: readonly number[]; counts: number[]; count: number };
}

/** A label value escaped as the format requires: backslash, double quote and line feed. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const byName = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).sort(byName);
  return pairs.length ? `{${pairs.map(([key, v]) => `${key}="${escapeLabel(v)}"`).join(',')}}` : '';
}

function line(name: string, labels: Record<string, string>, value: number, timestampMs?: number): string {
  const time = timestampMs === undefined ? '' : ` ${Math.round(timestampMs)}`;
  return `${name}${labelText(labels)} ${formatValue(value)}${time}\n`;
}

function seriesLines(name: string, series: Series): string {
  const labels = series.labels ?? {};
  if (!series.buckets) return line(name, labels, series.value, series.timestampMs);
  const { bounds, counts, count } = series.buckets;
  let text = '';
  bounds.forEach((bound, i) => (text += line(`${name}_bucket`, { ...labels, le: formatValue(bound) }, counts[i] ?? 0)));
  text += line(`${name}_bucket`, { ...labels, le: '+Inf' }, count);
  text += line(`${name}_sum`, labels, series.value);
  text += line(`${name}_count`, labels, count);
  return text;
}

/** The exposition text of these families; a family without series is left out, as the Go client leaves it out. */
export function prometheusText(families: MetricFamily[]): string {
  let text = '';
  for (const family of [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (family.series.length === 0) continue;
    const help = family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    text += `# HELP ${family.name} ${family.stability ? `[${family.stability}] ` : ''}${help}\n`;
    text += `# TYPE ${family.name} ${family.type}\n`;
    // Series in the order of their label values, as the Go client gathers them.
    const sorted = family.series.map((series) => ({ series, key: labelText(series.labels ?? {}) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { series } of sorted) text += seriesLines(family.name, series);
  }
  return text;
}

/** The Content-Type of this format. */
export const PROMETHEUS_TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
