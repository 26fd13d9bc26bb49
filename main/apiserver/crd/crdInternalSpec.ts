// A v1 CRD spec as apiextensions-apiserver validates it: converted to the
// internal version first. That conversion hoists what every version has
// alike (schema, subresources, printer columns, selectable fields) to the
// top level and clears it from the versions, so the errors users see for a
// CRD whose versions agree name `spec.validation.openAPIV3Schema...`,
// `spec.subresources...`, `spec.additionalPrinterColumns[0]...`; webhook
// conversion settings sit at `spec.conversion.webhookClientConfig` and
// `spec.conversion.conversionReviewVersions`.

import { GoValue, goQuote } from '../validation/goSyntax.ts';
import type { CustomResourceColumnDefinition, CustomResourceDefinitionSpec, CustomResourceSubresources, WebhookClientConfig } from './types.ts';

export type Schema = Record<string, unknown>;

export interface InternalVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  /** The version's `schema` (`{openAPIV3Schema}`), absent when hoisted. */
  schema?: { openAPIV3Schema?: Schema };
  subresources?: CustomResourceSubresources;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
  selectableFields?: Array<{ jsonPath: string }>;
}

export interface InternalSpec {
  group: string;
  scope: string;
  names: CustomResourceDefinitionSpec['names'];
  /** The first version's name (the internal type keeps the v1beta1 `version` field). */
  version: string;
  versions: InternalVersion[] | undefined;
  validation?: { openAPIV3Schema?: Schema };
  subresources?: CustomResourceSubresources;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
  selectableFields?: Array<{ jsonPath: string }>;
  conversion?: { strategy: string; webhookClientConfig?: WebhookClientConfig; conversionReviewVersions?: string[] };
  preserveUnknownFields: boolean;
}

/** apiequality.Semantic.DeepEqual over decoded JSON: an absent list equals an empty one, an absent object does not equal `{}`. */
export function semanticJsonEqual(a: unknown, b: unknown): boolean {
  const emptyList = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  if (emptyList(a) && emptyList(b) && (Array.isArray(a) || Array.isArray(b))) return true;
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => semanticJsonEqual(v, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)].filter((k) => ra[k] !== undefined || rb[k] !== undefined));
  for (const k of keys) if (!semanticJsonEqual(ra[k], rb[k])) return false;
  return true;
}

/** Columns compare as Go structs do: an absent format, description or priority is the zero value. */
function columnsEqual(a: CustomResourceColumnDefinition[] | undefined, b: CustomResourceColumnDefinition[] | undefined): boolean {
  const norm = (cols: CustomResourceColumnDefinition[] | undefined) =>
    (cols ?? []).map((c) => ({ name: c.name ?? '', type: c.type ?? '', format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0, jsonPath: c.jsonPath ?? '' }));
  return semanticJsonEqual(norm(a), norm(b));
}

