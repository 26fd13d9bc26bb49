// ValidateCustomResourceDefinition and ...Update as apiextensions-apiserver
// runs them on a v1 CRD: over the internal version (see crdInternalSpec.ts
// for why single-version CRDs report `spec.validation...`), in the order and
// with the field paths and words of its validation.go. What lies inside an
// openAPIV3Schema (structural rules, defaults, list types, CEL rules) is the
// injected `schemaChecks`' to judge; this file checks the CRD around it: the
// name, group, scope, names, versions, storage version, stored versions,
// subresources, printer columns, selectable fields, conversion, API approval.

import type { FieldError } from '../../kube/meta.ts';
import { duplicate, forbidden, invalid, notSupported, required, tooMany, validateImmutableField } from '../validation/fieldErrors.ts';
import { GoValue, goStringSlice } from '../validation/goSyntax.ts';
import { isDNS1035Label, isDNS1123Subdomain } from '../validation/names.ts';
import { isConditionTrue } from './crdConditions.ts';
import { hasRecognizedReviewVersionOrEmpty, validateConversion } from './crdConversionValidation.ts';
import { goVersionsValue, internalSpec, type InternalSpec, type InternalVersion, type Schema } from './crdInternalSpec.ts';
import type { CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceSubresources } from './types.ts';

/** Checks of one openAPIV3Schema (structural schema, defaults, CEL), reported under `fieldPath` (`spec.validation.openAPIV3Schema`). */
export type SchemaChecks = (schema: Schema, fieldPath: string) => FieldError[];

export interface CrdValidationOptions {
  schemaChecks?: SchemaChecks;
}

interface Options {
  schemaChecks?: SchemaChecks;
  requireOpenAPISchema: boolean;
  requireRecognizedReviewVersion: boolean;
  requireImmutableNames: boolean;
}

const printerColumnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const printerColumnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const maxSelectableFields = 8;
export const apiApprovalAnnotation = 'api-approved.kubernetes.io';

// The JSONSchemaProps fields, in the Go struct's order, with the ones allowed at the root when status is a subresource.
const rootSchemaFields: Array<[json: string, go: string]> = [
  ['id', 'ID'], ['$schema', 'Schema'], ['$ref', 'Ref'], ['description', 'Description'], ['type', 'Type'], ['nullable', 'Nullable'], ['format', 'Format'],
  ['title', 'Title'], ['default', 'Default'], ['maximum', 'Maximum'], ['exclusiveMaximum', 'ExclusiveMaximum'], ['minimum', 'Minimum'],
  ['exclusiveMinimum', 'ExclusiveMinimum'], ['maxLength', 'MaxLength'], ['minLength', 'MinLength'], ['pattern', 'Pattern'], ['maxItems', 'MaxItems'],
  ['minItems', 'MinItems'], ['uniqueItems', 'UniqueItems'], ['multipleOf', 'MultipleOf'], ['enum', 'Enum'], ['maxProperties', 'MaxProperties'],
  ['minProperties', 'MinProperties'], ['required', 'Required'], ['items', 'Items'], ['allOf', 'AllOf'], ['oneOf', 'OneOf'], ['anyOf', 'AnyOf'],
  ['not', 'Not'], ['properties', 'Properties'], ['additionalProperties', 'AdditionalProperties'], ['patternProperties', 'PatternProperties'],
  ['dependencies', 'Dependencies'], ['additionalItems', 'AdditionalItems'], ['definitions', 'Definitions'], ['externalDocs', 'ExternalDocs'],
  ['example', 'Example'], ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'], ['x-kubernetes-embedded-resource', 'XEmbeddedResource'],
  ['x-kubernetes-int-or-string', 'XIntOrString'], ['x-kubernetes-list-map-keys', 'XListMapKeys'], ['x-kubernetes-list-type', 'XListType'],
  ['x-kubernetes-map-type', 'XMapType'], ['x-kubernetes-validations', 'XValidations'],
];
const allowedAtRoot = ['Description', 'Type', 'Format', 'Title', 'Maximum', 'ExclusiveMaximum', 'Minimum', 'ExclusiveMinimum', 'MaxLength', 'MinLength', 'Pattern', 'MaxItems', 'MinItems', 'UniqueItems', 'MultipleOf', 'Required', 'Items', 'Properties', 'ExternalDocs', 'Example', 'XPreserveUnknownFields', 'XValidations'];
// Go fields that are plain strings or bools (their zero value is "" or false); the others are pointers, maps and slices.
const zeroableFields = new Set(['ID', 'Schema', 'Ref', 'Description', 'Type', 'Nullable', 'Format', 'Title', 'Pattern', 'UniqueItems', 'ExclusiveMaximum', 'ExclusiveMinimum', 'XEmbeddedResource', 'XIntOrString']);

