#!/usr/bin/env node
// Vendors the OpenAPI definitions of a Kubernetes release as PodLab's
// built-in schemas (resources/openapi/definitions.json): the `definitions`
// of that release's published api/openapi-spec/swagger.json, as they are.
// Their list metadata (x-kubernetes-list-type, list-map-keys, patch
// strategies, map-type) drives patches, field ownership and validation.
//
//   node scripts/openapi-definitions.js path/to/swagger.json
//
// Then regenerate the typed object model: node scripts/generate-types.js

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2];
if (!source) {
  console.error('usage: node scripts/openapi-definitions.js SWAGGER_JSON');
  process.exit(2);
}
const swagger = JSON.parse(readFileSync(source, 'utf8'));
if (!swagger.definitions) throw new Error(`${source} has no definitions`);
const sorted = Object.fromEntries(Object.keys(swagger.definitions).sort().map((name) => [name, swagger.definitions[name]]));
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'openapi', 'definitions.json');
writeFileSync(target, `${JSON.stringify(sorted)}\n`);
console.log(`wrote ${Object.keys(sorted).length} definitions to ${target}`);
