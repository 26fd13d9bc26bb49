// Where two JSON documents differ, as paths a reader knows
// (`spec.containers[0].imagePullPolicy`): what a mutating admission plugin
// changed, shown in the pod's journey without keeping both objects.

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

/** The changed, added and removed paths (leaves, or the highest differing subtree), the first `limit` of them. */
export function changedPaths(before: Json, after: Json, limit = 12): { paths: string[]; more: number } {
  const paths: string[] = [];
  let more = 0;
  const visit = (a: Json, b: Json, path: string): void => {
    if (a === b) return;
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((item, i) => visit(item, b[i], `${path}[${i}]`));
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) visit(a[key], b[key], join(path, key));
      return;
    }
    if (paths.length < limit) paths.push(path || '(the whole object)');
    else more++;
  };
  visit(before, after, '');
  return { paths, more };
}
