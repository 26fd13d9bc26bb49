// Metric families in the Prometheus text exposition format (version 0.0.4),
// as the kubelet's /metrics endpoints write them: families sorted by name,
// each with its HELP (the stability level in brackets, as component-base
// prints it) and TYPE lines, then one line per series with its labels and, for
// figures sampled at a known time, that time in milliseconds.

export type MetricType = 'counter' | 'gauge';

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  /** component-base's stability level: STABLE, BETA or ALPHA. */
  stability: 'STABLE' | 'BETA' | 'ALPHA';
  series: Series[];
}

export interface Series {
  labels?: Record<string, string>;
  value: number;
  /** When the value was sampled (ms since the epoch); absent for the current value. */
  timestampMs?: number;
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

function seriesLine(name: string, series: Series): string {
  const labels = Object.entries(series.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const labelText = labels.length ? `{${labels.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}` : '';
  const time = series.timestampMs === undefined ? '' : ` ${Math.round(series.timestampMs)}`;
  return `${name}${labelText} ${formatValue(series.value)}${time}\n`;
}

/** The exposition text of these families; a family without series is left out, as the Go client leaves it out. */
export function prometheusText(families: MetricFamily[]): string {
  let text = '';
  for (const family of [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (family.series.length === 0) continue;
    text += `# HELP ${family.name} [${family.stability}] ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
    text += `# TYPE ${family.name} ${family.type}\n`;
    for (const series of family.series) text += seriesLine(family.name, series);
  }
  return text;
}

/** The Content-Type of this format. */
export const PROMETHEUS_TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
