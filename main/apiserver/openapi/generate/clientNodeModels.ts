// Reads the models that @kubernetes/client-node generated from Kubernetes'
// own OpenAPI document. They are the only machine-readable copy of the
// Kubernetes types on this machine: each `.js` keeps the field types in
// `attributeTypeMap`, each `.d.ts` keeps the descriptions as JSDoc and marks
// optional fields with `?`.

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ModelField {
  /** The JSON name. */
  name: string;
  /** The generator's TypeScript type: `string`, `number`, `Array<V1Container>`, `{ [key: string]: string; }`, `V1PodSpec`... */
  type: string;
  format: string;
  description: string;
  optional: boolean;
}

export interface Model {
  name: string;
  description: string;
  fields: ModelField[];
}

export function clientNodeModelsDir(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@kubernetes/client-node/package.json');
  return join(dirname(packageJson), 'dist', 'gen', 'models');
}

export function readModels(dir = clientNodeModelsDir()): Map<string, Model> {
  const models = new Map<string, Model>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.js')) continue;
    const source = readFileSync(join(dir, file), 'utf8');
    const map = /\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(source);
    if (!map) continue;
    const name = file.slice(0, -'.js'.length);
    const attributes = JSON.parse(map[1]) as { name: string; baseName: string; type: string; format: string }[];
    const docs = readDocs(readFileSync(join(dir, `${name}.d.ts`), 'utf8'), name);
    models.set(name, {
      name,
      description: docs.classDescription,
      fields: attributes.map((a) => ({
        name: a.baseName,
        type: a.type,
        format: a.format,
        description: docs.fields.get(a.name)?.description ?? '',
        optional: docs.fields.get(a.name)?.optional ?? true,
      })),
    });
  }
  return models;
}

interface Docs {
  classDescription: string;
  fields: Map<string, { description: string; optional: boolean }>;
}

function readDocs(dts: string, className: string): Docs {
  const classAt = dts.indexOf(`export declare class ${className} `);
  const before = dts.slice(0, classAt);
  const classDoc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(before);
  const fields = new Map<string, { description: string; optional: boolean }>();
  const body = dts.slice(classAt);
  const field = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?'([^']+)'(\??):/g;
  for (let m = field.exec(body); m; m = field.exec(body)) {
    fields.set(m[2], { description: m[1] ? cleanDoc(m[1]) : '', optional: m[3] === '?' });
  }
  return { classDescription: classDoc ? cleanDoc(classDoc[1]) : '', fields };
}

/** The generator escaped quotes and backslashes for TypeScript; undo it. */
function cleanDoc(comment: string): string {
  return comment
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim()
    .replace(/\\(["'\\])/g, '$1');
}
