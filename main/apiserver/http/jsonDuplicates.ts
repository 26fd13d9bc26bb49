// Object keys written twice in a JSON body. JSON.parse keeps the last value
// silently; Kubernetes' decoder (sigs.k8s.io/json) reports each one as a strict
// decoding error, `duplicate field "spec.template.metadata.labels.app"`, which
// fieldValidation=Strict refuses and Warn passes on as a warning. The paths are
// kept beside the parsed value, as the number literals are (jsonNumbers.ts).

const duplicates = new WeakMap<object, string[]>();

interface Frame {
  path: string;
  /** Object: the keys seen so far, and the one whose value comes next. Array: the index of the next element. */
  keys?: Set<string>;
  key?: string;
  index: number;
}

const childPath = (frame: Frame | undefined): string => {
  if (!frame) return '';
  if (frame.keys) return frame.path ? `${frame.path}.${frame.key}` : frame.key!;
  return `${frame.path}[${frame.index}]`;
};

/** Remembers the duplicate keys of `text`, which `root` was parsed from (so it is valid JSON). */
export function rememberDuplicateFields(root: unknown, text: string): void {
  if (root === null || typeof root !== 'object') return;
  const found: string[] = [];
  const stack: Frame[] = [];
  let expectingKey = false;
  // Strings whole (so brackets inside them are passed over) and the structural characters; numbers and literals do not matter.
  for (const [token] of text.matchAll(/"[^"\\]*(?:\\.[^"\\]*)*"|[{}[\],:]/g)) {
    const top = stack[stack.length - 1];
    switch (token) {
      case '{':
        stack.push({ path: childPath(top), keys: new Set(), index: 0 });
        expectingKey = true;
        break;
      case '[':
        stack.push({ path: childPath(top), index: 0 });
        break;
      case '}':
      case ']':
        stack.pop();
        break;
      case ',':
        if (top?.keys) expectingKey = true;
        else if (top) top.index++;
        break;
      case ':':
        break;
      default:
        if (top?.keys && expectingKey) {
          const key = JSON.parse(token) as string;
          if (top.keys.has(key)) found.push(top.path ? `${top.path}.${key}` : key);
          top.keys.add(key);
          top.key = key;
          expectingKey = false;
        }
    }
  }
  // Reported once each, as the decoder dedupes them.
  if (found.length > 0) duplicates.set(root, [...new Set(found)]);
}

/** The duplicate keys of the body `root` was parsed from, as field paths. */
export function duplicateFields(root: unknown): string[] {
  return root !== null && typeof root === 'object' ? (duplicates.get(root) ?? []) : [];
}
