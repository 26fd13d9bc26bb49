// Query parameters read the way kube-apiserver's parameter codec converts them
// (k8s.io/apimachinery/pkg/runtime conversions from url.Values), so a client
// that works against Kubernetes means the same thing here: a boolean
// (watch, allowWatchBookmarks, follow, stdin, tty, orphanDependents...) is
// true unless it is absent, "0" or "false" in any case, so `watch=1`,
// `watch=True` and even `watch=yes` or `watch=` are watches, and no boolean is
// ever a 400; a number that does not parse is a 400. `pretty` alone is read
// with strconv.ParseBool (prettyRequested in http/jsonEncoding.ts).

import { errors } from './errors.ts';

/** Convert_Slice_string_To_bool: only "0" and "false" (any case) are false; absent is false. */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}

/** Convert_Slice_string_To_Pointer_bool, for the optional ones (orphanDependents): absent stays unset. */
export function queryOptionalBool(query: URLSearchParams, name: string): boolean | undefined {
  return query.has(name) ? queryBool(query, name) : undefined;
}

/** Go's strconv.ParseBool: these twelve spellings and nothing else (undefined: "invalid syntax"). */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

const maxInt64 = 2n ** 63n - 1n;

/** Convert_Slice_string_To_Pointer_int64: absent or empty is unset. */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name)?.trim();
  if (!value) return undefined;
  if (!/^[+-]?\d+$/.test(value)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  // Beyond int64 Go refuses it; here it would reach SQLite or a timer as a double that is no integer.
  const parsed = BigInt(value);
  if (parsed > maxInt64 || parsed < -maxInt64 - 1n) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
  return Number(value);
}

/** metav1.Time from RFC 3339 (seconds precision on the wire, fractions accepted). */
export function queryTime(query: URLSearchParams, name: string): Date | undefined {
  const value = query.get(name)?.trim();
  if (!value) return undefined;
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  const time = new Date(value);
  if (!rfc3339.test(value) || Number.isNaN(time.getTime())) {
    throw errors.badRequest(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": not an RFC 3339 time`);
  }
  return time;
}

export function queryString(query: URLSearchParams, name: string): string {
  return query.get(name) ?? '';
}

/**
 * The resourceVersion of a get, list or watch must be one an etcd revision can be
 * (APIObjectVersioner.ParseResourceVersion: an unsigned 64-bit integer); anything else
 * is kube-apiserver's storage 400 "invalid resource version", never silently ignored.
 */
export function checkResourceVersion(query: URLSearchParams): void {
  const value = query.get('resourceVersion');
  if (!value) return;
  const problem = !/^\d+$/.test(value) ? 'invalid syntax' : BigInt(value) > 2n ** 64n - 1n ? 'value out of range' : undefined;
  if (!problem) return;
  const quoted = JSON.stringify(value);
  throw errors.badRequest(`invalid resource version: resourceVersion: Invalid value: ${quoted}: strconv.ParseUint: parsing ${quoted}: ${problem}`);
}
