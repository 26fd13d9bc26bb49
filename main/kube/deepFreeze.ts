// Freezes a decoded object and everything in it. A watch event's object is
// decoded once and handed to every in-process watcher (informers of the
// scheduler, the controllers, each kubelet): as with client-go's informer
// caches, it is read-only, and frozen a write to it throws (strict mode)
// instead of changing what every other component sees.

/** Freezes `value` and every object and array reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const pending: object[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    Object.freeze(next);
    for (const child of Object.values(next)) {
      if (child !== null && typeof child === 'object' && !Object.isFrozen(child)) pending.push(child as object);
    }
  }
  return value;
}
