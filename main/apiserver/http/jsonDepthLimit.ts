// A JSON text nested deeper than Go's decoder allows, cut short before it is
// parsed. JSON.parse of a 3 MiB body of `[[[[...` builds a million nested
// arrays (some 260 MB of heap) only for the decoder's depth check to refuse
// it. The text is cut at the first bracket past the limit, that bracket is
// closed empty and so is every one still open: the value parsed from it has
// the same beginning and is refused with the same words (the bracket too deep
// and the first bytes of the body), while holding no more than the limit.

import { maxNestingDepth } from '../openapi/typedDecode.ts';

/** `text`, or its valid JSON prefix one level past maxNestingDepth when it nests deeper. */
export function cutBeyondDepthLimit(text: string, limit = maxNestingDepth): string {
  // Fewer characters than the limit cannot open more brackets than it.
  if (text.length <= limit) return text;
  const open: string[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (open.length === limit) return text.slice(0, i) + (c === 0x7b ? '{}' : '[]') + open.reverse().join('');
      open.push(c === 0x7b ? '}' : ']');
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) open.pop();
  }
  return text;
}
