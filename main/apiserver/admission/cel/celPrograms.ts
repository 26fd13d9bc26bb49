// CEL for admission (webhook matchConditions, ValidatingAdmissionPolicy):
// expressions compiled once per text, evaluated against JSON objects that are
// handed to CEL as maps, with whole numbers as CEL ints (as Kubernetes'
// unstructured-to-CEL conversion sees int64 fields).

import type * as Cel from '@bufbuild/cel';
import type { CelInput } from '@bufbuild/cel';
import { cel, celEnvironment } from './celLibrary.ts';

export type CelBindings = Record<string, CelInput>;
export type CelProgram = (bindings: CelBindings) => unknown;

const cache = new Map<string, { program?: CelProgram; error?: string }>();

/** Parses and plans an expression; the error is the parser's message. */
export function compileCel(text: string): { program?: CelProgram; error?: string } {
  let compiled = cache.get(text);
  if (!compiled) {
    try {
      compiled = { program: cel().plan(celEnvironment(), cel().parse(text)) as CelProgram };
    } catch (err) {
      compiled = { error: (err as Error).message };
    }
    if (cache.size > 2000) cache.clear();
    cache.set(text, compiled);
  }
  return compiled;
}

/** Plans one node of a parsed expression (a part of a validation, to show what it evaluated to). */
export function planCelNode(node: Parameters<typeof Cel.plan>[1]): CelProgram {
  return cel().plan(celEnvironment(), node) as CelProgram;
}

/** A JSON value as CEL input: objects become maps, whole numbers ints. */
export function toCel(value: unknown): CelInput {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(toCel) as CelInput;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'object') {
    const map = new Map<string, CelInput>();
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) map.set(key, toCel(child));
    return map as CelInput;
  }
  return value as CelInput;
}

export type CelOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/** Runs a compiled expression; evaluation errors (a missing field, a bad type) come back as errors. */
export function evaluateCel(program: CelProgram, bindings: CelBindings): CelOutcome {
  try {
    const value = program(bindings);
    if (cel().isCelError(value)) return { ok: false, error: String((value as { message?: string }).message ?? value) };
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** A CEL result as a plain value: for string results of message expressions. */
export function celString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
