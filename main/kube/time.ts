// Times as Kubernetes serializes them.

// The last second formatted: a write stamps several times (creation, managedFields, events), nearly all in
// the second the previous write stamped, and toISOString is most of what formatting costs.
let lastSecond = Number.NaN;
let lastText = '';

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function kubeTimestamp(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second === lastSecond) return lastText;
  const iso = date.toISOString();
  // YYYY-MM-DDTHH:mm:ss.sssZ; years past 9999 are longer and keep their form.
  const text = iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
  if (Number.isFinite(second)) {
    lastSecond = second;
    lastText = text;
  }
  return text;
}
