// YAML text for plain data (objects, arrays, strings, numbers, booleans,
// null), block style, as the kubeconfigs PodLab writes need it. Writing a
// cluster's kubeconfig at every start loaded the yaml package for that alone
// (a tenth of a second, on the event loop, as the API began to answer). A
// string that could read as anything else (a number, a boolean, null, a key,
// a comment) is written as a JSON string, which is a YAML double-quoted
// scalar; so is a key that is not a plain word.

const plainString = /^[A-Za-z_/][A-Za-z0-9_./:@+=-]*$/;
// YAML 1.1 (go-yaml, which kubectl reads with) takes these as booleans or null.
const reserved = /^(y|yes|n|no|true|false|on|off|null)$/i;

function scalar(value: unknown): string {
  if (typeof value === 'string') return plainString.test(value) && !reserved.test(value) && !value.endsWith(':') ? value : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (typeof value === 'boolean') return String(value);
  return 'null';
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const key = (name: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) && !reserved.test(name) ? name : JSON.stringify(name));

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return ['[]'];
    return value.flatMap((item) => {
      const [first = '', ...rest] = block(item, `${indent}  `);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  if (isMap(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return ['{}'];
    return entries.flatMap(([name, v]) => {
      const nested = (Array.isArray(v) && v.length > 0) || (isMap(v) && Object.keys(v).length > 0);
      return nested ? [`${indent}${key(name)}:`, ...block(v, Array.isArray(v) ? indent : `${indent}  `)] : [`${indent}${key(name)}: ${lines(v, '')[0]}`];
    });
  }
  return [scalar(value)];
}

/** A value's lines at `indent`: a scalar or an empty collection stays on one line. */
function block(value: unknown, indent: string): string[] {
  const out = lines(value, indent);
  return out.length === 1 && !isMap(value) && !Array.isArray(value) ? [`${indent}${out[0]}`] : out;
}

/** The YAML text of `value` (a map at the top), ending in a newline. */
export function plainYaml(value: object): string {
  return `${lines(value, '').join('\n')}\n`;
}
