// One kind's objects as the server prints them (the columns of `kubectl
// get`, or of `-o wide`), in a namespace or all of them, filtered by name and
// label selector; Age kept current. A row opens the object.

import { useMemo, useState } from 'react';
import type { ApiKind, RowObject } from '../../preload/api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { VirtualTable, type Column } from '../components/VirtualTable.tsx';
import { useNow } from '../hooks/useNow.ts';
import { kindTitle } from './kindTitle.ts';
import { columnWidth, shownCell, shownColumns, sortValue } from './tableColumns.ts';
import { useServerTable } from './useServerTable.ts';

interface Row {
  key: string;
  cells: unknown[];
  object: RowObject;
}

interface Props {
  kind: ApiKind;
  namespace: string;
  onOpen: (object: RowObject) => void;
}

export function KindTable({ kind, namespace, onOpen }: Props) {
  const [nameFilter, setNameFilter] = useState('');
  const [selectorDraft, setSelectorDraft] = useState('');
  const [labelSelector, setLabelSelector] = useState('');
  const [wide, setWide] = useState(false);
  const now = useNow();
  const scopedNamespace = kind.namespaced && namespace ? namespace : undefined;
  const { table, error } = useServerTable({ resource: kind.resource, namespace: scopedNamespace, labelSelector: labelSelector || undefined });
  const title = kindTitle(kind);

  const rows = useMemo<Row[]>(() => {
    const needle = nameFilter.trim().toLowerCase();
    return (table?.rows ?? [])
      .filter((r) => !needle || r.object.name.toLowerCase().includes(needle))
      .map((r) => ({ key: r.object.uid ?? `${r.object.namespace ?? ''}/${r.object.name}`, cells: r.cells, object: r.object }));
  }, [table, nameFilter]);

  const columns = useMemo<Column<Row>[]>(() => {
    const server = shownColumns(table?.columns ?? [], wide).map(
      (c): Column<Row> => ({
        key: c.key,
        title: c.title,
        width: columnWidth(c),
        render: (r) => {
          const text = shownCell(c, r.cells, r.object, now);
          return <span title={text}>{text}</span>;
        },
        sortValue: (r) => sortValue(c, r.cells, r.object),
      }),
    );
    // kubectl get -A puts NAMESPACE first.
    const namespaceColumn: Column<Row> = { key: 'namespace', title: 'NAMESPACE', width: 'minmax(100px, 1fr)', render: (r) => r.object.namespace ?? '', sortValue: (r) => r.object.namespace ?? '' };
    return kind.namespaced && !scopedNamespace ? [namespaceColumn, ...server] : server;
  }, [table?.columns, wide, now, kind.namespaced, scopedNamespace]);

  const hiddenColumns = (table?.columns ?? []).filter((c) => c.priority > 0).length;
  const where = kind.namespaced ? (scopedNamespace ? `in namespace ${scopedNamespace}` : 'in all namespaces') : 'cluster-scoped';

  return (
    <section className="kind-table" data-kind={kind.resource.plural}>
      <header className="view-head">
        <h1>{title}</h1>
        <span className="muted">
          {kind.resource.group ? `${kind.resource.group}/` : ''}
          {kind.resource.version} · {where}
        </span>
        <span className="count">{table ? `${rows.length} of ${table.rows.length}` : 'loading…'}</span>
        <span className="spacer" />
        <input className="filter" placeholder="Filter by name" value={nameFilter} onChange={(e) => setNameFilter(e.target.value)} aria-label={`Filter ${title} by name`} />
        <input
          placeholder="Label selector (app=web)"
          value={selectorDraft}
          onChange={(e) => setSelectorDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && setLabelSelector(selectorDraft.trim())}
          onBlur={() => setLabelSelector(selectorDraft.trim())}
          aria-label="Label selector"
        />
        {hiddenColumns > 0 && (
          <label className="check" title="Also the columns kubectl shows with -o wide">
            <input type="checkbox" checked={wide} onChange={(e) => setWide(e.target.checked)} /> Wide
          </label>
        )}
      </header>
      {error && <ErrorBox error={error} next="The table is asked for again every few seconds; check the label selector if it stays." />}
      <VirtualTable
        label={title}
        rows={rows}
        columns={columns}
        rowKey={(r) => r.key}
        onRowClick={(r) => onOpen(r.object)}
        empty={table ? `No ${title}${labelSelector ? ` matching ${labelSelector}` : ''} ${where}.` : 'Loading…'}
      />
    </section>
  );
}