/** Convert_v1_CustomResourceDefinitionSpec_To_apiextensions_CustomResourceDefinitionSpec. */
export function internalSpec(spec: CustomResourceDefinitionSpec): InternalSpec {
  const versions: InternalVersion[] | undefined = spec.versions?.map((v) => ({
    name: v.name ?? '',
    served: !!v.served,
    storage: !!v.storage,
    deprecated: !!v.deprecated,
    ...(v.deprecationWarning !== undefined ? { deprecationWarning: v.deprecationWarning } : {}),
    ...(v.schema ? { schema: v.schema as InternalVersion['schema'] } : {}),
    ...(v.subresources ? { subresources: v.subresources } : {}),
    ...(v.additionalPrinterColumns ? { additionalPrinterColumns: v.additionalPrinterColumns } : {}),
    ...(v.selectableFields ? { selectableFields: v.selectableFields } : {}),
  }));
  const out: InternalSpec = {
    group: spec.group ?? '',
    scope: spec.scope ?? '',
    names: spec.names ?? ({} as CustomResourceDefinitionSpec['names']),
    version: versions?.[0]?.name ?? '',
    versions,
    preserveUnknownFields: !!spec.preserveUnknownFields,
  };
  if (spec.conversion) {
    out.conversion = {
      strategy: spec.conversion.strategy ?? '',
      ...(spec.conversion.webhook?.clientConfig ? { webhookClientConfig: spec.conversion.webhook.clientConfig } : {}),
      ...(spec.conversion.webhook?.conversionReviewVersions ? { conversionReviewVersions: spec.conversion.webhook.conversionReviewVersions } : {}),
    };
  }
  if (!versions || versions.length === 0) return out;
  const first = versions[0];
  const identical = {
    schema: versions.every((v) => semanticJsonEqual(v.schema, first.schema)),
    subresources: versions.every((v) => semanticJsonEqual(v.subresources, first.subresources)),
    columns: versions.every((v) => columnsEqual(v.additionalPrinterColumns, first.additionalPrinterColumns)),
    selectableFields: versions.every((v) => semanticJsonEqual(v.selectableFields, first.selectableFields)),
  };
  if (identical.schema && first.schema) out.validation = first.schema;
  if (identical.subresources && first.subresources) out.subresources = first.subresources;
  if (identical.columns && first.additionalPrinterColumns) out.additionalPrinterColumns = first.additionalPrinterColumns;
  if (identical.selectableFields && first.selectableFields) out.selectableFields = first.selectableFields;
  out.versions = versions.map((v) => {
    const copy = { ...v };
    if (identical.schema) delete copy.schema;
    if (identical.subresources) delete copy.subresources;
    if (identical.columns) delete copy.additionalPrinterColumns;
    if (identical.selectableFields) delete copy.selectableFields;
    return copy;
  });
  return out;
}

/**
 * The internal versions as Go's %#v prints them, which is how field errors
 * on `spec.versions` show their value. Go prints the addresses of non-nil
 * pointers, which differ from run to run; a fixed-looking one stands in.
 */
export function goVersionsValue(versions: InternalVersion[] | undefined): GoValue {
  const type = 'apiextensions.CustomResourceDefinitionVersion';
  if (!versions) return new GoValue(`[]${type}(nil)`);
  let address = 0xc000400000;
  const pointer = (t: string, present: boolean) => (present ? `(*${t})(0x${(address += 0x60).toString(16)})` : `(*${t})(nil)`);
  const columnType = 'apiextensions.CustomResourceColumnDefinition';
  const columns = (cols: CustomResourceColumnDefinition[] | undefined) =>
    !cols
      ? `[]${columnType}(nil)`
      : `[]${columnType}{${cols
          .map((c) => `${columnType}{Name:${goQuote(c.name ?? '')}, Type:${goQuote(c.type ?? '')}, Format:${goQuote(c.format ?? '')}, Description:${goQuote(c.description ?? '')}, Priority:${c.priority ?? 0}, JSONPath:${goQuote(c.jsonPath ?? '')}}`)
          .join(', ')}}`;
  const fieldType = 'apiextensions.SelectableField';
  const fields = (sf: Array<{ jsonPath: string }> | undefined) => (!sf ? `[]${fieldType}(nil)` : `[]${fieldType}{${sf.map((f) => `${fieldType}{JSONPath:${goQuote(f.jsonPath ?? '')}}`).join(', ')}}`);
  const items = versions.map(
    (v) =>
      `${type}{Name:${goQuote(v.name)}, Served:${v.served}, Storage:${v.storage}, Deprecated:${v.deprecated}, DeprecationWarning:${pointer('string', v.deprecationWarning !== undefined)}, ` +
      `Schema:${pointer('apiextensions.CustomResourceValidation', !!v.schema)}, Subresources:${pointer('apiextensions.CustomResourceSubresources', !!v.subresources)}, ` +
      `AdditionalPrinterColumns:${columns(v.additionalPrinterColumns)}, SelectableFields:${fields(v.selectableFields)}}`,
  );
  return new GoValue(`[]${type}{${items.join(', ')}}`);
}
