// Who a write's fields belong to: the fieldManager parameter, else the
// User-Agent's product (the text before its first '/', printable characters
// only, at most 128 bytes), as kube-apiserver's managerOrUserAgent takes it;
// and the checks Kubernetes makes of a fieldManager a client names.

import type { FieldError } from '../../kube/meta.ts';
import { invalid, tooLong } from '../validation/fieldErrors.ts';

export const fieldManagerMaxLength = 128;

/** Go's unicode.IsPrint, for the characters clients send: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

// The managers of the last User-Agents seen: a cluster's writes come from a few dozen clients, and the
// character checks ran on every write.
const prefixes = new Map<string, string>();
const PREFIXES_KEPT = 256;

/** prefixFromUserAgent. */
export function prefixFromUserAgent(userAgent: string): string {
  let prefix = prefixes.get(userAgent);
  if (prefix === undefined) {
    prefix = printablePrefix(userAgent);
    if (prefixes.size >= PREFIXES_KEPT) prefixes.clear();
    prefixes.set(userAgent, prefix);
  }
  return prefix;
}

function printablePrefix(userAgent: string): string {
  let out = '';
  for (const ch of userAgent.split('/')[0]) {
    if (!isPrint(ch)) continue;
    if (Buffer.byteLength(out + ch) > fieldManagerMaxLength) break;
    out += ch;
  }
  return out;
}

/** managerOrUserAgent. */
export function managerOrUserAgent(fieldManager: string | null | undefined, userAgent: string | undefined): string {
  return fieldManager || prefixFromUserAgent(userAgent ?? '');
}

/** ValidateFieldManager: at most 128 bytes, printable characters only. */
export function validateFieldManager(fieldManager: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (Buffer.byteLength(fieldManager) > fieldManagerMaxLength) errs.push(tooLong(field, fieldManagerMaxLength));
  let position = 0;
  for (const ch of fieldManager) {
    if (!isPrint(ch)) {
      const code = ch.codePointAt(0)!;
      errs.push(invalid(field, fieldManager, `invalid character ${goRune(code, ch)} (at position ${position})`));
    }
    position += Buffer.byteLength(ch);
  }
  return errs;
}

/** Go's %#U: `U+0009` followed by the quoted character when it is printable. */
function goRune(code: number, ch: string): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return isPrint(ch) ? `${hex} '${ch}'` : hex;
}
