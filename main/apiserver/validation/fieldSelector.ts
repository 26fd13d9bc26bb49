// Field selectors as apimachinery's fields package parses them:
// comma-joined `field=value`, `field==value`, `field!=value` terms, with
// `\` escaping `\`, `,` and `=` inside values.

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export class FieldSelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorParseError';
  }
}

function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    if (escaped) escaped = false;
    else if (selector[i] === '\\') escaped = true;
    else if (selector[i] === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

// At each position the operators are tried longest first, so `a!=b` is not read as `a!` `=` `b`.
function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i);
    for (const op of ['!=', '==', '=']) if (rest.startsWith(op)) return [term.slice(0, i), op, term.slice(i + op.length)];
  }
  return undefined;
}

function unescapeValue(value: string): string {
  if (!value.includes('\\') && !value.includes('=') && !value.includes(',')) return value;
  let out = '';
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') throw new FieldSelectorParseError(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === ',' || ch === '=') {
      throw new FieldSelectorParseError(`invalid field selector: unescaped character in value: ${ch}`);
    } else {
      out += ch;
    }
  }
  if (escaped) throw new FieldSelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.ParseSelector. Terms come back sorted, as Kubernetes sorts them. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(selector).sort()) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw new FieldSelectorParseError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [field, op, value] = parts;
    requirements.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeValue(value) });
  }
  return requirements;
}

/** Fields an object does not have compare as "" (so `spec.nodeName=` selects unscheduled pods). */
export function fieldsMatch(requirements: FieldRequirement[], fields: Record<string, string | undefined>): boolean {
  return requirements.every((r) => fieldMatches(r, fields[r.field]));
}

/** One requirement against its field's value (a missing field reads as ""). */
export function fieldMatches(requirement: FieldRequirement, value: string | undefined): boolean {
  return ((value ?? '') === requirement.value) === (requirement.operator === '=');
}

/** The message kube-apiserver answers (400) when a selector names a field the kind does not index. */
export function unsupportedFieldLabel(requirements: FieldRequirement[], supported: Iterable<string>): string | undefined {
  const known = new Set(supported);
  const unknown = requirements.find((r) => !known.has(r.field));
  return unknown ? `field label not supported: ${unknown.field}` : undefined;
}
