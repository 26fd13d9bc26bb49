// Where two JSON documents differ, as paths a reader knows
// (`spec.containers[0].imagePullPolicy`): what a mutating admission plugin
// changed, shown in the pod's journey without keeping both objects.

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A path's text from its segments: keys joined with dots, list indexes in brackets. */
function pathText(segments: (string | number)[]): string {
  let text = '';
  for (const segment of segments) text += typeof segment === 'number' ? `[${segment}]` : text ? `.${segment}` : segment;
  return text || '(the whole object)';
}

/**
 * The changed, added and removed paths (leaves, or the highest differing
 * subtree), the first `limit` of them. A key set to undefined is a key left
 * out, as in JSON. The walk keeps one list of segments and writes a path out
 * only where something differs: it runs after each mutating plugin on every
 * pod created.
 */
export function changedPaths(before: Json, after: Json, limit = 12): { paths: string[]; more: number } {
  const paths: string[] = [];
  const segments: (string | number)[] = [];
  let more = 0;
  const visit = (a: Json, b: Json): void => {
    if (a === b) return;
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      for (let i = 0; i < a.length; i++) {
        segments.push(i);
        visit(a[i], b[i]);
        segments.pop();
      }
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const key in a) {
        segments.push(key);
        visit(a[key], b[key]);
        segments.pop();
      }
      for (const key in b) {
        if (Object.hasOwn(a, key)) continue;
        segments.push(key);
        visit(undefined, b[key]);
        segments.pop();
      }
      return;
    }
    if (paths.length < limit) paths.push(pathText(segments));
    else more++;
  };
  visit(before, after);
  return { paths, more };
}
