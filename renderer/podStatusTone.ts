// The color family of a pod's STATUS cell (as kubectl computes it), or a
// Job's, so a broken one stands out in a long list.

export type Tone = 'ok' | 'progress' | 'warn' | 'bad' | 'muted';

const bad = /BackOff|Err|Error|OOMKilled|Invalid|Failed|ExitCode|Signal|Evicted|DeadlineExceeded|NodeLost|Unschedulable/;

export function podStatusTone(status: string): Tone {
  if (status === 'Running' || status === 'Succeeded' || status === 'Completed' || status === 'Complete' || status === 'SuccessCriteriaMet') return 'ok';
  if (status === 'Terminating' || status === 'Unknown' || status === 'SchedulingGated' || status === 'Suspended') return 'muted';
  if (status === 'FailureTarget') return 'bad';
  if (bad.test(status)) return 'bad';
  if (status === 'NotReady') return 'warn';
  return 'progress';
}