const dns1035 = (value: string) => isDNS1035Label(value).join(',');

// --- names ---

/** ValidateCustomResourceDefinitionNames (spec.names and status.acceptedNames). */
function validateNames(names: Partial<CustomResourceDefinition['spec']['names']> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!names) return errs;
  if (names.plural && dns1035(names.plural)) errs.push(invalid(`${path}.plural`, names.plural, dns1035(names.plural)));
  if (names.singular && dns1035(names.singular)) errs.push(invalid(`${path}.singular`, names.singular, dns1035(names.singular)));
  if (names.kind && dns1035(names.kind.toLowerCase())) errs.push(invalid(`${path}.kind`, names.kind, `may have mixed case, but should otherwise match: ${dns1035(names.kind.toLowerCase())}`));
  if (names.listKind && dns1035(names.listKind.toLowerCase())) errs.push(invalid(`${path}.listKind`, names.listKind, `may have mixed case, but should otherwise match: ${dns1035(names.listKind.toLowerCase())}`));
  (names.shortNames ?? []).forEach((short, i) => {
    if (dns1035(short)) errs.push(invalid(`${path}.shortNames[${i}]`, short, dns1035(short)));
  });
  if (names.kind && names.kind === names.listKind) errs.push(invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((category, i) => {
    if (dns1035(category)) errs.push(invalid(`${path}.categories[${i}]`, category, dns1035(category)));
  });
  return errs;
}

// --- printer columns, subresources, selectable fields ---

/** validateSimpleJSONPath: the only check a column's or a scale path's JSONPath gets. */
function validateSimpleJSONPath(s: string, path: string): FieldError[] {
  if (s.length === 0) return [invalid(path, s, 'must not be empty')];
  if (s[0] !== '.') return [invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

/** ValidateCustomResourceColumnDefinition; the path segment is the internal field's name, `JSONPath`. */
function validateColumn(column: CustomResourceColumnDefinition, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!column.name) errs.push(required(`${path}.name`));
  const types = `must be one of ${printerColumnTypes.join(',')}`;
  if (!column.type) errs.push(required(`${path}.type`, types));
  else if (!printerColumnTypes.includes(column.type)) errs.push(invalid(`${path}.type`, column.type, types));
  if (column.format && !printerColumnFormats.includes(column.format)) errs.push(invalid(`${path}.format`, column.format, `must be one of ${printerColumnFormats.join(',')}`));
  if (!column.jsonPath) errs.push(required(`${path}.JSONPath`));
  else errs.push(...validateSimpleJSONPath(column.jsonPath, `${path}.JSONPath`));
  return errs;
}

/** ValidateCustomResourceDefinitionSubresources: scale paths point into .spec and .status. */
function validateSubresources(subresources: CustomResourceSubresources | undefined, path: string): FieldError[] {
  const scale = subresources?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const scalePath = (field: string, value: string | undefined, under: RegExp, detail: string, optional = false) => {
    const at = `${path}.scale.${field}`;
    if (!value) {
      if (!optional) errs.push(required(at));
      return;
    }
    const simple = validateSimpleJSONPath(value, at);
    if (simple.length > 0) errs.push(...simple);
    else if (!under.test(value)) errs.push(invalid(at, value, detail));
  };
  scalePath('specReplicasPath', scale.specReplicasPath, /^\.spec\./, 'should be a json path under .spec');
  scalePath('statusReplicasPath', scale.statusReplicasPath, /^\.status\./, 'should be a json path under .status');
  scalePath('labelSelectorPath', scale.labelSelectorPath, /^\.(spec|status)\./, 'should be a json path under either .spec or .status', true);
  return errs;
}

const asSchema = (value: unknown): Schema | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : undefined);

