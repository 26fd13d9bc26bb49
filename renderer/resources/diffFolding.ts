// A line diff as a reader wants it: changes with a few lines of context, the
// long unchanged stretches between them folded, each line numbered on the
// side it belongs to (old for kept and removed, new for added).

import type { DiffLine } from '../../preload/api.ts';

export type DiffRow = { type: 'line'; line: DiffLine; oldNumber?: number; newNumber?: number } | { type: 'fold'; count: number };

export function foldDiff(diff: DiffLine[], context = 3): DiffRow[] {
  const numbered: Array<Extract<DiffRow, { type: 'line' }>> = [];
  let oldNumber = 0;
  let newNumber = 0;
  for (const line of diff) {
    if (line.op === ' ') numbered.push({ type: 'line', line, oldNumber: ++oldNumber, newNumber: ++newNumber });
    else if (line.op === '-') numbered.push({ type: 'line', line, oldNumber: ++oldNumber });
    else numbered.push({ type: 'line', line, newNumber: ++newNumber });
  }
  // Keep each line within `context` of a change.
  const keep = new Array<boolean>(numbered.length).fill(false);
  numbered.forEach((row, i) => {
    if (row.line.op === ' ') return;
    for (let j = Math.max(0, i - context); j <= Math.min(numbered.length - 1, i + context); j++) keep[j] = true;
  });
  const rows: DiffRow[] = [];
  let folded = 0;
  numbered.forEach((row, i) => {
    if (keep[i]) {
      if (folded > 0) rows.push({ type: 'fold', count: folded });
      folded = 0;
      rows.push(row);
    } else {
      folded++;
    }
  });
  if (folded > 0) rows.push({ type: 'fold', count: folded });
  return rows;
}
