// Server-side printing of custom resources, as apiextensions' tableconvertor
// does: Name, then the version's additionalPrinterColumns, each cell the first
// value its JSONPath finds, typed by the column (a date column shows an age).
// A version without columns prints Name and Age.

import type { KubeObject, TableColumnDefinition } from '../../kube/meta.ts';
import type { TableDefinition } from '../registry/resourceDefinition.ts';
import { nameColumn } from '../resources/shared/columns.ts';
import { ageSince } from '../resources/shared/humanDuration.ts';
import { evaluateJsonPath, parseJsonPath } from './jsonPath.ts';
import type { CustomResourceDefinitionVersion } from './types.ts';

type Column = NonNullable<CustomResourceDefinitionVersion['additionalPrinterColumns']>[number];

const defaultColumns: Column[] = [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];

/** cellForJSONValue: the cell of one column, or null when the value is absent or of another type. */
function cell(type: string, value: unknown, now: Date): unknown {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? ageSince(value, now) : null;
    default:
      // String columns print whatever is there, as client-go's jsonpath prints it.
      if (value === null || value === undefined) return null;
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

export function printerColumnsTable(version: CustomResourceDefinitionVersion): TableDefinition {
  const columns = version.additionalPrinterColumns?.length ? version.additionalPrinterColumns : defaultColumns;
  const paths = columns.map((c) => parseJsonPath(c.jsonPath));
  const definitions: TableColumnDefinition[] = [
    nameColumn(),
    ...columns.map((c) => ({ name: c.name, type: c.type as TableColumnDefinition['type'], format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
  ];
  return {
    columns: definitions,
    row: (obj: KubeObject, now: Date) => [
      obj.metadata.name,
      ...columns.map((c, i) => {
        const found = evaluateJsonPath(paths[i], obj);
        return found.length === 0 ? null : cell(c.type, found[0], now);
      }),
    ],
  };
}

/** selectableFields: field selectors on the JSONPaths the version declares (`spec.color=blue`). */
export function selectableFieldGetters(version: CustomResourceDefinitionVersion): Record<string, (obj: KubeObject) => string | undefined> {
  const getters: Record<string, (obj: KubeObject) => string | undefined> = {};
  for (const { jsonPath } of version.selectableFields ?? []) {
    const steps = parseJsonPath(jsonPath);
    getters[jsonPath.replace(/^\./, '')] = (obj) => {
      const value = evaluateJsonPath(steps, obj)[0];
      return value === undefined || value === null ? undefined : String(value);
    };
  }
  return getters;
}
