// Request bodies that must be refused with a 400, never crash the server.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../main/apiserver/errors.ts';
import { decodeBody } from '../../main/apiserver/http/body.ts';

test('a YAML body nested 5,000 deep that does not parse is a 400, not an out-of-memory crash', () => {
  const text = `a: ${'['.repeat(5000)}}}}`;
  assert.throws(() => decodeBody(Buffer.from(text), 'application/yaml'), (err: unknown) => err instanceof StatusError && err.code === 400);
});
