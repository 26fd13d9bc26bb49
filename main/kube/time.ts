// Times as Kubernetes serializes them.

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function kubeTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
