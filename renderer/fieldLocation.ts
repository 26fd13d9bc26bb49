// Where a field the server complained about sits in the YAML the user wrote:
// `spec.containers[0].image` → the line of that key (or of its nearest
// parent that exists), so the error can be shown at the field.

import { isMap, isSeq, parseAllDocuments, type Node } from 'yaml';

export function fieldPath(field: string): Array<string | number> {
  const path: Array<string | number> = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]|\[([^\]]+)\]/g)) {
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(match[3]);
  }
  return path;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based line of `field` in document `documentIndex` of `yamlText`; undefined when the document cannot be read. */
export function fieldLine(yamlText: string, documentIndex: number, field: string): number | undefined {
  const docs = parseAllDocuments(yamlText);
  const doc = Array.isArray(docs) ? docs[documentIndex] : undefined;
  if (!doc?.contents) return undefined;
  let node: Node | null | undefined = doc.contents as Node;
  let best = node.range?.[0];
  for (const segment of fieldPath(field)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
      if (!pair) break;
      best = (pair.key as Node).range?.[0] ?? best;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | undefined;
      if (!node) break;
      best = node.range?.[0] ?? best;
    } else {
      break;
    }
  }
  return best === undefined ? undefined : lineOf(yamlText, best);
}

/** The line where document `documentIndex` starts (1-based). */
export function documentLine(yamlText: string, documentIndex: number): number | undefined {
  const docs = parseAllDocuments(yamlText);
  const doc = Array.isArray(docs) ? docs[documentIndex] : undefined;
  const start = doc?.contents?.range?.[0];
  return start === undefined ? undefined : lineOf(yamlText, start);
}
