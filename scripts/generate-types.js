#!/usr/bin/env node
// Generates PodLab's typed object model (main/kube/types/*.ts) from the
// OpenAPI definitions PodLab serves (resources/openapi/definitions.json,
// Kubernetes' published OpenAPI), so every component reads objects through
// the same types instead of hand-kept partial ones.
//
//   node scripts/generate-types.js [definitions.json]
//
// One file per Go package of the stable API (core/v1 → core-v1.ts). Fields the
// schema lists as required are required; the rest optional. A kind's
// metadata is required too: every object PodLab stores or serves has it.
// Re-run after updating definitions.json; the files are committed, and a unit
// test checks they match what this script writes.

import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const typesDir = join(root, 'main', 'kube', 'types');

/** Stable API packages only: alpha and beta kinds are not served. */
const isStable = (pkg) => !/v\d+(alpha|beta)\d+$/.test(pkg) && pkg !== 'io.k8s.apimachinery.pkg.version';

/**
 * Types whose JSON is wider than their schema says: a zero metav1.Time is
 * written as null (`lastProbeTime: null`), and a Quantity may arrive as a JSON
 * number, which PodLab stores as sent.
 */
const wireTypes = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string | null', why: 'RFC 3339; null when unset.' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string | null', why: 'RFC 3339 with microseconds; null when unset.' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string | number', why: 'Sent as a string (`100m`, `1Gi`) or a JSON number.' },
};

const packageOf = (name) => name.slice(0, name.lastIndexOf('.'));
const typeOf = (name) => name.slice(name.lastIndexOf('.') + 1);

/** `io.k8s.api.core.v1` → `core-v1`, `io.k8s.apimachinery.pkg.apis.meta.v1` → `meta-v1`, `...pkg.util.intstr` → `intstr`. */
function fileOf(pkg) {
  const parts = pkg.split('.');
  const last = parts[parts.length - 1];
  if (/^v\d+/.test(last)) return `${parts[parts.length - 2]}-${last}`;
  return last;
}

function firstSentence(description) {
  if (!description) return undefined;
  const flat = description.replace(/\s+/g, ' ').trim();
  const end = flat.search(/\.(\s|$)/);
  return (end >= 0 ? flat.slice(0, end + 1) : flat).replace(/\*\//g, '* /');
}

function generate(definitions) {
  const files = new Map();
  for (const [name, schema] of Object.entries(definitions)) {
    const pkg = packageOf(name);
    if (!isStable(pkg)) continue;
    if (!files.has(pkg)) files.set(pkg, { imports: new Map(), decls: [] });
    const file = files.get(pkg);

    const ref = (target) => {
      const targetPkg = packageOf(target);
      const type = typeOf(target);
      if (targetPkg === pkg) return type;
      const alias = `${fileOf(targetPkg).replace(/-(\w)/g, (_, c) => c.toUpperCase())}_${type}`;
      if (!file.imports.has(targetPkg)) file.imports.set(targetPkg, new Map());
      file.imports.get(targetPkg).set(type, alias);
      return alias;
    };
    const tsType = (s) => {
      if (s.$ref) return ref(s.$ref.replace('#/definitions/', ''));
      if (s.allOf?.length === 1) return tsType(s.allOf[0]);
      if (s.format === 'int-or-string') return 'number | string';
      switch (s.type) {
        case 'string':
          return 'string';
        case 'integer':
        case 'number':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'array':
          return `Array<${s.items ? tsType(s.items) : 'unknown'}>`;
        case 'object':
          if (s.properties) return inline(s);
          if (s.additionalProperties && typeof s.additionalProperties === 'object') return `Record<string, ${tsType(s.additionalProperties)}>`;
          return 'Record<string, unknown>';
        default:
          return 'unknown';
      }
    };
    const fields = (s, isKind) =>
      Object.entries(s.properties ?? {})
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([field, fs]) => {
          const required = (s.required ?? []).includes(field) || (isKind && field === 'metadata');
          const doc = firstSentence(fs.description);
          const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : JSON.stringify(field);
          return `${doc ? `  /** ${doc} */\n` : ''}  ${key}${required ? '' : '?'}: ${tsType(fs)};`;
        });
    const inline = (s) => `{ ${fields(s, false).map((f) => f.replace(/^\s*\/\*\*.*\*\/\n/, '').trim()).join(' ')} }`;

    const type = typeOf(name);
    const doc = firstSentence(schema.description);
    const wire = wireTypes[name];
    if (wire) {
      file.decls.push(`${doc ? `/** ${doc} ${wire.why} */\n` : ''}export type ${type} = ${wire.type};`);
      continue;
    }
    const head = doc ? `/** ${doc} */\n` : '';
    const isKind = !!schema['x-kubernetes-group-version-kind'] && !!schema.properties?.metadata;
    if (schema.properties) {
      file.decls.push(`${head}export interface ${type} {\n${fields(schema, isKind).join('\n')}\n}`);
    } else {
      file.decls.push(`${head}export type ${type} = ${tsType(schema)};`);
    }
  }
  const out = new Map();
  for (const [pkg, file] of files) {
    const imports = [...file.imports]
      .sort(([a], [b]) => (fileOf(a) < fileOf(b) ? -1 : 1))
      .map(([target, names]) => {
        const list = [...names].sort(([a], [b]) => (a < b ? -1 : 1)).map(([type, alias]) => `${type} as ${alias}`);
        return `import type { ${list.join(', ')} } from './${fileOf(target)}.ts';`;
      });
    const text = [
      `// Generated by scripts/generate-types.js from resources/openapi/definitions.json (${pkg}). Do not edit.`,
      '',
      ...(imports.length ? [...imports, ''] : []),
      file.decls.join('\n\n'),
      '',
    ].join('\n');
    out.set(`${fileOf(pkg)}.ts`, text);
  }
  return out;
}

export function generatedTypes(definitionsPath = join(root, 'resources', 'openapi', 'definitions.json')) {
  const definitions = JSON.parse(readFileSync(definitionsPath, 'utf8'));
  return generate(definitions.definitions ?? definitions);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = generatedTypes(process.argv[2]);
  mkdirSync(typesDir, { recursive: true });
  for (const old of readdirSync(typesDir)) if (old.endsWith('.ts')) rmSync(join(typesDir, old));
  for (const [file, text] of files) writeFileSync(join(typesDir, file), text);
  console.log(`wrote ${files.size} files to ${typesDir}`);
}
