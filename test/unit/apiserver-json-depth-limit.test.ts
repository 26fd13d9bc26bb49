// A JSON body nested past Go's depth limit is cut before JSON.parse, and is
// still refused with the words of the whole body.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutBeyondDepthLimit } from '../../main/apiserver/http/jsonDepthLimit.ts';
import { bodyDecodeError, nestingDepthError } from '../../main/apiserver/openapi/typedDecode.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';

const configMap = (data: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${data}}`;

test('text within the limit is parsed as it is, brackets in strings and escaped quotes not counted', () => {
  const text = configMap(`{"k":"${'[{'.repeat(20000)}\\"]}"}`);
  assert.equal(cutBeyondDepthLimit(text), text);
  const shallow = configMap('[[1,2],{"a":[]}]');
  assert.equal(cutBeyondDepthLimit(shallow), shallow);
});

test('a body a million levels deep is cut one level past the limit, and refused with the same words as parsed whole', () => {
  for (const [open, close] of [['[', ']'], ['{"a":', '}']] as const) {
    const deep = configMap(open.repeat(1_000_000) + '1' + close.repeat(1_000_000));
    const cut = cutBeyondDepthLimit(deep);
    assert.ok(cut.length < 80_000, `cut to ${cut.length} characters`);
    const value = JSON.parse(cut);
    const lookup = createSchemaServices().lookup;
    const gvk = { group: '', version: 'v1', kind: 'ConfigMap' };
    const expected = bodyDecodeError(JSON.parse(configMap(open.repeat(10_001) + '1' + close.repeat(10_001))), gvk, lookup);
    assert.match(expected!, /exceeded max depth \(\{"apiVersion":"v1","kind":"Con \.\.\.\)$/);
    assert.equal(bodyDecodeError(value, gvk, lookup), expected);
    assert.equal(nestingDepthError(value), `invalid character '${open[0]}' exceeded max depth`);
  }
});

test('exactly at the limit is not cut; a syntax error before the cut stays a syntax error', () => {
  const atLimit = '['.repeat(10_000) + ']'.repeat(10_000);
  assert.equal(cutBeyondDepthLimit(atLimit), atLimit);
  assert.equal(nestingDepthError(JSON.parse(atLimit)), undefined);
  const broken = '{"a":,' + '['.repeat(20_000);
  assert.throws(() => JSON.parse(cutBeyondDepthLimit(broken)), SyntaxError);
});
