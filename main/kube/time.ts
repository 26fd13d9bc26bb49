// Times as Kubernetes serializes them.

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function kubeTimestamp(date: Date): string {
  const iso = date.toISOString();
  // YYYY-MM-DDTHH:mm:ss.sssZ: drop the milliseconds without a regular expression (this runs on every write).
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
}
