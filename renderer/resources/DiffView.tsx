// What an edit changes, as the server would store it: removed lines red,
// added green, with context; the rest folded.

import type { DiffLine } from '../../preload/api.ts';
import { foldDiff } from './diffFolding.ts';

export function DiffView({ diff }: { diff: DiffLine[] }) {
  const rows = foldDiff(diff);
  return (
    <div className="diff" role="table" aria-label="Dry-run diff">
      {rows.map((row, i) =>
        row.type === 'fold' ? (
          <div key={i} role="row" className="diff-fold">
            ⋯ {row.count} unchanged line{row.count === 1 ? '' : 's'}
          </div>
        ) : (
          <div key={i} role="row" className={`diff-line diff-${row.line.op === '+' ? 'added' : row.line.op === '-' ? 'removed' : 'kept'}`}>
            <span className="diff-number">{row.oldNumber ?? ''}</span>
            <span className="diff-number">{row.newNumber ?? ''}</span>
            <span className="diff-op">{row.line.op}</span>
            <span className="diff-text">{row.line.text}</span>
          </div>
        ),
      )}
    </div>
  );
}
