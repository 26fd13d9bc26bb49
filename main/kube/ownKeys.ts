// A JSON object's keys by names that came with the data. A ConfigMap's data, a
// label map or a custom resource's free-form object may have keys named
// "constructor", "toString" or "__proto__" (JSON.parse makes each an own key).
// On a plain object, obj[key] reads Object.prototype's member for such a name,
// `key in obj` finds it there, and obj[key] = value for "__proto__" sets the
// object's prototype instead of a key.

/** obj[key] when obj has that key of its own, else undefined. */
export function ownValue<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** obj[key] = value, as an own key even for "__proto__". */
export function putKey<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
