// The JSONPath of CRD printer columns and selectable fields, as client-go's
// jsonpath package evaluates `{<path>}` over an object: field steps
// (`.spec.cronSpec`, `['a.b']`), indexes (`[0]`, `[-1]`), wildcards (`[*]`,
// `.*`), recursive descent (`..name`) and filters
// (`[?(@.type=="Ready")]`, `[?(@.count>2)]`, `[?(@.ready)]`).

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; name: string }
  | { kind: 'filter'; path: string[]; op?: string; value?: unknown };

export class JsonPathError extends Error {}

/** Parses `.spec.replicas` (with or without the `{}` kubectl writes around it). */
export function parseJsonPath(expression: string): Step[] {
  let text = expression.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  if (text.startsWith('$')) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  const identifier = () => {
    const match = /^[A-Za-z0-9_\-/]+/.exec(text.slice(i));
    if (!match) throw new JsonPathError(`unexpected ${JSON.stringify(text.slice(i, i + 1) || 'end')} in ${expression}`);
    i += match[0].length;
    return match[0];
  };
  while (i < text.length) {
    if (text.startsWith('..', i)) {
      i += 2;
      steps.push({ kind: 'recursive', name: identifier() });
    } else if (text[i] === '.') {
      i += 1;
      if (text[i] === '*') {
        i += 1;
        steps.push({ kind: 'wildcard' });
      } else if (i < text.length && text[i] !== '[') {
        steps.push({ kind: 'field', name: identifier() });
      }
    } else if (text[i] === '[') {
      const end = text.indexOf(']', text[i + 1] === '?' ? text.indexOf(')', i) : i);
      if (end < 0) throw new JsonPathError(`unclosed [ in ${expression}`);
      steps.push(bracket(text.slice(i + 1, end).trim(), expression));
      i = end + 1;
    } else {
      steps.push({ kind: 'field', name: identifier() });
    }
  }
  return steps;
}

function bracket(inner: string, expression: string): Step {
  if (inner === '*') return { kind: 'wildcard' };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(inner);
  if (quoted) return { kind: 'field', name: quoted[1] ?? quoted[2] };
  const filter = /^\?\(@((?:\.[A-Za-z0-9_\-/]+)+)\s*(?:(==|!=|<=|>=|<|>)\s*(.+?))?\s*\)$/.exec(inner);
  if (filter) {
    const path = filter[1].slice(1).split('.');
    if (!filter[2]) return { kind: 'filter', path };
    const raw = filter[3].trim();
    const literal = /^'(.*)'$|^"(.*)"$/.exec(raw);
    const value = literal ? (literal[1] ?? literal[2]) : raw === 'true' ? true : raw === 'false' ? false : Number(raw);
    return { kind: 'filter', path, op: filter[2], value };
  }
  throw new JsonPathError(`unsupported [${inner}] in ${expression}`);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.values(value);
  return [];
}

function matches(item: unknown, step: Extract<Step, { kind: 'filter' }>): boolean {
  let current = item;
  for (const name of step.path) {
    if (!current || typeof current !== 'object') return false;
    current = (current as Record<string, unknown>)[name];
  }
  if (!step.op) return current !== undefined && current !== null && current !== false;
  const v = step.value;
  switch (step.op) {
    case '==':
      return current === v;
    case '!=':
      return current !== v;
    case '<':
      return typeof current === 'number' && current < (v as number);
    case '>':
      return typeof current === 'number' && current > (v as number);
    case '<=':
      return typeof current === 'number' && current <= (v as number);
    default:
      return typeof current === 'number' && current >= (v as number);
  }
}

/** Every value the path finds in `root`, in document order (FindResults). */
export function evaluateJsonPath(steps: Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      switch (step.kind) {
        case 'field':
          if (value && typeof value === 'object' && !Array.isArray(value) && step.name in value) next.push((value as Record<string, unknown>)[step.name]);
          break;
        case 'index':
          if (Array.isArray(value)) {
            const at = step.index < 0 ? value.length + step.index : step.index;
            if (at >= 0 && at < value.length) next.push(value[at]);
          }
          break;
        case 'wildcard':
          next.push(...children(value));
          break;
        case 'recursive': {
          const visit = (v: unknown) => {
            if (v && typeof v === 'object') {
              if (!Array.isArray(v) && step.name in v) next.push((v as Record<string, unknown>)[step.name]);
              for (const child of children(v)) visit(child);
            }
          };
          visit(value);
          break;
        }
        case 'filter':
          next.push(...children(value).filter((item) => matches(item, step)));
          break;
      }
    }
    current = next;
  }
  return current;
}
