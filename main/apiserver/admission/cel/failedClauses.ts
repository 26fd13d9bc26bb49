// Which parts of a failed validation were false, and what they compared:
// `object.spec.replicas <= 5` failing says object.spec.replicas was 7. The
// refusal's message only repeats the expression; these values are what a
// person needs to see what would pass. Conjunctions are followed down to the
// parts that were false; anything else is reported whole.

import type * as Cel from '@bufbuild/cel';
import { cel } from './celLibrary.ts';
import { evaluateCel, planCelNode, type CelBindings } from './celPrograms.ts';

type Parsed = ReturnType<typeof Cel.parse>;
type Node = Parsed['expr'];

export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface ClauseSide {
  /** As written in the expression (unparsed from CEL's tree). */
  expression: string;
  /** What it evaluated to, in CEL literal syntax (`7`, `"5"`, `["a"]`), or `error: ...`. */
  value: string;
}

export interface FailedClause {
  expression: string;
  comparison?: { operator: ComparisonOperator; left: ClauseSide; right: ClauseSide };
}

const operators: Record<string, ComparisonOperator> = { '_<_': '<', '_<=_': '<=', '_>_': '>', '_>=_': '>=', '_==_': '==', '_!=_': '!=' };
const shownLength = 200;
const shownClauses = 5;

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (cel().isCelUint(value)) return `${value.value}u`;
  if (value instanceof Uint8Array) return `b${JSON.stringify(Buffer.from(value).toString('utf8'))}`;
  if (cel().isCelList(value)) return `[${[...value].map(literal).join(', ')}]`;
  if (cel().isCelMap(value)) return `{${[...value.entries()].map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(', ')}}`;
  return String(value);
}

function shown(text: string): string {
  return text.length > shownLength ? `${text.slice(0, shownLength - 1)}…` : text;
}

export function failedClauses(text: string, bindings: CelBindings): FailedClause[] {
  let parsed: Parsed;
  try {
    parsed = cel().parse(text.trim());
  } catch {
    return [];
  }
  const source = (node: Node) => cel().unparse({ expr: node, sourceInfo: parsed.sourceInfo } as Parsed);
  const evaluate = (node: Node) => {
    try {
      return evaluateCel(planCelNode(node), bindings);
    } catch (err) {
      return { ok: false as const, error: (err as Error).message };
    }
  };
  const side = (node: Node): ClauseSide => {
    const outcome = evaluate(node);
    return { expression: source(node), value: shown(outcome.ok && !cel().isCelError(outcome.value) ? literal(outcome.value) : `error: ${outcome.ok ? String(outcome.value) : outcome.error}`) };
  };
  const visit = (node: Node): FailedClause[] => {
    const outcome = evaluate(node);
    if (!outcome.ok || outcome.value !== false) return [];
    const call = node.exprKind.case === 'callExpr' ? node.exprKind.value : undefined;
    if (call?.function === '_&&_') {
      const parts = call.args.flatMap(visit);
      if (parts.length > 0) return parts;
    }
    const operator = call && !call.target && call.args.length === 2 ? operators[call.function] : undefined;
    if (operator) return [{ expression: source(node), comparison: { operator, left: side(call!.args[0]!), right: side(call!.args[1]!) } }];
    return [{ expression: source(node) }];
  };
  return visit(parsed.expr).slice(0, shownClauses);
}
