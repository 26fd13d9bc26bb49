// client-go's JSONPath templates (k8s.io/client-go/util/jsonpath), which
// kube-apiserver evaluates for CRD printer columns (`{` + jsonPath + `}`) and
// selectable fields, and kubectl for `-o jsonpath`. The grammar and the
// evaluation follow client-go's, quirks included, because users compare what
// a column shows with what `kubectl get -o jsonpath` prints:
// - `['a.b']` is the field path `.a.b` (two steps); a dot inside a key is
//   escaped instead: `.metadata.labels.app\.kubernetes\.io/name`;
// - an index out of range, a filter on something that is not a list, or a
//   comparison of an integer with a float or a string is an error, not an
//   empty result (a printer column then shows nothing);
// - numbers keep Go's kinds: an integer literal only equals an integer.

export class JsonPathError extends Error {}

interface ListNode {
  type: 'list';
  nodes: Node[];
}
interface SliceParam {
  known: boolean;
  value: number;
  derived: boolean;
}
type Node =
  | ListNode
  | { type: 'text'; text: string }
  | { type: 'field'; name: string }
  | { type: 'array'; params: [SliceParam, SliceParam, SliceParam] }
  | { type: 'filter'; left: ListNode; right: ListNode; operator: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: GoFloat }
  | { type: 'bool'; value: boolean }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; nodes: ListNode[] }
  | { type: 'identifier'; name: string };

/** A float64 that is a whole number (a `3.0` literal): Go keeps it apart from the integer 3. */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** A parsed template: its text and its root nodes. */
export interface JsonPathTemplate {
  text: string;
  root: ListNode;
}

const list = (): ListNode => ({ type: 'list', nodes: [] });
const isSpace = (c: string) => c === ' ' || c === '\t';
const isEndOfLine = (c: string) => c === '\r' || c === '\n';
const isAlphaNumeric = (c: string) => c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);
const isDigit = (c: string) => /^\p{Nd}$/u.test(c);
const eof = '';

function isTerminator(c: string): boolean {
  return c === eof || isSpace(c) || isEndOfLine(c) || '.,[]$@{}'.includes(c);
}

/** Go's strconv.Atoi: an optional sign and decimal digits only. */
function atoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** The Go escapes strconv.UnquoteChar knows. */
function unquote(quoted: string): string {
  const quote = quoted[0];
  const body = quoted.slice(1, -1);
  if (quoted.length < 2 || quote !== quoted.at(-1) || (quote !== '"' && quote !== "'")) throw new JsonPathError(`unquote string ${quoted} error invalid syntax`);
  if (!body.includes('\\') && !body.includes(quote)) return body;
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === quote) throw new JsonPathError(`unquote string ${quoted} error invalid syntax`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    // \' is an escape only inside '...', \" only inside "..."
    if (e === "'" || e === '"') {
      if (e !== quote) throw new JsonPathError(`unquote string ${quoted} error invalid syntax`);
      out += e;
      continue;
    }
    if (e !== undefined && e in simple) {
      out += simple[e];
      continue;
    }
    const hex = { x: 2, u: 4, U: 8 }[e as 'x' | 'u' | 'U'];
    const digits = hex ? body.slice(i + 1, i + 1 + hex) : '';
    if (hex && /^[0-9a-fA-F]+$/.test(digits) && digits.length === hex) {
      out += String.fromCodePoint(parseInt(digits, 16));
      i += hex;
      continue;
    }
    throw new JsonPathError(`unquote string ${quoted} error invalid syntax`);
  }
  return out;
}

/** client-go's Parser: text outside `{}` is printed as is, actions inside are paths. */
class Parser {
  private pos = 0;
  private start = 0;
  private width = 0;
  readonly root = list();

  constructor(private readonly input: string) {}

