// Times as controllers write them (metav1.Time: RFC 3339, whole seconds) and
// read them back.

import { kubeTimestamp } from '../../kube/time.ts';
import type { Clock } from '../../kube/clock.ts';

export function timestampOf(clock: Clock): string {
  return kubeTimestamp(new Date(clock.now()));
}

/** Milliseconds since the epoch, or undefined for an absent or unreadable time. */
export function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
