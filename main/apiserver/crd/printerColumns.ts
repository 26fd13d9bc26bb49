// Server-side printing of custom resources, as apiextensions' tableconvertor
// does it: Name, then the version's additionalPrinterColumns (Age alone when
// it has none). Each cell is the first value the column's JSONPath finds
// (client-go jsonpath over `{<jsonPath>}`, missing keys allowed): a string
// column prints it as `kubectl -o jsonpath` would, other types take it only
// when it is of their kind (an integer column truncates a float), a date
// column shows its age; anything else, or a path that errs, is an empty cell
// (kubectl shows <none>).

import type { KubeObject, TableColumnDefinition } from '../../kube/meta.ts';
import type { TableDefinition } from '../registry/resourceDefinition.ts';
import { goTimeParseError, rfc3339 } from '../openapi/goTime.ts';
import { ageColumn, nameColumn } from '../resources/shared/columns.ts';
import { humanDuration } from '../resources/shared/humanDuration.ts';
import { findJsonPathResults, jsonPathText, parseJsonPathTemplate, type JsonPathTemplate } from './jsonPath.ts';
import type { CustomResourceColumnDefinition, CustomResourceDefinitionVersion } from './types.ts';

/** serveDefaultColumnsIfEmpty: a version without columns prints its age. */
const defaultColumns: CustomResourceColumnDefinition[] = [{ name: 'Age', type: 'date', description: ageColumn().description, jsonPath: '.metadata.creationTimestamp' }];

/** cellForJSONValue, for the types other than string. */
function typedCell(type: string, value: unknown, now: Date): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      // metav1.Time's UnmarshalQueryParameter: "" and "null" are the zero time.
      if (value === '' || value === 'null') return '<unknown>';
      if (goTimeParseError(rfc3339, value) !== undefined) return '<invalid>';
      return humanDuration(now.getTime() - Date.parse(value));
    }
    default:
      return null;
  }
}

/** One column's cell: null when the path finds nothing or fails. */
function cell(column: CustomResourceColumnDefinition, path: JsonPathTemplate, obj: KubeObject, now: Date): unknown {
  let results: unknown[][];
  try {
    results = findJsonPathResults(path, obj, { allowMissingKeys: true });
  } catch {
    return null;
  }
  if (results.length === 0 || results[0].length === 0) return null;
  const value = results[0][0];
  if (column.type === 'string') {
    // PrintResults of reflect.ValueOf(nil) prints text/template's "<no value>".
    return value === null ? '<no value>' : jsonPathText(value);
  }
  return typedCell(column.type, value, now);
}

/** The table of one CRD version (tableconvertor.New over getColumnsForVersion). */
export function printerColumnsTable(version: CustomResourceDefinitionVersion): TableDefinition {
  const columns = version.additionalPrinterColumns?.length ? version.additionalPrinterColumns : defaultColumns;
  const compiled: Array<{ column: CustomResourceColumnDefinition; path: JsonPathTemplate }> = [];
  for (const column of columns) {
    // A column whose path does not parse stops the list there, as tableconvertor.New returns what it built so far.
    try {
      compiled.push({ column, path: parseJsonPathTemplate(`{${column.jsonPath}}`) });
    } catch {
      break;
    }
  }
  const definitions: TableColumnDefinition[] = [
    nameColumn(),
    ...compiled.map(({ column }) => ({
      name: column.name,
      type: column.type as TableColumnDefinition['type'],
      format: column.format ?? '',
      description: column.description || `Custom resource definition column (in JSONPath format): ${column.jsonPath}`,
      priority: column.priority ?? 0,
    })),
  ];
  return {
    columns: definitions,
    row: (obj: KubeObject, now: Date) => [obj.metadata.name, ...compiled.map(({ column, path }) => cell(column, path, obj, now))],
  };
}

/**
 * selectableFields: `spec.color=blue` field selectors on the paths the
 * version declares; the value is fmt.Sprint of what the path finds, "" when
 * nothing (or null) is there.
 */
export function selectableFieldGetters(version: CustomResourceDefinitionVersion): Record<string, (obj: KubeObject) => string | undefined> {
  const getters: Record<string, (obj: KubeObject) => string | undefined> = {};
  for (const { jsonPath } of version.selectableFields ?? []) {
    const path = parseJsonPathTemplate(`{${jsonPath}}`);
    getters[jsonPath.replace(/^\./, '')] = (obj) => {
      const results = findJsonPathResults(path, obj, { allowMissingKeys: true });
      const value = results[0]?.[0];
      return value === null || value === undefined ? '' : jsonPathText(value);
    };
  }
  return getters;
}
