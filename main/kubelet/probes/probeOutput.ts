// What one run of a prober returns, as pkg/probe does: a result, the output
// that becomes the event message (a response body, a command's output, a
// dial error), and an error when the probe could not be run at all. An error
// is not a failure: the worker throws such a run away instead of counting it.

/** pkg/probe's Result. `warning` is a success that still deserves an event (a redirect not followed). */
export type ProbeStatus = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutput {
  status: ProbeStatus;
  output: string;
  /** Set when the probe could not be run; the run is then discarded by the worker. */
  error?: string;
}

/** The kubelet reads at most this much of a response body or a command's output (10 KiB). */
export const MAX_OUTPUT_BYTES = 10 * 1024;

export const success = (output = ''): ProbeOutput => ({ status: 'success', output });
export const warning = (output: string): ProbeOutput => ({ status: 'warning', output });
export const failure = (output: string): ProbeOutput => ({ status: 'failure', output });
export const probeError = (error: string, status: ProbeStatus = 'unknown'): ProbeOutput => ({ status, output: '', error });

/** The first MAX_OUTPUT_BYTES of `text`, cut on a character boundary. */
export function limitOutput(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_OUTPUT_BYTES) return text;
  return bytes.subarray(0, MAX_OUTPUT_BYTES).toString('utf8').replace(/\uFFFD$/, '');
}

/** Go's %q for the plain strings messages quote (commands, URLs). */
export function goQuote(text: string): string {
  return JSON.stringify(text).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}
