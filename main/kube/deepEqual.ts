// Semantic equality of JSON objects: a field set to undefined is a field left out.
// It runs on every update (is the new object the stored one?) and in the
// controllers' comparisons, so it walks both objects without building key lists.

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const bArray = b as unknown[];
    if (a.length !== bArray.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bArray[i])) return false;
    return true;
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  let defined = 0;
  for (const key in aRecord) {
    const value = aRecord[key];
    if (value === undefined) continue;
    defined++;
    if (!Object.hasOwn(bRecord, key) || !deepEqual(value, bRecord[key])) return false;
  }
  for (const key in bRecord) if (bRecord[key] !== undefined) defined--;
  return defined === 0;
}
