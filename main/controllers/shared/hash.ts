// The pod-template-hash (Deployments) and controller-revision-hash
// (StatefulSets). Kubernetes hashes the Go struct's spew dump with FNV-1a
// (controller.ComputeHash); a Go dump cannot be reproduced from JSON, so PodLab
// hashes a canonical JSON form of the template instead: keys sorted, empty
// values (null, {}, []) dropped, so the same template always gives the same
// hash whatever order its fields came in. Everything around it is as in
// Kubernetes: 32-bit FNV-1a, the collision count appended as 8 little-endian
// bytes, and the decimal result encoded with rand.SafeEncodeString's alphabet,
// so names look the same (`web-7d4b9c8f5`).

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, seed = fnvOffset): number {
  let hash = seed;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, fnvPrime) >>> 0;
  }
  return hash >>> 0;
}

/** rand.SafeEncodeString: each character mapped into an alphabet without vowels or look-alikes. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += safeAlphabet[ch.codePointAt(0)! % safeAlphabet.length];
  return out;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).every((k) => isEmpty((value as Record<string, unknown>)[k]));
}

/** JSON with sorted keys and without empty values. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => !isEmpty(obj[k]))
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** controller.ComputeHash over PodLab's canonical form of `template`. */
export function computeHash(template: unknown, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}