  parse(): ListNode {
    this.parseText(this.root);
    return this.root;
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return eof;
    }
    const c = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.width = c.length;
    this.pos += this.width;
    return c;
  }

  private peek(): string {
    const c = this.next();
    this.pos -= this.width;
    return c;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private consumeText(): string {
    const value = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return value;
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.input.startsWith('{', this.pos)) {
        if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
        this.pos += 1;
        this.consumeText();
        const action = list();
        cur.nodes.push(action);
        return this.parseInsideAction(action);
      }
      if (this.next() === eof) break;
    }
    if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
  }

  private parseInsideAction(cur: ListNode): void {
    for (;;) {
      if (this.input.startsWith('}', this.pos)) {
        this.pos += 1;
        this.consumeText();
        return this.parseText(this.root);
      }
      if (this.input.startsWith('[?(', this.pos)) return this.parseFilter(cur);
      if (this.input.startsWith('..', this.pos)) return this.parseRecursive(cur);
      const c = this.next();
      if (c === eof || isEndOfLine(c)) throw new JsonPathError('unclosed action');
      if (c === ' ' || c === '@' || c === '$') {
        this.consumeText();
        continue;
      }
      if (c === '[') return this.parseArray(cur);
      if (c === '"' || c === "'") return this.parseQuote(cur, c);
      if (c === '.') return this.parseField(cur);
      if (c === '+' || c === '-' || isDigit(c)) {
        this.backup();
        return this.parseNumber(cur);
      }
      if (isAlphaNumeric(c)) {
        this.backup();
        return this.parseIdentifier(cur);
      }
      const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      throw new JsonPathError(`unrecognized character in action: U+${code} '${c}'`);
    }
  }

  private parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.next()));
    this.backup();
    const value = this.consumeText();
    cur.nodes.push(value === 'true' || value === 'false' ? { type: 'bool', value: value === 'true' } : { type: 'identifier', name: value });
    this.parseInsideAction(cur);
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes.at(-1)?.type === 'recursive') throw new JsonPathError('invalid multiple recursive descent');
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ type: 'recursive' });
    if (isAlphaNumeric(this.peek())) return this.parseField(cur);
    this.parseInsideAction(cur);
  }

  private parseNumber(cur: ListNode): void {
    const sign = this.peek();
    if (sign === '+' || sign === '-') this.next();
    for (;;) {
      const c = this.next();
      if (c !== '.' && !isDigit(c)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    const asInt = atoi(value);
    if (asInt !== undefined) cur.nodes.push({ type: 'int', value: asInt });
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.nodes.push({ type: 'float', value: new GoFloat(Number(value)) });
    else throw new JsonPathError(`cannot parse number ${value}`);
    this.parseInsideAction(cur);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const c = this.next();
      if (c === eof || c === '\n') throw new JsonPathError('unterminated array');
      if (c === ']') break;
    }
    let text = this.consumeText().slice(1, -1);
    if (text === '*') text = ':';
    const alternatives = text.split(',');
    if (alternatives.length > 1) {
      cur.nodes.push({ type: 'union', nodes: alternatives.map((alt) => parseAction(`[${alt.trim()}]`)) });
      return this.parseInsideAction(cur);
    }
    const key = /^'([^']*)'$/.exec(text);
    if (key) {
      // client-go reads ['a.b'] as the path .a.b
      cur.nodes.push(...parseAction(`.${key[1]}`).nodes);
      return this.parseInsideAction(cur);
    }
    const slice = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!slice) throw new JsonPathError(`invalid array index ${text}`);
    const parts = [slice[1] ?? '', slice[2] ?? '', slice[3] ?? ''];
    const params: SliceParam[] = [];
    for (let i = 0; i < 3; i++) {
      let part = parts[i];
      if (part !== '') {
        if (i > 0) part = part.slice(1);
        if (i > 0 && part === '') params.push({ known: false, value: 0, derived: false });
        else {
          const value = atoi(part);
          if (value === undefined) throw new JsonPathError(`array index ${part} is not a number`);
          params.push({ known: true, value, derived: false });
        }
      } else if (i === 1) params.push({ known: true, value: params[0].value + 1, derived: true });
      else params.push({ known: false, value: 0, derived: false });
    }
    cur.nodes.push({ type: 'array', params: params as [SliceParam, SliceParam, SliceParam] });
    this.parseInsideAction(cur);
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const c = this.next();
      if (c === eof || c === '\n') throw new JsonPathError('unterminated filter');
      if (c === '"' || c === "'") {
        if (!begin) {
          begin = true;
          pair = c;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && c === pair) end = true;
      } else if (c === ')' && begin === end) break;
    }
    if (this.next() !== ']') throw new JsonPathError('unclosed array expect ]');
    const text = this.consumeText().slice(0, -2);
    const comparison = /^([^!<>=]+)([!<>=]+)(.+?)$/s.exec(text);
    if (!comparison) cur.nodes.push({ type: 'filter', left: parseAction(text), right: list(), operator: 'exists' });
    else cur.nodes.push({ type: 'filter', left: parseAction(comparison[1]), right: parseAction(comparison[3]), operator: comparison[2] });
    this.parseInsideAction(cur);
  }

  private parseQuote(cur: ListNode, quote: string): void {
    for (;;) {
      const c = this.next();
      if (c === eof || c === '\n') throw new JsonPathError('unterminated quoted string');
      if (c === quote && this.input[this.pos - 2] !== '\\') break;
    }
    cur.nodes.push({ type: 'text', text: unquote(this.consumeText()) });
    this.parseInsideAction(cur);
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    for (;;) {
      const c = this.next();
      if (c === '\\') this.next();
      else if (isTerminator(c)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    cur.nodes.push(value === '*' ? { type: 'wildcard' } : { type: 'field', name: value.replaceAll('\\', '') });
    this.parseInsideAction(cur);
  }
}

/** parseAction: the text of one action, as the list its `{}` holds. */
function parseAction(text: string): ListNode {
  const root = new Parser(`{${text}}`).parse();
  return root.nodes[0] as ListNode;
}

/** Parses a template: `{.spec.replicas}`, `replicas: {.spec.replicas}`. */
export function parseJsonPathTemplate(text: string): JsonPathTemplate {
  return { text, root: new Parser(text).parse() };
}

// --- evaluation ---

type Value = unknown;
type GoKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function kindOf(v: Value): GoKind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof GoFloat) return 'float';
  return 'invalid';
}

