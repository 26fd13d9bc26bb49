// A table that renders only the rows in view (plus a few around them), so
// thousands of live rows scroll smoothly. Rows have one fixed height; the
// body is one tall spacer with the visible rows positioned inside it.

import { useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: string;
  /** A CSS grid track: `2fr`, `90px`. */
  width: string;
  render: (row: T) => ReactNode;
  /** Present: the column sorts by this value. */
  sortValue?: (row: T) => string | number;
}

interface Props<T> {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  selectedKey?: string;
  empty?: ReactNode;
  rowHeight?: number;
  label: string;
}

const overscan = 8;
const collator = new Intl.Collator(undefined, { numeric: true });

export function VirtualTable<T>({ rows, columns, rowKey, onRowClick, selectedKey, empty, rowHeight = 30, label }: Props<T>) {
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(600);
  const [sort, setSort] = useState<{ key: string; descending: boolean } | undefined>();
  const template = columns.map((c) => c.width).join(' ');

  useLayoutEffect(() => {
    const element = body.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewHeight(element.clientHeight));
    observer.observe(element);
    setViewHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  // Callers build their columns anew on every render (their cells read the clock); a sort value is a pure
  // function of the row, so the rows are sorted again only when they or the sort change, not on every scroll or tick.
  const latestColumns = useRef(columns);
  latestColumns.current = columns;
  const sorted = useMemo(() => {
    const column = sort && latestColumns.current.find((c) => c.key === sort.key);
    if (!column?.sortValue) return rows;
    const value = column.sortValue;
    const keyed = rows.map((row) => ({ row, key: value(row) }));
    keyed.sort((a, b) => (typeof a.key === 'number' && typeof b.key === 'number' ? a.key - b.key : collator.compare(String(a.key), String(b.key))));
    const out = keyed.map((k) => k.row);
    return sort?.descending ? out.reverse() : out;
  }, [rows, sort]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(sorted.length, Math.ceil((scrollTop + viewHeight) / rowHeight) + overscan);
  const visible = sorted.slice(first, last);

  return (
    <div className="vtable" role="table" aria-label={label} aria-rowcount={sorted.length}>
      <div className="vtable-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div
            key={c.key}
            role="columnheader"
            title={c.title}
            className={c.sortValue ? 'sortable' : undefined}
            onClick={() => c.sortValue && setSort((s) => ({ key: c.key, descending: s?.key === c.key ? !s.descending : false }))}
          >
            {c.title}
            {sort?.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
          </div>
        ))}
      </div>
      <div className="vtable-body" ref={body} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        {sorted.length === 0 ? (
          <div className="vtable-empty">{empty}</div>
        ) : (
          <div style={{ height: sorted.length * rowHeight, position: 'relative' }}>
            {visible.map((row, i) => {
              const key = rowKey(row);
              return (
                <div
                  key={key}
                  role="row"
                  data-key={key}
                  className={`vtable-row${key === selectedKey ? ' selected' : ''}${onRowClick ? ' clickable' : ''}`}
                  style={{ gridTemplateColumns: template, top: (first + i) * rowHeight, height: rowHeight }}
                  onClick={() => onRowClick?.(row)}
                >
                  {columns.map((c) => (
                    <div key={c.key} role="cell" className={`cell-${c.key}`}>
                      {c.render(row)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
