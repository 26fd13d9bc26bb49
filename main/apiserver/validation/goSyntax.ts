// Kubernetes prints some invalid values with Go's %#v (for example the
// selector in "spec.selector: Invalid value: v1.LabelSelector{...}: field is
// immutable"). Users search for those exact strings, so the few shapes that
// appear in messages are rendered the way Go renders them.

/** A value whose printed form is already decided: field errors print `text` as is. */
export class GoValue {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `map[string]string{"a":"b", "c":"d"}`; Go sorts map keys when printing. */
export function goStringMap(map: Record<string, string> | undefined): string {
  if (!map) return 'map[string]string(nil)';
  const entries = Object.keys(map)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(String(map[k]))}`);
  return `map[string]string{${entries.join(', ')}}`;
}

export function goStringSlice(values: string[] | undefined): string {
  if (!values) return '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** A struct literal: `pkg.Type{Field:value, ...}` with values already rendered. */
export function goStruct(type: string, fields: Array<[string, string]>): string {
  return `${type}{${fields.map(([k, v]) => `${k}:${v}`).join(', ')}}`;
}