function numeric(v: Value): number {
  return v instanceof GoFloat ? v.value : (v as number);
}

/** The Go type name client-go's messages print (`map[string]interface {} is not array or slice`). */
function goTypeName(v: Value): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoFloat) return 'float64';
  if (v !== null && typeof v === 'object') return 'map[string]interface {}';
  return { bool: 'bool', int: 'int64', float: 'float64', string: 'string', invalid: 'interface {}' }[kindOf(v)];
}

function compare(operator: string, left: Value, right: Value): boolean {
  const k1 = kindOf(left);
  const k2 = kindOf(right);
  if (k1 === 'invalid' || k2 === 'invalid') throw new JsonPathError('invalid type for comparison');
  if (k1 !== k2) throw new JsonPathError('incompatible types for comparison');
  const equal = () => (k1 === 'int' || k1 === 'float' ? numeric(left) === numeric(right) : left === right);
  const less = () => {
    if (k1 === 'bool') throw new JsonPathError('invalid type for comparison');
    return k1 === 'string' ? (left as string) < (right as string) : numeric(left) < numeric(right);
  };
  switch (operator) {
    case '==':
      return equal();
    case '!=':
      return !equal();
    case '<':
      return less();
    case '<=':
      return less() || equal();
    case '>':
      return !(less() || equal());
    case '>=':
      return !less();
    default:
      throw new JsonPathError(`unrecognized filter operator ${operator}`);
  }
}

/** What one value holds, in the order client-go visits it (strings are their UTF-8 bytes). */
function contents(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')];
  if (v !== null && typeof v === 'object' && !(v instanceof GoFloat)) return Object.values(v);
  return [];
}

const isMap = (v: Value): v is Record<string, Value> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof GoFloat);

interface EvalOptions {
  allowMissingKeys: boolean;
}

function walk(input: Value[], node: Node, opts: EvalOptions): Value[] {
  switch (node.type) {
    case 'list':
      return node.nodes.reduce<Value[]>((values, child) => walk(values, child, opts), input);
    case 'text':
      return [node.text];
    case 'field': {
      const results: Value[] = [];
      for (const value of input) {
        // A null (nil interface) is skipped; a key whose value is null is found.
        if (isMap(value) && Object.hasOwn(value, node.name)) results.push(value[node.name]);
      }
      if (results.length === 0 && input.length > 0 && !opts.allowMissingKeys) throw new JsonPathError(`${node.name} is not found`);
      return results;
    }
    case 'array':
      return evalArray(input, node.params);
    case 'filter':
      return evalFilter(input, node, opts);
    case 'int':
    case 'float':
    case 'bool':
      return input.map(() => node.value);
    case 'wildcard':
      return input.flatMap((v) => (v === null || v === undefined ? [] : contents(v)));
    case 'recursive':
      return evalRecursive(input);
    case 'union':
      return node.nodes.flatMap((alt) => walk(input, alt, opts));
    case 'identifier':
      throw new JsonPathError(`unrecognized identifier ${node.name}`);
  }
}

function evalArray(input: Value[], nodeParams: [SliceParam, SliceParam, SliceParam]): Value[] {
  const result: Value[] = [];
  for (const value of input) {
    if (value === null || value === undefined) continue;
    if (!Array.isArray(value)) throw new JsonPathError(`${goTypeName(value)} is not array or slice`);
    const [p0, p1, p2] = nodeParams.map((p) => ({ ...p }));
    const length = value.length;
    if (!p0.known) p0.value = 0;
    if (p0.value < 0) p0.value += length;
    if (!p1.known) p1.value = length;
    if (p1.value < 0 || (p1.value === 0 && p1.derived)) p1.value += length;
    if (p1.value === p0.value) return result;
    if (p0.value >= length || p0.value < 0) throw new JsonPathError(`array index out of bounds: index ${p0.value}, length ${length}`);
    if (p1.value > length || p1.value < 0) throw new JsonPathError(`array index out of bounds: index ${p1.value - 1}, length ${length}`);
    if (p0.value > p1.value) throw new JsonPathError(`starting index ${p0.value} is greater than ending index ${p1.value}`);
    let step = 1;
    if (p2.known) {
      if (p2.value <= 0) throw new JsonPathError('step must be > 0');
      step = p2.value;
    }
    const slice = value.slice(p0.value, p1.value);
    for (let i = 0; i < slice.length; i += step) result.push(slice[i]);
  }
  return result;
}

