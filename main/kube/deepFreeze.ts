// Freezes a decoded object and everything in it. A watch event's object is
// decoded once and handed to every in-process watcher (informers of the
// scheduler, the controllers, each kubelet): as with client-go's informer
// caches, it is read-only, and frozen a write to it throws (strict mode)
// instead of changing what every other component sees.
//
// Empty objects become one shared frozen `{}`: managedFields mark each owned
// field with one (`"f:image": {}`), about 120 per pod, which was a third of
// all the objects the API server's heap held with 3,000 pods, each of them
// marked again by every garbage collection.

const EMPTY = Object.freeze({});

function isEmptyPlainObject(value: object): boolean {
  if (Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const _ in value) return false;
  return true;
}

/** Freezes `value` and every object and array reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const pending: object[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const record = next as Record<string, unknown>;
    for (const key in record) {
      const child = record[key];
      if (child === null || typeof child !== 'object' || Object.isFrozen(child)) continue;
      if (isEmptyPlainObject(child)) record[key] = EMPTY;
      else pending.push(child);
    }
    Object.freeze(next);
  }
  return value;
}
