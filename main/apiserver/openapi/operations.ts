// The REST operations of each served resource, described once and rendered
// as OpenAPI v2 and v3 paths. Paths, operation ids, actions and parameters
// follow what kube-apiserver publishes, because kubectl looks them up: explain
// finds a resource's kind through the x-kubernetes-group-version-kind of its
// operations, apply and the field-validation check read the PATCH operation.

import type { ResourceDefinition, Subresource } from '../registry/resourceDefinition.ts';
import type { GroupVersionKind } from './schema.ts';
import type { SchemaLookup } from './schemaLookup.ts';

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface ApiOperation {
  method: HttpMethod;
  action: Action;
  operationId: string;
  description: string;
  tag: string;
  gvk?: GroupVersionKind;
  /** Query parameters, by name (see queryParameters). */
  query: string[];
  /** Definition name of the request body; `patch` takes meta/v1 Patch in each patch content type. */
  body?: string;
  /** Definition name of the response, or `text` for plain text (logs). */
  response?: string;
  /** 201/202 answers besides 200. */
  alsoAnswers?: ('201' | '202')[];
}

export interface ApiPath {
  path: string;
  /** Path parameters, outermost first. */
  pathParameters: ('namespace' | 'name')[];
  /** The kind named in the `name` parameter's description. */
  kind: string;
  operations: ApiOperation[];
}

export interface GroupVersionPaths {
  group: string;
  version: string;
  /** `api/v1`, `apis/apps/v1`: the key in the /openapi/v3 root. */
  key: string;
  paths: ApiPath[];
}

export const metaV1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const patchDefinition = `${metaV1}.Patch`;
export const patchBodyTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

const standardVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const writeQuery = ['dryRun', 'fieldManager', 'fieldValidation'];
const listQuery = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const deleteQuery = ['dryRun', 'gracePeriodSeconds', 'orphanDependents', 'propagationPolicy'];
const deleteCollectionQuery = ['continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'labelSelector', 'limit', 'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds'];

/** Query parameters, described as kube-apiserver describes them. */
export const queryParameters: Record<string, { type: 'string' | 'integer' | 'boolean'; description: string }> = {
  allowWatchBookmarks: { type: 'boolean', description: 'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion. Clients should not assume bookmarks are returned at any specific interval, nor may they assume the server will send any BOOKMARK event during a session. If this is not a watch, this field is ignored.' },
  continue: { type: 'string', description: 'The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize. If the specified continue value is no longer valid whether due to expiration (generally five to fifteen minutes) or a configuration change on the server, the server will respond with a 410 ResourceExpired error together with a continue token.' },
  dryRun: { type: 'string', description: 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed' },
  fieldManager: { type: 'string', description: 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.' },
  fieldSelector: { type: 'string', description: 'A selector to restrict the list of returned objects by their fields. Defaults to everything.' },
  fieldValidation: { type: 'string', description: 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object. The request will still succeed if there are no other errors. This is the default when the parameter is absent. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object. The error returned from the server will contain all unknown fields encountered.' },
  force: { type: 'boolean', description: 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.' },
  gracePeriodSeconds: { type: 'integer', description: 'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.' },
  labelSelector: { type: 'string', description: 'A selector to restrict the list of returned objects by their labels. Defaults to everything.' },
  limit: { type: 'integer', description: 'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results.' },
  orphanDependents: { type: 'boolean', description: 'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.' },
  propagationPolicy: { type: 'string', description: 'Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: \'Orphan\' - orphan the dependents; \'Background\' - allow the garbage collector to delete the dependents in the background; \'Foreground\' - a cascading policy that deletes all dependents in the foreground.' },
  resourceVersion: { type: 'string', description: 'resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset' },
  resourceVersionMatch: { type: 'string', description: 'resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset' },
  sendInitialEvents: { type: 'boolean', description: '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic "Bookmark" event will be sent.' },
  timeoutSeconds: { type: 'integer', description: 'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.' },
  watch: { type: 'boolean', description: 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.' },
  container: { type: 'string', description: 'The container for which to stream logs, or in which to execute the command. Defaults to only container if there is one container in the pod.' },
  follow: { type: 'boolean', description: 'Follow the log stream of the pod. Defaults to false.' },
  limitBytes: { type: 'integer', description: 'If set, the number of bytes to read from the server before terminating the log output. This may not display a complete final line of logging, and may return slightly more or slightly less than the specified limit.' },
  previous: { type: 'boolean', description: 'Return previous terminated container logs. Defaults to false.' },
  sinceSeconds: { type: 'integer', description: 'A relative time in seconds before the current time from which to show logs. If this value precedes the time a pod was started, only logs since the pod start will be returned. If this value is in the future, no logs will be returned. Only one of sinceSeconds or sinceTime may be specified.' },
  tailLines: { type: 'integer', description: 'If set, the number of lines from the end of the logs to show. If not specified, logs are shown from the creation of the container or sinceSeconds or sinceTime' },
  timestamps: { type: 'boolean', description: 'If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output. Defaults to false.' },
  command: { type: 'string', description: 'Command is the remote command to execute. argv array. Not executed within a shell.' },
  stdin: { type: 'boolean', description: 'Redirect the standard input stream of the pod for this call. Defaults to false.' },
  stdout: { type: 'boolean', description: 'Redirect the standard output stream of the pod for this call.' },
  stderr: { type: 'boolean', description: 'Redirect the standard error stream of the pod for this call.' },
  tty: { type: 'boolean', description: 'TTY if true indicates that a tty will be allocated for the exec call. Defaults to false.' },
  ports: { type: 'integer', description: 'List of ports to forward Required when using WebSockets' },
  path: { type: 'string', description: 'Path is the URL path to use for the current proxy request.' },
};

export const pathParameterDescriptions = {
  namespace: 'object name and auth scope, such as for teams and projects',
  name: (kind: string) => `name of the ${kind}`,
  pretty: "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP client (curl and wget).",
};

/** `Core`/`Apps`/`RbacAuthorization` + `V1`, as in `listCoreV1NamespacedPod`. */
function operationPrefix(group: string, version: string): string {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split('.');
  return words.map(capitalize).join('') + capitalize(version);
}

function tagOf(group: string, version: string): string {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split('.');
  return `${words[0]}${words.slice(1).map(capitalize).join('')}_${version}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function groupVersionKey(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** The operations of every resource, grouped by group-version, in the order given. */
export function resourceOperations(resources: ResourceDefinition[], lookup: SchemaLookup): GroupVersionPaths[] {
  const byGroupVersion = new Map<string, GroupVersionPaths>();
  for (const resource of resources) {
    const key = groupVersionKey(resource.group, resource.version);
    let gv = byGroupVersion.get(key);
    if (!gv) {
      gv = { group: resource.group, version: resource.version, key, paths: [] };
      byGroupVersion.set(key, gv);
    }
    gv.paths.push(...pathsOf(resource, lookup));
  }
  return [...byGroupVersion.values()];
}

function pathsOf(resource: ResourceDefinition, lookup: SchemaLookup): ApiPath[] {
  const { group, version, kind, plural, namespaced } = resource;
  const gvk = { group, version, kind };
  const definition = lookup.definitionName(gvk);
  if (!definition) return [];
  const list = lookup.definitionName({ ...gvk, kind: `${kind}List` });
  const verbs = new Set(resource.verbs ?? standardVerbs);
  const prefix = `/${groupVersionKey(group, version)}`;
  const op = operationPrefix(group, version);
  const tag = tagOf(group, version);
  const scope = namespaced ? 'Namespaced' : '';
  const collection = namespaced ? `${prefix}/namespaces/{namespace}/${plural}` : `${prefix}/${plural}`;
  const collectionParams: ApiPath['pathParameters'] = namespaced ? ['namespace'] : [];
  const itemParams: ApiPath['pathParameters'] = [...collectionParams, 'name'];
  const status = `${metaV1}.Status`;
  const deleteOptions = `${metaV1}.DeleteOptions`;
  const paths: ApiPath[] = [];

  const collectionOps: ApiOperation[] = [];
  if (verbs.has('list')) {
    collectionOps.push({ method: 'get', action: 'list', operationId: `list${op}${scope}${kind}`, description: `list or watch objects of kind ${kind}`, tag, gvk, query: listQuery, response: list ?? definition });
  }
  if (verbs.has('create')) {
    collectionOps.push({ method: 'post', action: 'post', operationId: `create${op}${scope}${kind}`, description: `create ${article(kind)} ${kind}`, tag, gvk, query: writeQuery, body: definition, response: definition, alsoAnswers: ['201', '202'] });
  }
  if (verbs.has('deletecollection')) {
    collectionOps.push({ method: 'delete', action: 'deletecollection', operationId: `delete${op}Collection${scope}${kind}`, description: `delete collection of ${kind}`, tag, gvk, query: deleteCollectionQuery, body: deleteOptions, response: status });
  }
  if (collectionOps.length > 0) paths.push({ path: collection, pathParameters: collectionParams, kind, operations: collectionOps });

  const itemOps: ApiOperation[] = [];
  if (verbs.has('get')) itemOps.push({ method: 'get', action: 'get', operationId: `read${op}${scope}${kind}`, description: `read the specified ${kind}`, tag, gvk, query: [], response: definition });
  if (verbs.has('update')) itemOps.push({ method: 'put', action: 'put', operationId: `replace${op}${scope}${kind}`, description: `replace the specified ${kind}`, tag, gvk, query: writeQuery, body: definition, response: definition, alsoAnswers: ['201'] });
  if (verbs.has('patch')) itemOps.push(patchOperation(`patch${op}${scope}${kind}`, `partially update the specified ${kind}`, tag, gvk, definition));
  if (verbs.has('delete')) itemOps.push({ method: 'delete', action: 'delete', operationId: `delete${op}${scope}${kind}`, description: `delete ${article(kind)} ${kind}`, tag, gvk, query: deleteQuery, body: deleteOptions, response: status, alsoAnswers: ['202'] });
  if (itemOps.length > 0) paths.push({ path: `${collection}/{name}`, pathParameters: itemParams, kind, operations: itemOps });

  if (namespaced && verbs.has('list')) {
    paths.push({
      path: `${prefix}/${plural}`,
      pathParameters: [],
      kind,
      operations: [{ method: 'get', action: 'list', operationId: `list${op}${kind}ForAllNamespaces`, description: `list or watch objects of kind ${kind}`, tag, gvk, query: listQuery, response: list ?? definition }],
    });
  }

  for (const subresource of resource.subresources) {
    const sub = subresourcePath(subresource, { resource, lookup, op, scope, tag, definition, item: `${collection}/{name}`, verbs });
    if (sub) paths.push({ ...sub, pathParameters: itemParams, kind });
  }
  return paths;
}

interface SubresourceContext {
  resource: ResourceDefinition;
  lookup: SchemaLookup;
  op: string;
  scope: string;
  tag: string;
  definition: string;
  item: string;
  verbs: Set<string>;
}

function subresourcePath(subresource: Subresource, c: SubresourceContext): Omit<ApiPath, 'pathParameters' | 'kind'> | undefined {
  const { kind } = c.resource;
  const name = `${c.scope}${kind}${capitalize(subresource)}`;
  const path = `${c.item}/${subresource}`;
  switch (subresource) {
    case 'status':
    case 'ephemeralcontainers':
    case 'approval':
    case 'scale': {
      const ownKind = subresource !== 'scale';
      const gvk = ownKind ? { group: c.resource.group, version: c.resource.version, kind } : { group: 'autoscaling', version: 'v1', kind: 'Scale' };
      const definition = ownKind ? c.definition : c.lookup.definitionName(gvk);
      if (!definition) return undefined;
      const operations: ApiOperation[] = [
        { method: 'get', action: 'get', operationId: `read${c.op}${name}`, description: `read ${subresource} of the specified ${kind}`, tag: c.tag, gvk, query: [], response: definition },
      ];
      if (c.verbs.has('update')) {
        operations.push({ method: 'put', action: 'put', operationId: `replace${c.op}${name}`, description: `replace ${subresource} of the specified ${kind}`, tag: c.tag, gvk, query: writeQuery, body: definition, response: definition, alsoAnswers: ['201'] });
      }
      if (c.verbs.has('patch')) operations.push(patchOperation(`patch${c.op}${name}`, `partially update ${subresource} of the specified ${kind}`, c.tag, gvk, definition));
      return { path, operations };
    }
    case 'binding':
    case 'eviction':
    case 'token': {
      const gvk = { binding: { group: '', version: 'v1', kind: 'Binding' }, eviction: { group: 'policy', version: 'v1', kind: 'Eviction' }, token: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } }[subresource];
      const definition = c.lookup.definitionName(gvk);
      if (!definition) return undefined;
      return {
        path,
        operations: [{ method: 'post', action: 'post', operationId: `create${c.op}${name}`, description: `create ${subresource} of ${article(kind)} ${kind}`, tag: c.tag, gvk, query: writeQuery, body: definition, response: definition, alsoAnswers: ['201', '202'] }],
      };
    }
    case 'log':
      return {
        path,
        operations: [{ method: 'get', action: 'get', operationId: `read${c.op}${name}`, description: `read log of the specified ${kind}`, tag: c.tag, query: ['container', 'follow', 'limitBytes', 'previous', 'sinceSeconds', 'tailLines', 'timestamps'], response: 'text' }],
      };
    case 'exec':
    case 'attach':
    case 'portforward':
    case 'proxy': {
      const query = { exec: ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'], attach: ['container', 'stderr', 'stdin', 'stdout', 'tty'], portforward: ['ports'], proxy: ['path'] }[subresource];
      const connect = (method: 'get' | 'post'): ApiOperation => ({ method, action: 'connect', operationId: `connect${c.op}${capitalize(method)}${name}`, description: `connect ${method.toUpperCase()} requests to ${subresource} of ${kind}`, tag: c.tag, query, response: 'text' });
      return { path, operations: [connect('get'), connect('post')] };
    }
  }
}

function patchOperation(operationId: string, description: string, tag: string, gvk: GroupVersionKind, definition: string): ApiOperation {
  // fieldValidation here is what makes kubectl (QueryParamVerifierV3) leave unknown-field checks to the server.
  return { method: 'patch', action: 'patch', operationId, description, tag, gvk, query: ['dryRun', 'fieldManager', 'fieldValidation', 'force'], body: patchDefinition, response: definition, alsoAnswers: ['201'] };
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}