function evalFilter(input: Value[], node: Extract<Node, { type: 'filter' }>, opts: EvalOptions): Value[] {
  const results: Value[] = [];
  for (const value of input) {
    if (!Array.isArray(value)) throw new JsonPathError(`${value === null ? '<nil>' : goTypeName(value)} is not array or slice and cannot be filtered`);
    for (const item of value) {
      if (node.operator === 'exists') {
        let lefts: Value[] = [];
        try {
          lefts = walk([item], node.left, opts);
        } catch {
          // an error while looking means "does not exist"
        }
        if (lefts.length > 0) results.push(item);
        continue;
      }
      const lefts = walk([item], node.left, opts);
      if (lefts.length === 0) continue;
      if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
      const rights = walk([item], node.right, opts);
      if (rights.length === 0) continue;
      if (rights.length > 1) throw new JsonPathError('can only compare one element at a time');
      if (compare(node.operator, lefts[0], rights[0])) results.push(item);
    }
  }
  return results;
}

function evalRecursive(input: Value[]): Value[] {
  const result: Value[] = [];
  for (const value of input) {
    if (value === null || value === undefined) continue;
    const children = contents(value);
    if (children.length > 0) {
      result.push(value);
      result.push(...evalRecursive(children));
    }
  }
  return result;
}

/** FindResults: for each node of the template, the values it gives; range/end blocks repeat their body per item. */
export function findJsonPathResults(template: JsonPathTemplate, data: unknown, options: Partial<EvalOptions> = {}): unknown[][] {
  const opts: EvalOptions = { allowMissingKeys: options.allowMissingKeys ?? false };
  return runNodes(template.root.nodes, [data], opts);
}

function keyword(node: Node): string | undefined {
  if (node.type !== 'list') return undefined;
  const first = node.nodes[0];
  return first?.type === 'identifier' && (first.name === 'range' || first.name === 'end') ? first.name : undefined;
}

function runNodes(nodes: Node[], cur: Value[], opts: EvalOptions): Value[][] {
  const full: Value[][] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const word = keyword(node);
    if (word === 'end') throw new JsonPathError('not in range, nothing to end');
    if (word === 'range') {
      const body = blockBody(nodes, i + 1);
      const items = walk(cur, { type: 'list', nodes: (node as ListNode).nodes.slice(1) }, opts);
      for (const item of items) full.push(...runNodes(body.nodes, [item], opts));
      i = body.end;
      continue;
    }
    full.push(walk(cur, node, opts));
  }
  return full;
}

/** The nodes between a range and its matching end (nested ranges included). */
function blockBody(nodes: Node[], from: number): { nodes: Node[]; end: number } {
  let depth = 0;
  for (let i = from; i < nodes.length; i++) {
    const word = keyword(nodes[i]);
    if (word === 'range') depth++;
    if (word === 'end') {
      if (depth === 0) return { nodes: nodes.slice(from, i), end: i };
      depth--;
    }
  }
  return { nodes: nodes.slice(from), end: nodes.length };
}

// --- printing ---

/** Go's fmt %v of a float64 (strconv 'g', shortest): exponent form below 1e-4 and from 1e6 (`1.5e+06`). */
export function goFormatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, exponentText] = v.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(v);
}

/** Go's encoding/json: map keys sorted, <, > and & escaped as HTML-safe \u sequences. */
export function goJsonMarshal(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (v instanceof GoFloat) return v.value;
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sorted(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** evalToText / PrintResults for one value: maps and lists as JSON, scalars as fmt.Fprint prints them, null as `null`. */
export function jsonPathText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof GoFloat) return goFormatFloat(value.value);
  if (typeof value === 'object') return goJsonMarshal(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : goFormatFloat(value);
  return String(value);
}

/** Execute: every node's results printed, the results of one node separated by spaces (`kubectl get -o jsonpath=...`). */
export function executeJsonPath(template: JsonPathTemplate, data: unknown, options: Partial<EvalOptions> = {}): string {
  return findJsonPathResults(template, data, options)
    .map((values) => values.map(jsonPathText).join(' '))
    .join('');
}
