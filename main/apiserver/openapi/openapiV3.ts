// The OpenAPI v3 documents: the root at /openapi/v3, listing one document per
// group-version, and each group-version's document with its paths and the
// component schemas they reach. Schemas take kube-openapi's v3 form: a
// reference with siblings (a description, patch extensions) is wrapped in
// allOf, and Quantity and IntOrString are oneOf, so that `kubectl explain`
// prints `<Quantity>` and `<IntOrString>` as it does against Kubernetes.

import { reachableDefinitions } from './reachable.ts';
import type { Definitions, Schema } from './schema.ts';
import { patchBodyTypes, pathParameterDescriptions, queryParameters, type ApiOperation, type ApiPath, type GroupVersionPaths } from './operations.ts';

const v2Prefix = '#/definitions/';
const v3Prefix = '#/components/schemas/';

const v3Overrides: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
};

export function buildOpenAPIV3Root(entries: { key: string; hash: string }[]): object {
  return { paths: Object.fromEntries(entries.map((e) => [e.key, { serverRelativeURL: `/openapi/v3/${e.key}?hash=${e.hash}` }])) };
}

export function buildOpenAPIV3(gv: GroupVersionPaths, definitions: Definitions): object {
  const paths: Record<string, object> = {};
  for (const path of gv.paths) paths[path.path] = pathItem(path);
  const schemas: Record<string, Schema> = {};
  for (const [name, v2] of Object.entries(reachableDefinitions(paths, definitions))) {
    schemas[name] = toV3(v3Overrides[name] ? { description: v2.description, ...v3Overrides[name] } : v2);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

/** Rewrites a v2 schema into v3: references move to components, and a reference with siblings is wrapped in allOf. */
function toV3(schema: Schema): Schema {
  const convert = (s: Schema) => toV3(s);
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema) as [keyof Schema, unknown][]) {
    if (key === '$ref') continue;
    if (key === 'items') out.items = convert(value as Schema);
    else if (key === 'additionalProperties') out.additionalProperties = typeof value === 'object' ? convert(value as Schema) : (value as boolean);
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, convert(v)]));
    else if (key === 'allOf' || key === 'oneOf') out[key] = (value as Schema[]).map(convert);
    else (out as Record<string, unknown>)[key] = value;
  }
  if (schema.$ref) {
    const ref = schema.$ref.replace(v2Prefix, v3Prefix);
    if (Object.keys(out).length === 0) return { $ref: ref };
    out.allOf = [{ $ref: ref }];
  }
  return out;
}


const ref = (name: string): Schema => ({ $ref: `${v3Prefix}${name}` });

function pathItem(path: ApiPath): object {
  const item: Record<string, unknown> = {};
  for (const op of path.operations) item[op.method] = operation(op);
  item.parameters = [
    ...path.pathParameters.map((p) => ({
      name: p,
      in: 'path',
      description: p === 'name' ? pathParameterDescriptions.name(path.kind) : pathParameterDescriptions.namespace,
      required: true,
      schema: { type: 'string', uniqueItems: true },
    })),
    { name: 'pretty', in: 'query', description: pathParameterDescriptions.pretty, schema: { type: 'string', uniqueItems: true } },
  ];
  return item;
}

function operation(op: ApiOperation): object {
  const parameters = op.query.map((name) => ({
    name,
    in: 'query',
    description: queryParameters[name].description,
    schema: { type: queryParameters[name].type, uniqueItems: true },
  }));
  const bodyTypes = op.method === 'patch' ? patchBodyTypes : ['*/*'];
  const requestBody = op.body ? { content: Object.fromEntries(bodyTypes.map((t) => [t, { schema: ref(op.body!) }])), required: true } : undefined;
  const content =
    op.response === 'text'
      ? { '*/*': { schema: { type: 'string' } } }
      : op.response
        ? { 'application/json': { schema: ref(op.response) }, 'application/yaml': { schema: ref(op.response) } }
        : undefined;
  const responses: Record<string, object> = { '200': { description: 'OK', ...(content ? { content } : {}) } };
  for (const code of op.alsoAnswers ?? []) responses[code] = { description: code === '201' ? 'Created' : 'Accepted', ...(content ? { content } : {}) };
  responses['401'] = { description: 'Unauthorized' };
  return {
    tags: [op.tag],
    description: op.description,
    operationId: op.operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    'x-kubernetes-action': op.action,
    ...(op.gvk ? { 'x-kubernetes-group-version-kind': op.gvk } : {}),
  };
}
