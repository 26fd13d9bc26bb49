// OpenTelemetry ids: a trace id is 16 random bytes (32 hex digits), a span id
// 8 (16 hex digits). Bytes come from one pool filled at a time: a pod's
// journey has dozens of spans, and asking the OS for 8 bytes each time costs
// more than the span itself.

import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  // All zeros is the invalid id in OpenTelemetry; 2^-64 odds, but cheap to rule out.
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  return randomHex(8);
}
