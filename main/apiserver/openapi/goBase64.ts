// Go's base64.StdEncoding.Decode, for the error it gives: a []byte field
// (`format: byte`, Secret data) decodes its JSON string that way, and a bad
// one fails the request with `illegal base64 data at input byte N`. Padding
// is required, newlines are skipped, and N is where Go's decoder gave up.

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const valid = new Set([...alphabet].map((c) => c.charCodeAt(0)));
const pad = '='.charCodeAt(0);
const isNewline = (b: number) => b === 0x0a || b === 0x0d;

/** The byte offset Go reports for `text` (as UTF-8), or undefined when it decodes. */
export function base64ErrorOffset(text: string): number | undefined {
  const src = Buffer.from(text, 'utf8');
  let si = 0;
  while (si < src.length) {
    const result = decodeQuantum(src, si);
    if (result.error !== undefined) return result.error;
    if (result.next === si) break;
    si = result.next;
  }
  return undefined;
}

export function base64Error(text: string): string | undefined {
  const offset = base64ErrorOffset(text);
  return offset === undefined ? undefined : `illegal base64 data at input byte ${offset}`;
}

/** One four-character quantum from `si`: where the next starts, or the error offset. */
function decodeQuantum(src: Buffer, start: number): { next: number; error?: number } {
  let si = start;
  for (let j = 0; j < 4; j++) {
    if (si === src.length) {
      if (j === 0) return { next: si };
      return { next: si, error: si - j };
    }
    const c = src[si++];
    if (valid.has(c)) continue;
    if (isNewline(c)) {
      j--;
      continue;
    }
    if (c !== pad) return { next: si, error: si - 1 };
    // Padding: the quantum ends here.
    if (j === 0 || j === 1) return { next: si, error: si - 1 };
    if (j === 2) {
      while (si < src.length && isNewline(src[si])) si++;
      if (si === src.length) return { next: si, error: src.length };
      if (src[si] !== pad) return { next: si, error: si - 1 };
      si++;
    }
    while (si < src.length && isNewline(src[si])) si++;
    if (si < src.length) return { next: si, error: si };
    return { next: si };
  }
  return { next: si };
}
