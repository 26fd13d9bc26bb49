// A line diff (longest common subsequence) for showing what a change does to
// an object's YAML: unchanged lines as context, removed and added ones marked.

export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lengths[i]![j + 1]! > lengths[i + 1]![j]!)) lines.push({ kind: 'added', text: b[j++]! });
    else lines.push({ kind: 'removed', text: a[i++]! });
  }
  return lines;
}

/** The changed lines with `context` unchanged lines around each change; a gap becomes one `…` line. */
export function changedWithContext(lines: DiffLine[], context = 3): Array<DiffLine | 'gap'> {
  const keep = new Set<number>();
  lines.forEach((line, index) => {
    if (line.kind === 'same') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) keep.add(k);
  });
  const shown: Array<DiffLine | 'gap'> = [];
  lines.forEach((line, index) => {
    if (keep.has(index)) shown.push(line);
    else if (shown[shown.length - 1] !== 'gap') shown.push('gap');
  });
  return shown;
}
