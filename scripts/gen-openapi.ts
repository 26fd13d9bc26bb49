// Regenerates resources/openapi/definitions.json, the schema of every
// Kubernetes type PodLab serves, from @kubernetes/client-node's models plus
// the hand-kept tables in main/apiserver/openapi/generate/.
// Run: node --import tsx scripts/gen-openapi.ts

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModels } from '../main/apiserver/openapi/generate/clientNodeModels.ts';
import { buildDefinitions } from '../main/apiserver/openapi/generate/buildDefinitions.ts';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'openapi', 'definitions.json');
const definitions = buildDefinitions(readModels());
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(definitions) + '\n');
console.log(`wrote ${Object.keys(definitions).length} definitions to ${out}`);