/**
 * cel.ValidFieldPath without array notation: follows `.a.b` through the
 * schema's properties (or its additionalProperties, as a map key), returning
 * the field path and the schema found, or the error.
 */
function resolveFieldPath(jsonPath: string, root: Schema): { path: string; root: string; schema: Schema | undefined } | { error: string } {
  const tokens = jsonPath.match(/'(?:[^'\\]|\\.)*'|[.[\]]|[^.[\]']+/g) ?? [];
  let schema: Schema | undefined = root;
  let path = '';
  let first = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === '[') return { error: 'array notation is not allowed' };
    if (token !== '.') return { error: `expected [ or . but got: ${token}` };
    const name = tokens[++i];
    if (name === undefined) return { error: 'unexpected end of JSON path' };
    const properties = asSchema(schema?.properties);
    const additional = schema?.additionalProperties;
    if (properties) {
      path += path ? `.${name}` : name;
      schema = asSchema(properties[name]);
      if (!schema) return { error: 'does not refer to a valid field' };
    } else if (additional !== undefined) {
      path += `[${name}]`;
      schema = asSchema(additional);
    } else return { error: 'does not refer to a valid field' };
    first ||= name;
  }
  return { path, root: first, schema };
}

/** ValidateCustomResourceSelectableFields. */
function validateSelectableFields(fields: Array<{ jsonPath: string }>, schema: Schema, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Set<string>();
  fields.forEach((field, i) => {
    const at = `${path}[${i}].jsonPath`;
    if (!field.jsonPath) {
      errs.push(required(at));
      return;
    }
    const found = resolveFieldPath(field.jsonPath, schema);
    if ('error' in found) {
      errs.push(invalid(at, field.jsonPath, `is an invalid path: ${found.error}`));
      return;
    }
    if (found.root === 'metadata') errs.push(invalid(at, field.jsonPath, 'must not point to fields in metadata'));
    if (!['string', 'boolean', 'integer'].includes(found.schema?.type as string)) {
      errs.push(invalid(at, field.jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (unique.has(found.path)) errs.push(duplicate(at, field.jsonPath));
    else unique.add(found.path);
  });
  if (unique.size > maxSelectableFields) errs.push(tooMany(path, unique.size, maxSelectableFields));
  return errs;
}

// --- schemas ---

/**
 * validateCustomResourceDefinitionValidation: with status as a subresource
 * the root may only hold what survives extracting properties[status]; the
 * root is never nullable; the rest is schemaChecks'.
 */
function validateSchema(validation: { openAPIV3Schema?: Schema } | undefined, statusEnabled: boolean, path: string, opts: Options): FieldError[] {
  const schema = validation?.openAPIV3Schema;
  if (!schema) return [];
  const errs: FieldError[] = [];
  if (statusEnabled) {
    for (const [json, go] of rootSchemaFields) {
      const value = schema[json];
      if (value === undefined || value === null || (zeroableFields.has(go) && (value === '' || value === false))) continue;
      if (go === 'Type') {
        if (value !== 'object') {
          errs.push(invalid(`${path}.openAPIV3Schema.type`, value, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
          break;
        }
        continue;
      }
      if (!allowedAtRoot.includes(go)) {
        // Go prints the whole JSONSchemaProps struct here; the field that is not allowed stands for it.
        errs.push(invalid(`${path}.openAPIV3Schema`, new GoValue(`apiextensions.JSONSchemaProps{${go}:${JSON.stringify(value)}}`), `only [${allowedAtRoot.join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`));
        break;
      }
    }
  }
  if (schema.nullable === true) errs.push(forbidden(`${path}.openAPIV3Schema.nullable`, 'nullable cannot be true at the root'));
  if (opts.schemaChecks) errs.push(...opts.schemaChecks(schema, `${path}.openAPIV3Schema`));
  return errs;
}

/** SchemaHas(default != nil) over every schema of the spec. */
function schemaHasDefaults(schema: unknown): boolean {
  const s = asSchema(schema);
  if (!s) return false;
  if (s.default !== undefined) return true;
  const children: unknown[] = [s.items, s.additionalProperties, s.not, ...Object.values(asSchema(s.properties) ?? {}), ...((s.allOf as unknown[]) ?? []), ...((s.anyOf as unknown[]) ?? []), ...((s.oneOf as unknown[]) ?? [])];
  if (Array.isArray(s.items)) children.push(...s.items);
  return children.some(schemaHasDefaults);
}

function specSchemas(spec: InternalSpec): Schema[] {
  return [spec.validation?.openAPIV3Schema, ...(spec.versions ?? []).map((v) => v.schema?.openAPIV3Schema)].filter((s): s is Schema => !!s);
}

// --- versions ---

function deprecationWarningErrors(version: InternalVersion): string[] {
  const warning = version.deprecationWarning;
  if (!version.deprecated && warning !== undefined) return ['can only be set for deprecated versions'];
  if (warning === undefined) return [];
  const errs: string[] = [];
  const bytes = Buffer.byteLength(warning, 'utf8');
  if (bytes > 256) errs.push('must be <= 256 characters long');
  if (bytes === 0) errs.push('must not be an empty string');
  let index = 0;
  for (const ch of warning) {
    if (/\p{Cc}/u.test(ch)) {
      errs.push(`must only contain printable UTF-8 characters; control character found at index ${index}`);
      break;
    }
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) {
      errs.push(`must only contain printable UTF-8 characters; non-printable character found at index ${index}`);
      break;
    }
    index += Buffer.byteLength(ch, 'utf8');
  }
  return errs;
}

function subresourcesFor(spec: InternalSpec, version: InternalVersion): CustomResourceSubresources | undefined {
  return (spec.versions ?? []).some((v) => v.subresources) ? version.subresources : spec.subresources;
}

function validateVersion(spec: InternalSpec, version: InternalVersion, path: string, opts: Options): FieldError[] {
  const errs: FieldError[] = [];
  for (const msg of deprecationWarningErrors(version)) errs.push(invalid(`${path}.deprecationWarning`, version.deprecationWarning, msg));
  errs.push(...validateSchema(version.schema, !!subresourcesFor(spec, version)?.status, `${path}.schema`, opts));
  errs.push(...validateSubresources(version.subresources, `${path}.subresources`));
  (version.additionalPrinterColumns ?? []).forEach((c, i) => errs.push(...validateColumn(c, `${path}.additionalPrinterColumns[${i}]`)));
  if ((version.selectableFields?.length ?? 0) > 0) {
    const schema = version.schema?.openAPIV3Schema;
    if (!schema) errs.push(invalid(`${path}.selectableFields`, '', 'selectableFields may only be set when version.schema.openAPIV3Schema is not included'));
    else errs.push(...validateSelectableFields(version.selectableFields!, schema, `${path}.selectableFields`));
  }
  return errs;
}

// --- spec ---

function validateSpec(spec: InternalSpec, opts: Options): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.group) errs.push(required('spec.group'));
  else if (isDNS1123Subdomain(spec.group).length > 0) errs.push(invalid('spec.group', spec.group, isDNS1123Subdomain(spec.group).join(',')));
  else if (spec.group.split('.').length < 2) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));

  if (!spec.scope) errs.push(required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const versions = spec.versions ?? [];
  if (!spec.validation?.openAPIV3Schema) {
    versions.forEach((v, i) => {
      if (v.schema?.openAPIV3Schema) return;
      if (opts.requireOpenAPISchema) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
      else if (!spec.preserveUnknownFields && v.served) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'because otherwise all fields are pruned'));
    });
  }
  if (spec.preserveUnknownFields && specSchemas(spec).some(schemaHasDefaults)) {
    errs.push(invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  }

  const names = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    if (names.has(v.name)) unique = false;
    names.add(v.name);
    if (dns1035(v.name)) errs.push(invalid(`spec.versions[${i}].name`, v.name, dns1035(v.name)));
    errs.push(...validateVersion(spec, v, `spec.versions[${i}]`, opts));
  });
  if (!unique) errs.push(invalid('spec.versions', goVersionsValue(spec.versions), 'must contain unique version names'));
  if (versions.filter((v) => v.storage).length !== 1) errs.push(invalid('spec.versions', goVersionsValue(spec.versions), 'must have exactly one version marked as storage version'));
  if (spec.version && dns1035(spec.version)) errs.push(invalid('spec.version', spec.version, dns1035(spec.version)));

  for (const name of ['plural', 'singular', 'kind', 'listKind'] as const) {
    if (!spec.names?.[name]) errs.push(required(`spec.names.${name}`));
  }
  errs.push(...validateNames(spec.names, 'spec.names'));
  const anyStatus = !!spec.subresources?.status || versions.some((v) => v.subresources?.status);
  errs.push(...validateSchema(spec.validation, anyStatus, 'spec.validation', opts));
  errs.push(...validateSubresources(spec.subresources, 'spec.subresources'));
  (spec.additionalPrinterColumns ?? []).forEach((c, i) => errs.push(...validateColumn(c, `spec.additionalPrinterColumns[${i}]`)));
  if ((spec.selectableFields?.length ?? 0) > 0) {
    const schema = spec.validation?.openAPIV3Schema;
    if (!schema) errs.push(invalid('spec.selectableFields', '', 'selectableFields may only be set when validations.schema is included'));
    else errs.push(...validateSelectableFields(spec.selectableFields!, schema, 'spec.selectableFields'));
  }
  if (spec.conversion && spec.conversion.strategy !== 'None' && spec.preserveUnknownFields) {
    errs.push(invalid('spec.conversion.strategy', spec.conversion.strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  errs.push(...validateConversion(spec.conversion, opts.requireRecognizedReviewVersion));
  return errs;
}

// --- status, approval ---

/** ValidateCustomResourceDefinitionStoredVersions. */
function validateStoredVersions(stored: string[] | undefined, versions: InternalVersion[] | undefined): FieldError[] {
  const path = 'status.storedVersions';
  if (!stored || stored.length === 0) return [invalid(path, new GoValue(goStringSlice(stored)), 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of versions ?? []) {
    const listed = remaining.has(v.name);
    if (v.storage && !listed) errs.push(invalid(path, new GoValue(goStringSlice(stored)), `must have the storage version ${v.name}`));
    remaining.delete(v.name);
  }
  for (const [v, i] of remaining) errs.push(invalid(`${path}[${i}]`, v, 'must appear in spec.versions'));
  return errs;
}

type ApprovalState = 'invalid' | 'approved' | 'bypassed' | 'missing';

function approvalState(annotations: Record<string, string> | undefined): { state: ApprovalState; reason: string } {
  const value = annotations?.[apiApprovalAnnotation] ?? '';
  if (value === '') return { state: 'missing', reason: `protected groups must have approval annotation "${apiApprovalAnnotation}", see https://github.com/kubernetes/enhancements/pull/1111` };
  if (value.startsWith('unapproved')) return { state: 'bypassed', reason: `not approved: "${value}"` };
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#\s]+/.test(value)) return { state: 'approved', reason: `approved in ${value}` };
  return { state: 'invalid', reason: `protected groups must have approval annotation "${apiApprovalAnnotation}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111` };
}

/** validateAPIApproval: CRDs in *.k8s.io and *.kubernetes.io need the API review's approval annotation. */
function validateApiApproval(crd: CustomResourceDefinition, old?: CustomResourceDefinition): FieldError[] {
  const group = crd.spec?.group ?? '';
  const protectedGroup = group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
  if (!protectedGroup) return [];
  const next = approvalState(crd.metadata.annotations);
  if (old && approvalState(old.metadata.annotations).state === next.state) return [];
  const path = `metadata.annotations[${apiApprovalAnnotation}]`;
  if (next.state === 'missing') return [required(path, next.reason)];
  if (next.state === 'invalid') return [invalid(path, crd.metadata.annotations?.[apiApprovalAnnotation], next.reason)];
  return [];
}

function validatePreserveUnknownFields(crd: CustomResourceDefinition, old?: CustomResourceDefinition): FieldError[] {
  if (old?.spec?.preserveUnknownFields) return [];
  if (!crd.spec?.preserveUnknownFields) return [];
  return [invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead')];
}

/** The name check ValidateObjectMeta runs with the CRD's name function (the registry checks the DNS form itself). */
function validateName(crd: CustomResourceDefinition): FieldError[] {
  const expected = `${crd.spec?.names?.plural ?? ''}.${crd.spec?.group ?? ''}`;
  const message = 'must be spec.names.plural+"."+spec.group';
  const errs: FieldError[] = [];
  if (crd.metadata.generateName && crd.metadata.generateName !== expected) errs.push(invalid('metadata.generateName', crd.metadata.generateName, message));
  if (crd.metadata.name && crd.metadata.name !== expected) errs.push(invalid('metadata.name', crd.metadata.name, message));
  return errs;
}

function allVersionsHaveSchemas(spec: InternalSpec): boolean {
  return !!spec.validation?.openAPIV3Schema || (spec.versions ?? []).every((v) => !!v.schema?.openAPIV3Schema);
}

/** ValidateCustomResourceDefinition (create). */
export function validateCustomResourceDefinition(crd: CustomResourceDefinition, options: CrdValidationOptions = {}): FieldError[] {
  const spec = internalSpec(crd.spec ?? ({} as CustomResourceDefinition['spec']));
  const opts: Options = { schemaChecks: options.schemaChecks, requireOpenAPISchema: true, requireRecognizedReviewVersion: true, requireImmutableNames: false };
  return [
    ...validateName(crd),
    ...validateSpec(spec, opts),
    ...validateNames(crd.status?.acceptedNames, 'status.acceptedNames'),
    ...validateStoredVersions(crd.status?.storedVersions, spec.versions),
    ...validateApiApproval(crd),
    ...validatePreserveUnknownFields(crd),
  ];
}

/** ValidateCustomResourceDefinitionUpdate: what existing CRDs were allowed stays allowed; names that decide storage stay put. */
export function validateCustomResourceDefinitionUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition, options: CrdValidationOptions = {}): FieldError[] {
  const spec = internalSpec(crd.spec ?? ({} as CustomResourceDefinition['spec']));
  const oldSpec = internalSpec(old.spec ?? ({} as CustomResourceDefinition['spec']));
  const established = isConditionTrue(old.status, 'Established');
  const opts: Options = {
    schemaChecks: options.schemaChecks,
    requireOpenAPISchema: allVersionsHaveSchemas(oldSpec),
    requireRecognizedReviewVersion: !oldSpec.conversion || hasRecognizedReviewVersionOrEmpty(oldSpec.conversion.conversionReviewVersions),
    requireImmutableNames: established,
  };
  const errs = validateSpec(spec, opts);
  if (opts.requireImmutableNames) {
    errs.push(...validateImmutableField(spec.scope, oldSpec.scope, 'spec.scope'));
    errs.push(...validateImmutableField(spec.names?.kind, oldSpec.names?.kind, 'spec.names.kind'));
  }
  errs.push(...validateImmutableField(spec.group, oldSpec.group, 'spec.group'));
  errs.push(...validateImmutableField(spec.names?.plural, oldSpec.names?.plural, 'spec.names.plural'));
  return [
    ...errs,
    ...validateNames(crd.status?.acceptedNames, 'status.acceptedNames'),
    ...validateStoredVersions(crd.status?.storedVersions, spec.versions),
    ...validateApiApproval(crd, old),
    ...validatePreserveUnknownFields(crd, old),
  ];
}

/** ValidateUpdateCustomResourceDefinitionStatus (object metadata is the registry's). */
export function validateCustomResourceDefinitionStatusUpdate(crd: CustomResourceDefinition): FieldError[] {
  return validateNames(crd.status?.acceptedNames, 'status.acceptedNames');
}
