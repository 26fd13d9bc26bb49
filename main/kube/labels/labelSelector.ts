// Label selectors as apimachinery's labels package parses, prints and
// matches them: `app=web,tier!=db,env in (a,b),!canary,has,replicas>2`.
// Parse errors carry Kubernetes' wording ("unable to parse requirement: ...").

import type { FieldError } from '../meta.ts';
import { invalid, notSupported } from '../../apiserver/validation/fieldErrors.ts';
import { fieldErrorMessage } from '../../apiserver/validation/fieldErrors.ts';
import { isQualifiedName, isValidLabelValue } from '../../apiserver/validation/names.ts';

export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: SelectorOperator;
  /** Sorted and de-duplicated, as sets.String keeps them. */
  values: string[];
}

/** An empty list selects everything. */
export type LabelSelectorRequirements = LabelRequirement[];

export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorParseError';
  }
}

const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

type Token = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

const symbols: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', '<': '<', '!=': '!=', '(': '(' };
const keywords: Record<string, Token> = { in: 'in', notin: 'notin' };
const specialChars = new Set(['=', '!', '(', ')', ',', '>', '<']);

interface Scanned {
  tok: Token;
  lit: string;
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function lex(input: string): Scanned[] {
  const out: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos])) pos++;
    if (pos >= input.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    const ch = input[pos];
    if (specialChars.has(ch)) {
      // The longest run of special characters that still names a symbol: "!=" before "!".
      let buffer = '';
      let last: Scanned | undefined;
      while (pos < input.length && specialChars.has(input[pos])) {
        buffer += input[pos];
        if (symbols[buffer]) {
          last = { tok: symbols[buffer], lit: buffer };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      if (!last) {
        out.push({ tok: 'eos', lit: '' });
        return out;
      }
      continue;
    }
    let word = '';
    while (pos < input.length && !isWhitespace(input[pos]) && !specialChars.has(input[pos])) word += input[pos++];
    out.push({ tok: keywords[word] ?? 'identifier', lit: word });
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly items: Scanned[]) {}

  // In the Values context the keywords `in` and `notin` are plain identifiers.
  private asValue(s: Scanned): Scanned {
    return s.tok === 'in' || s.tok === 'notin' ? { tok: 'identifier', lit: s.lit } : s;
  }

  lookahead(values = true): Scanned {
    const s = this.items[Math.min(this.pos, this.items.length - 1)];
    return values ? this.asValue(s) : s;
  }

  consume(values = true): Scanned {
    const s = this.lookahead(values);
    if (this.pos < this.items.length - 1) this.pos++;
    return s;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead();
      if (tok === 'identifier' || tok === '!') {
        let r: LabelRequirement;
        try {
          r = this.parseRequirement();
        } catch (err) {
          throw new SelectorParseError(`unable to parse requirement: ${(err as Error).message}`);
        }
        requirements.push(r);
        const next = this.consume();
        if (next.tok === 'eos') return requirements;
        if (next.tok === ',') {
          const after = this.lookahead();
          if (after.tok !== 'identifier' && after.tok !== '!') throw new SelectorParseError(`found '${after.lit}', expected: identifier after ','`);
          continue;
        }
        throw new SelectorParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      }
      if (tok === 'eos') return requirements;
      throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  private parseRequirement(): LabelRequirement {
    let operator: SelectorOperator | undefined;
    let { tok, lit } = this.consume();
    if (tok === '!') {
      operator = '!';
      ({ tok, lit } = this.consume());
    }
    if (tok !== 'identifier') throw new Error(`found '${lit}', expected: identifier`);
    const key = lit;
    const keyErrors = isQualifiedName(key);
    if (keyErrors.length > 0) throw new Error(fieldErrorMessage(invalid('<nil>', key, keyErrors.join('; '))));
    const next = this.lookahead();
    if (operator === '!' || next.tok === 'eos' || next.tok === ',') return newRequirement(key, operator ?? 'exists', []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, values);
  }

  private parseOperator(): SelectorOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case 'in':
        return 'in';
      case 'notin':
        return 'notin';
      case '=':
        return '=';
      case '==':
        return '==';
      case '!=':
        return '!=';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new Error(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume();
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead();
    if (tok === ')') {
      this.consume();
      return [''];
    }
    if (tok !== 'identifier' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume().tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume();
      if (tok === 'identifier') {
        values.add(lit);
        const next = this.lookahead();
        if (next.tok === ',') continue;
        if (next.tok === ')') return [...values];
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === ',') {
        // "(,", ",," and ",)" each stand for an empty value.
        if (values.size === 0) values.add('');
        const next = this.lookahead();
        if (next.tok === ')') {
          values.add('');
          return [...values];
        }
        if (next.tok === ',') {
          this.consume();
          values.add('');
        }
        continue;
      }
      throw new Error(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead();
    if (next.tok === 'eos' || next.tok === ',') return [''];
    const { tok, lit } = this.consume();
    if (tok === 'identifier') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

const validOperators: SelectorOperator[] = ['in', 'notin', '=', '==', '!=', 'exists', '!', 'gt', 'lt'];

/** labels.NewRequirement: the key, the operator's arity and every value are checked. */
export function newRequirement(key: string, operator: SelectorOperator, values: string[]): LabelRequirement {
  const errs: FieldError[] = [];
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) errs.push(invalid('key', key, keyErrors.join('; ')));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(notSupported('operator', operator, validOperators));
  }
  values.forEach((v, i) => {
    const valueErrors = isValidLabelValue(v);
    if (valueErrors.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, valueErrors.join('; ')));
  });
  if (errs.length > 0) {
    const messages = [...new Set(errs.map(fieldErrorMessage))];
    throw new SelectorParseError(messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`);
  }
  return { key, operator, values: [...new Set(values)].sort() };
}

/** labels.Parse. Throws SelectorParseError with Kubernetes' message. */
export function parseLabelSelector(selector: string): LabelSelectorRequirements {
  const requirements = new Parser(lex(selector)).parse();
  return sortByKey(requirements);
}

export function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  return [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? String(labels[r.key]) : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(value!) || r.values.length !== 1) return false;
      const actual = BigInt(value!);
      const bound = BigInt(r.values[0]);
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

export function labelsMatch(requirements: LabelSelectorRequirements, labels: Record<string, string> | undefined): boolean {
  return requirements.every((r) => requirementMatches(r, labels ?? {}));
}

export function requirementToString(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${r.values.join(',')})`;
    case 'notin':
      return `${r.key} notin (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** Selector.String(): requirements sorted by key, comma-joined; "" selects everything. */
export function labelSelectorToString(requirements: LabelSelectorRequirements): string {
  return sortByKey(requirements).map(requirementToString).join(',');
}

/** labels.FormatLabels: `a=b,c=d` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}
