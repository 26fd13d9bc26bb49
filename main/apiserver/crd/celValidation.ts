// x-kubernetes-validations: the CEL rules of a CRD's schema, compiled once
// per schema and evaluated at each node that declares them, with `self` the
// value there and `oldSelf` its previous value for transition rules (rules
// that name oldSelf run only on updates where the old value exists, unless
// optionalOldSelf). Failures are field errors worded as kube-apiserver words
// them: `spec: Invalid value: "object": <message>` or `failed rule: <rule>`.

import type { CelInput } from '@bufbuild/cel';
import { cel, celEnvironment } from '../admission/cel/celLibrary.ts';
import type { FieldError } from '../../kube/meta.ts';
import { jsonType, propertySchema, type JSONSchemaProps } from './schemaValidation.ts';
import { ownValue } from '../../kube/ownKeys.ts';

type Rule = NonNullable<JSONSchemaProps['x-kubernetes-validations']>[number];

interface CompiledRule {
  rule: Rule;
  usesOldSelf: boolean;
  program?: (bindings: Record<string, CelInput>) => unknown;
  message?: (bindings: Record<string, CelInput>) => unknown;
  compileError?: string;
}


function compile(text: string): { program?: (bindings: Record<string, CelInput>) => unknown; error?: string } {
  try {
    const run = cel().plan(celEnvironment(), cel().parse(text)) as (bindings: Record<string, CelInput>) => unknown;
    return { program: run };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const compiledRules = new WeakMap<JSONSchemaProps, CompiledRule[]>();

function rulesOf(schema: JSONSchemaProps): CompiledRule[] {
  let compiled = compiledRules.get(schema);
  if (!compiled) {
    compiled = (schema['x-kubernetes-validations'] ?? []).map((rule) => {
      const { program, error } = compile(rule.rule);
      const message = rule.messageExpression ? compile(rule.messageExpression).program : undefined;
      return { rule, usesOldSelf: /\boldSelf\b/.test(rule.rule), program, message, compileError: error };
    });
    compiledRules.set(schema, compiled);
  }
  return compiled;
}

/** The compile errors of every rule in a schema, at the CRD field path of each (for validating the CRD itself). */
export function ruleCompileErrors(schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const visit = (s: JSONSchemaProps, p: string) => {
    rulesOf(s).forEach((c, i) => {
      if (c.compileError) errs.push({ type: 'FieldValueInvalid', field: `${p}.x-kubernetes-validations[${i}].rule`, value: c.rule.rule, detail: `compilation failed: ${c.compileError}` });
    });
    for (const [key, sub] of Object.entries(s.properties ?? {})) visit(sub, `${p}.properties[${key}]`);
    if (s.items) visit(s.items, `${p}.items`);
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${p}.additionalProperties`);
  };
  visit(schema, path);
  return errs;
}

/** JSON as CEL sees it through the schema: objects are maps, integers are ints, numbers doubles. */
function toCel(value: unknown, schema: JSONSchemaProps | undefined): CelInput {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => toCel(item, schema?.items)) as CelInput;
  if (typeof value === 'number') {
    const asInt = Number.isInteger(value) && (schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] || (!schema?.type && Number.isInteger(value)));
    return asInt ? BigInt(value) : value;
  }
  if (typeof value === 'object') {
    const map = new Map<string, CelInput>();
    for (const [key, child] of Object.entries(value)) {
      map.set(key, toCel(child, propertySchema(schema, key)));
    }
    return map as CelInput;
  }
  return value as CelInput;
}

const reasonTypes: Record<string, FieldError['type']> = {
  FieldValueForbidden: 'FieldValueForbidden',
  FieldValueRequired: 'FieldValueRequired',
  FieldValueDuplicate: 'FieldValueDuplicate',
  FieldValueInvalid: 'FieldValueInvalid',
};

function evaluate(value: unknown, old: unknown, schema: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (value === undefined || value === null) return;
  const rules = rulesOf(schema);
  if (rules.length > 0) {
    const self = toCel(value, schema);
    const oldSelf = old === undefined ? undefined : toCel(old, schema);
    for (const c of rules) {
      if (!c.program) continue;
      if (c.usesOldSelf && oldSelf === undefined && !c.rule.optionalOldSelf) continue;
      const bindings: Record<string, CelInput> = { self };
      if (c.usesOldSelf) bindings.oldSelf = oldSelf ?? null;
      const result = c.program(bindings);
      if (result === true) continue;
      const field = c.rule.fieldPath ? `${path}${c.rule.fieldPath}` : path;
      const type = reasonTypes[c.rule.reason ?? ''] ?? 'FieldValueInvalid';
      let detail: string;
      if (cel().isCelError(result)) detail = String((result as { message?: string }).message ?? result);
      else if (c.message) {
        const text = c.message(bindings);
        detail = typeof text === 'string' && text ? text : (c.rule.message ?? `failed rule: ${c.rule.rule}`);
      } else detail = c.rule.message ?? `failed rule: ${c.rule.rule}`;
      errs.push(type === 'FieldValueRequired' || type === 'FieldValueForbidden' ? { type, field, detail } : { type, field, value: jsonType(value), detail });
    }
  }
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => evaluate(item, undefined, schema.items!, `${path}[${i}]`, errs));
    return;
  }
  if (typeof value !== 'object') return;
  const oldObj = old && typeof old === 'object' && !Array.isArray(old) ? (old as Record<string, unknown>) : undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (path === '' && key === 'metadata') continue;
    const sub = propertySchema(schema, key);
    if (sub) evaluate(child, oldObj ? ownValue(oldObj, key) : undefined, sub, path ? `${path}.${key}` : key, errs);
  }
}

/** Every failing x-kubernetes-validations rule of `obj` (with `old`, the stored object, on updates). */
export function validateRules(obj: unknown, old: unknown, schema: JSONSchemaProps): FieldError[] {
  const errs: FieldError[] = [];
  evaluate(obj, old, schema, '', errs);
  return errs;
}
