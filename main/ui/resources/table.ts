// A kind's list as the server prints it, for the resource browser: the
// server's columns and cells untouched, and of each row's object only what
// the browser needs to open it and keep its age current.

import type { ResourceTable, RowObject, Selection } from '../../../preload/api.ts';
import type { TableClient } from '../../kube/client/tables.ts';
import type { ObjectMeta } from '../../kube/meta.ts';

function rowObject(object: unknown): RowObject {
  const meta = ((object as { metadata?: ObjectMeta } | undefined)?.metadata ?? {}) as ObjectMeta;
  const row: RowObject = { name: meta.name ?? '' };
  if (meta.namespace) row.namespace = meta.namespace;
  if (meta.uid) row.uid = meta.uid;
  if (meta.creationTimestamp) row.creationTimestamp = meta.creationTimestamp;
  if (meta.deletionTimestamp) row.deletionTimestamp = meta.deletionTimestamp;
  return row;
}

export async function resourceTable(tables: TableClient, selection: Selection): Promise<ResourceTable> {
  const table = await tables.list(selection.resource, selection.namespace, {
    labelSelector: selection.labelSelector,
    fieldSelector: selection.fieldSelector,
    includeObject: 'Metadata',
  });
  return {
    columns: table.columnDefinitions,
    rows: table.rows.map((row) => ({ cells: row.cells, object: rowObject(row.object) })),
    ...(table.metadata.resourceVersion ? { resourceVersion: table.metadata.resourceVersion } : {}),
  };
}
