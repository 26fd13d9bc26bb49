// The swagger 2.0 document served at /openapi/v2: the paths of the served
// resources and the definitions they reach (each kind carrying
// x-kubernetes-group-version-kind), as kube-apiserver serves it.

import { reachableDefinitions } from './reachable.ts';
import type { Definitions, Schema } from './schema.ts';
import { patchBodyTypes, pathParameterDescriptions, queryParameters, type ApiOperation, type ApiPath, type GroupVersionPaths } from './operations.ts';

export function buildOpenAPIV2(groupVersions: GroupVersionPaths[], definitions: Definitions): object {
  const paths: Record<string, object> = {};
  for (const gv of groupVersions) {
    for (const path of gv.paths) paths[path.path] = pathItem(path);
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    definitions: reachableDefinitions(paths, definitions),
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}

function pathItem(path: ApiPath): object {
  const item: Record<string, unknown> = {};
  for (const op of path.operations) item[op.method] = operation(op);
  item.parameters = [
    ...path.pathParameters.map((p) => ({
      uniqueItems: true,
      type: 'string',
      description: p === 'name' ? pathParameterDescriptions.name(path.kind) : pathParameterDescriptions.namespace,
      name: p,
      in: 'path',
      required: true,
    })),
    { uniqueItems: true, type: 'string', description: pathParameterDescriptions.pretty, name: 'pretty', in: 'query' },
  ];
  return item;
}

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });

function operation(op: ApiOperation): object {
  const parameters: object[] = [];
  if (op.body) parameters.push({ name: 'body', in: 'body', required: true, schema: ref(op.body) });
  for (const name of op.query) {
    const q = queryParameters[name];
    parameters.push({ uniqueItems: true, type: q.type, description: q.description, name, in: 'query' });
  }
  const schema = op.response === 'text' ? { type: 'string' } : op.response ? ref(op.response) : undefined;
  const responses: Record<string, object> = { '200': { description: 'OK', ...(schema ? { schema } : {}) } };
  for (const code of op.alsoAnswers ?? []) responses[code] = { description: code === '201' ? 'Created' : 'Accepted', ...(schema ? { schema } : {}) };
  responses['401'] = { description: 'Unauthorized' };
  return {
    description: op.description,
    consumes: op.method === 'patch' ? patchBodyTypes : ['*/*'],
    produces: op.response === 'text' ? ['text/plain', 'application/json', 'application/yaml'] : ['application/json', 'application/yaml'],
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    responses,
    'x-kubernetes-action': op.action,
    ...(op.gvk ? { 'x-kubernetes-group-version-kind': op.gvk } : {}),
  };
}
