// The literal text of long numbers in a JSON body. JSON.parse keeps a number
// as a double, so 9223372036854775808 and 9223372036854775807 both come out
// as 2^63; Go's decoder reports the literal it read ("cannot unmarshal number
// 9223372036854775808 into ... int32"). The body's long literals are kept
// beside the parsed value, by value, for error messages that quote them.

const literals = new WeakMap<object, Map<number, string>>();

/** Remembers the literals of `text` (the body `root` was parsed from) that the parsed doubles do not spell back. */
export function rememberNumberLiterals(root: unknown, text: string): void {
  if (root === null || typeof root !== 'object' || !/\d{16}/.test(text)) return;
  // A value written two ways in one body is ambiguous: it is not remembered.
  const found = new Map<number, string | null>();
  // Strings are matched whole so that digits inside them are passed over.
  for (const match of text.matchAll(/"(?:[^"\\]|\\.)*"|(-?\d{16,}(?:\.\d+)?(?:[eE][+-]?\d+)?)/g)) {
    const literal = match[1];
    if (!literal) continue;
    const value = Number(literal);
    const spelled = String(value) === literal ? null : literal;
    found.set(value, found.has(value) && found.get(value) !== spelled ? null : spelled);
  }
  const kept = new Map([...found].filter((entry): entry is [number, string] => entry[1] !== null));
  if (kept.size > 0) literals.set(root, kept);
}

/** The literal a number of the body `root` was written as, when it differs from how JavaScript writes it. */
export function numberLiteral(root: unknown, value: number): string | undefined {
  return root !== null && typeof root === 'object' ? literals.get(root)?.get(value) : undefined;
}
