// A line diff of two texts (Myers' O(ND) algorithm, the one `diff` and git
// use): the shortest series of kept, removed and added lines. Lines common to
// both ends are matched first, so an edit in a long object costs little; a
// diff beyond `maxEdits` changed lines is shown as the whole text replaced.

import type { DiffLine } from '../../../preload/api.ts';

const maxEdits = 4000;

function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** The edit script between a and b, or undefined when it needs more than maxEdits lines changed. */
function shortestEdit(a: string[], b: string[]): DiffLine[] | undefined {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(n + m, maxEdits);
  // v[k] is the furthest x reached on diagonal k (= x - y); trace[d] keeps v's diagonals -d..d after round d.
  const offset = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice(offset - d, offset + d + 1));
        return backtrack(a, b, trace);
      }
    }
    trace.push(v.slice(offset - d, offset + d + 1));
  }
  return undefined;
}

function backtrack(a: string[], b: string[], trace: Int32Array[]): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  // What round d started from is what round d-1 left (diagonals -(d-1)..d-1).
  const at = (d: number, k: number) => (d < 0 ? 0 : trace[d]![k + d]!);
  for (let d = trace.length - 1; d >= 0; d--) {
    const k = x - y;
    const down = k === -d || (k !== d && at(d - 1, k - 1) < at(d - 1, k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(d - 1, prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      out.push({ op: ' ', text: a[x]! });
    }
    if (d > 0) {
      if (down) out.push({ op: '+', text: b[--y]! });
      else out.push({ op: '-', text: a[--x]! });
    }
  }
  return out.reverse();
}

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const same = (text: string): DiffLine => ({ op: ' ', text });
  const middleA = a.slice(start, a.length - end);
  const middleB = b.slice(start, b.length - end);
  const middle = shortestEdit(middleA, middleB) ?? [...middleA.map((text): DiffLine => ({ op: '-', text })), ...middleB.map((text): DiffLine => ({ op: '+', text }))];
  return [...a.slice(0, start).map(same), ...middle, ...a.slice(a.length - end).map(same)];
}
