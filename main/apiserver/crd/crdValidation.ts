// ValidateCustomResourceDefinition, for what users run into: the name is
// <plural>.<group>, the group has a dot, names are DNS labels, the scope is
// known, versions are unique with exactly one storage version and a schema
// each, scale paths point into spec and status, printer columns have known
// types and valid JSONPaths, and every CEL rule compiles. Field paths and
// words as apiextensions-apiserver's validation gives them.

import type { FieldError } from '../../kube/meta.ts';
import { duplicate, forbidden, invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { ruleCompileErrors } from './celValidation.ts';
import { JsonPathError, parseJsonPath } from './jsonPath.ts';
import type { JSONSchemaProps } from './schemaValidation.ts';
import type { CustomResourceDefinition } from './types.ts';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const columnTypes = ['integer', 'number', 'string', 'boolean', 'date'];

function validateNames(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const names = crd.spec.names ?? ({} as CustomResourceDefinition['spec']['names']);
  const path = 'spec.names';
  if (!names.plural) errs.push(required(`${path}.plural`));
  else if (!dns1123Label.test(names.plural)) errs.push(invalid(`${path}.plural`, names.plural, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'));
  if (names.singular && !dns1123Label.test(names.singular)) errs.push(invalid(`${path}.singular`, names.singular, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character'));
  if (!names.kind) errs.push(required(`${path}.kind`));
  for (const [i, short] of (names.shortNames ?? []).entries()) {
    if (!dns1123Label.test(short)) errs.push(invalid(`${path}.shortNames[${i}]`, short, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character'));
  }
  return errs;
}

function validateVersion(crd: CustomResourceDefinition, index: number): FieldError[] {
  const v = crd.spec.versions[index];
  const path = `spec.versions[${index}]`;
  const errs: FieldError[] = [];
  if (!v.name) errs.push(required(`${path}.name`));
  else if (!dns1035Label.test(v.name)) errs.push(invalid(`${path}.name`, v.name, 'a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')'));
  const schema = v.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
  if (!schema) errs.push(required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
  else {
    const schemaPath = `${path}.schema.openAPIV3Schema`;
    if (schema.type !== 'object') errs.push(invalid(`${schemaPath}.type`, schema.type ?? '', 'must be object at the root'));
    errs.push(...ruleCompileErrors(schema, schemaPath));
  }
  const scale = v.subresources?.scale;
  if (scale) {
    const scalePath = `${path}.subresources.scale`;
    if (!scale.specReplicasPath?.startsWith('.spec.')) errs.push(invalid(`${scalePath}.specReplicasPath`, scale.specReplicasPath ?? '', 'should be a json path under .spec'));
    if (!scale.statusReplicasPath?.startsWith('.status.')) errs.push(invalid(`${scalePath}.statusReplicasPath`, scale.statusReplicasPath ?? '', 'should be a json path under .status'));
    if (scale.labelSelectorPath && !/^\.(spec|status)\./.test(scale.labelSelectorPath)) errs.push(invalid(`${scalePath}.labelSelectorPath`, scale.labelSelectorPath, 'should be a json path under either .spec or .status'));
  }
  for (const [i, column] of (v.additionalPrinterColumns ?? []).entries()) {
    const colPath = `${path}.additionalPrinterColumns[${i}]`;
    if (!column.name) errs.push(required(`${colPath}.name`));
    if (!columnTypes.includes(column.type)) errs.push(notSupported(`${colPath}.type`, column.type, columnTypes));
    if (!column.jsonPath) errs.push(required(`${colPath}.jsonPath`));
    else {
      try {
        parseJsonPath(column.jsonPath);
      } catch (err) {
        if (err instanceof JsonPathError) errs.push(invalid(`${colPath}.jsonPath`, column.jsonPath, 'must be a simple json path starting with .'));
      }
    }
  }
  if ((v.selectableFields?.length ?? 0) > 8) errs.push({ type: 'FieldValueTooMany', field: `${path}.selectableFields`, value: v.selectableFields!.length, detail: 'must have at most 8 items' });
  return errs;
}

export function validateCustomResourceDefinition(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec ?? ({} as CustomResourceDefinition['spec']);
  const expectedName = `${spec.names?.plural}.${spec.group}`;
  if (crd.metadata.name !== expectedName) errs.push(invalid('metadata.name', crd.metadata.name ?? '', `must be spec.names.plural+"."+spec.group`));
  if (!spec.group) errs.push(required('spec.group'));
  else if (!dns1123Subdomain.test(spec.group) || !spec.group.includes('.')) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errs.push(notSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  errs.push(...validateNames(crd));
  const versions = spec.versions ?? [];
  if (versions.length === 0) errs.push(required('spec.versions', 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v.name)) errs.push(duplicate(`spec.versions[${i}].name`, v.name));
    seen.add(v.name);
    errs.push(...validateVersion(crd, i));
  });
  if (versions.length > 0 && versions.filter((v) => v.storage).length !== 1) errs.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  const strategy = spec.conversion?.strategy ?? 'None';
  if (strategy !== 'None' && strategy !== 'Webhook') errs.push(notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  if (strategy === 'Webhook') errs.push(forbidden('spec.conversion.strategy', 'conversion webhooks are not served by PodLab yet: use None'));
  return errs;
}

export function validateCustomResourceDefinitionUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const errs = validateCustomResourceDefinition(crd);
  if (crd.spec.scope !== old.spec.scope) errs.push(invalid('spec.scope', crd.spec.scope, 'field is immutable'));
  const stored = old.status?.storedVersions ?? [];
  for (const version of stored) {
    if (!crd.spec.versions.some((v) => v.name === version)) errs.push(invalid('status.storedVersions', stored, `must appear in spec.versions`));
  }
  return errs;
}
