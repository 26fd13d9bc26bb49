// Server-side printing: objects as metav1.Table rows with the columns the
// kind's strategy declares (the kubectl get columns), or Name and Age for
// kinds without their own.

import type { KubeObject, Table, TableColumnDefinition, TableRow } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import type { TableRequest } from './negotiation.ts';
import { humanDuration } from '../resources/shared/humanDuration.ts';

const defaultColumns: TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
  { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
];

function defaultRow(obj: KubeObject, now: Date): unknown[] {
  const created = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  return [obj.metadata.name, Number.isNaN(created) ? '<unknown>' : humanDuration(now.getTime() - created)];
}

function rowObject(obj: KubeObject, request: TableRequest): unknown {
  if (request.includeObject === 'None') return undefined;
  if (request.includeObject === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(def: ResourceDefinition, items: KubeObject[], request: TableRequest, resourceVersion: string | undefined, withColumns = true): Table {
  const now = new Date();
  const table = def.strategy.table;
  const rows: TableRow[] = items.map((obj) => ({
    cells: table ? table.row(obj, now) : defaultRow(obj, now),
    object: rowObject(obj, request),
  }));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: withColumns ? (table?.columns ?? defaultColumns) : [],
    rows,
  };
}
