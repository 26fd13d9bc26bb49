// The server's table columns as `kubectl get` prints them: priority 0
// columns only, unless wide (`-o wide`); headers upper-cased; cells as
// kubectl writes them (a string up to its first line break, nothing as
// <none>); the Age of an object kept current from its creationTimestamp.

import { humanDuration } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { RowObject, TableColumnDefinition } from '../../preload/api.ts';

export interface ShownColumn {
  /** The cell's index in each row. */
  index: number;
  /** Unique among the shown columns: `name`, `up-to-date`. */
  key: string;
  title: string;
  definition: TableColumnDefinition;
  /** The column is the object's age: recomputed as time passes. */
  liveAge: boolean;
}

/** An age column of the creation time (the built-in Age, or a CRD's `.metadata.creationTimestamp` column). */
export function isCreationAge(column: TableColumnDefinition): boolean {
  return column.name.toLowerCase() === 'age' && /creationTimestamp/i.test(column.description);
}

export function shownColumns(columns: TableColumnDefinition[], wide: boolean): ShownColumn[] {
  const used = new Set<string>();
  const shown: ShownColumn[] = [];
  columns.forEach((definition, index) => {
    if (!wide && definition.priority > 0) return;
    let key = definition.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-') || `column-${index}`;
    if (used.has(key)) key = `${key}-${index}`;
    used.add(key);
    shown.push({ index, key, title: definition.name.toUpperCase(), definition, liveAge: isCreationAge(definition) });
  });
  return shown;
}

/** A cell as kubectl's table printer writes it. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '<none>';
  if (typeof cell === 'string') {
    const cut = cell.search(/[\f\n\r]/);
    return cut < 0 ? cell : `${cell.slice(0, cut)}...`;
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return JSON.stringify(cell);
}

/** What a row shows in a column now. */
export function shownCell(column: ShownColumn, cells: unknown[], object: RowObject, now: Date): string {
  if (column.liveAge && object.creationTimestamp) {
    const created = Date.parse(object.creationTimestamp);
    if (!Number.isNaN(created)) return humanDuration(now.getTime() - created);
  }
  return cellText(cells[column.index]);
}

/** How a column sorts: ages by creation time (newest first), numbers as numbers, text naturally. */
export function sortValue(column: ShownColumn, cells: unknown[], object: RowObject): string | number {
  if (column.liveAge) return -(Date.parse(object.creationTimestamp ?? '') || 0);
  const cell = cells[column.index];
  return typeof cell === 'number' ? cell : cellText(cell);
}

/** A CSS grid track for a column: names get room, short figures little, and a long header (REQUESTEDDURATION) all of its width. */
export function columnWidth(column: ShownColumn): string {
  if (column.definition.format === 'name') return 'minmax(180px, 2.5fr)';
  if (column.liveAge) return '70px';
  const header = Math.ceil(column.definition.name.length * 8.5);
  if (column.definition.type === 'integer' || column.definition.type === 'number' || column.definition.type === 'boolean') return `minmax(${Math.max(70, header)}px, 0.6fr)`;
  return `minmax(${Math.max(80, header)}px, 1fr)`;
}
