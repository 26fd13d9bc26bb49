// The typed object model in main/kube/types is what scripts/generate-types.js
// makes of resources/openapi/definitions.json: regenerated, not hand-edited.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: a plain JavaScript build script, without type declarations.
import { generatedTypes, typesDir } from '../../scripts/generate-types.js';

test('main/kube/types matches what scripts/generate-types.js generates', () => {
  const expected = generatedTypes() as Map<string, string>;
  const committed = readdirSync(typesDir).filter((f) => f.endsWith('.ts')).sort();
  assert.deepEqual(committed, [...expected.keys()].sort());
  for (const [file, text] of expected) assert.equal(readFileSync(join(typesDir, file), 'utf8'), text, `${file} is out of date: run node scripts/generate-types.js`);
});

test('a kind requires its metadata and keeps the schema\'s required fields', () => {
  const core = readFileSync(join(typesDir, 'core-v1.ts'), 'utf8');
  assert.match(core, /export interface Pod \{[^}]*\n {2}metadata: metaV1_ObjectMeta;/);
  assert.match(core, /export interface Container \{[^}]*\n {2}name: string;/);
  assert.match(core, /export interface PodSpec \{[^}]*\n {2}containers: Array<Container>;/);
});
