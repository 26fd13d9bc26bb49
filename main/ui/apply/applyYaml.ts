// `kubectl apply -f` for the UI: every YAML document (and every item of a
// `kind: List`) in order, each created when absent or patched when present,
// with the last-applied-configuration annotation client-side apply keeps.
// One bad document does not stop the others; each gets its own outcome.
//
// Unknown fields are rejected before sending, from the same OpenAPI schema
// the server uses, as kubectl's schema validation does: the in-process
// client has no `fieldValidation=Strict` to ask the server for it, and a
// silently dropped misspelt field is the worst possible answer.

import { yaml as yamlLibrary } from '../../kube/yamlLibrary.ts';
import { yamlNestingProblem } from '../../kube/yamlNesting.ts';
import type { ApplyOutcome, ApplyRequest, KubeObject } from '../../../preload/api.ts';
import { isApiError, type KubeClient } from '../../kube/client/types.ts';
import { findUnknownFields } from '../../apiserver/openapi/fieldValidation.ts';
import { SchemaLookup } from '../../apiserver/openapi/schemaLookup.ts';
import { isJsonObject, type JsonObject } from '../../apiserver/patch/json.ts';
import { BridgeFailure, statusFailure, toBridgeError } from '../bridgeError.ts';
import { splitApiVersion, type KindResolver } from './kindResolver.ts';
import { threeWayPatch } from './threeWayPatch.ts';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

interface Candidate {
  document: number;
  object?: JsonObject;
  error?: string;
}

function candidates(yaml: string): Candidate[] {
  const found: Candidate[] = [];
  // Refused before parsing: text nested too deep overflows the parser's stack (and may abort the process after).
  const tooDeep = yamlNestingProblem(yaml);
  if (tooDeep) return [{ document: 0, error: `the YAML cannot be parsed: ${tooDeep}` }];
  yamlLibrary().parseAllDocuments(yaml).forEach((doc, document) => {
    if (doc.errors.length > 0) {
      found.push({ document, error: `YAML document ${document + 1} cannot be parsed: ${doc.errors[0].message}` });
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isJsonObject(value)) {
      found.push({ document, error: `YAML document ${document + 1} is not an object (a Kubernetes object is a map with apiVersion, kind and metadata)` });
    } else if (value.kind === 'List' && Array.isArray(value.items)) {
      for (const item of value.items) found.push(isJsonObject(item) ? { document, object: item } : { document, error: `an item of the List in document ${document + 1} is not an object` });
    } else {
      found.push({ document, object: value });
    }
  });
  return found;
}

function unknownFieldsFailure(kind: string, paths: string[]): BridgeFailure {
  const message = `${kind} cannot be handled: strict decoding error: ${paths.map((p) => `unknown field "${p}"`).join(', ')}`;
  const failure = statusFailure(400, 'BadRequest', message);
  failure.status!.details = { kind, causes: paths.map((field) => ({ reason: 'FieldValueUnknown', message: `unknown field "${field}"`, field })) };
  return failure;
}

function withLastApplied(object: JsonObject): JsonObject {
  const metadata = isJsonObject(object.metadata) ? object.metadata : {};
  const annotations = isJsonObject(metadata.annotations) ? { ...metadata.annotations } : {};
  delete annotations[lastAppliedAnnotation];
  const recorded = { ...object, metadata: { ...metadata, annotations } };
  if (Object.keys(annotations).length === 0) delete (recorded.metadata as JsonObject).annotations;
  annotations[lastAppliedAnnotation] = `${JSON.stringify(recorded)}\n`;
  return { ...object, metadata: { ...metadata, annotations } };
}

function lastAppliedOf(live: KubeObject): JsonObject | undefined {
  const text = live.metadata.annotations?.[lastAppliedAnnotation];
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function applyOne(client: KubeClient, kinds: KindResolver, object: JsonObject, defaultNamespace: string, outcome: ApplyOutcome): Promise<void> {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const metadata = isJsonObject(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  outcome.kind = kind;
  outcome.name = name;
  if (!apiVersion || !kind) throw new BridgeFailure(`error validating data: ${[!apiVersion && 'apiVersion not set', !kind && 'kind not set'].filter(Boolean).join(', ')}`);
  const info = kinds.resolve(apiVersion, kind);
  if (!info) throw new BridgeFailure(`no matches for kind "${kind}" in version "${apiVersion}": this cluster does not serve it (see kubectl api-resources)`);
  if (!name) {
    throw new BridgeFailure(metadata.generateName ? 'cannot use generateName with apply: give the object a metadata.name' : `${kind} has no metadata.name: apply needs a name to find the object again`);
  }
  const gvk = { ...splitApiVersion(apiVersion), kind };
  const unknown = findUnknownFields(object, gvk, SchemaLookup.kubernetes());
  if (unknown.length > 0) throw unknownFieldsFailure(kind, unknown);

  const namespace = info.namespaced ? (typeof metadata.namespace === 'string' && metadata.namespace) || defaultNamespace : undefined;
  if (namespace) outcome.namespace = namespace;
  const desired = withLastApplied(info.namespaced ? { ...object, metadata: { ...metadata, namespace: namespace ?? null } } : object);
  const resource = client.resource(info.resource);
  let live: KubeObject;
  try {
    live = await resource.get(namespace, name);
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
    await resource.create(namespace, desired as KubeObject);
    outcome.action = 'created';
    return;
  }
  const patch = threeWayPatch(lastAppliedOf(live), desired, SchemaLookup.kubernetes().forKind(gvk));
  const patched = await resource.patch(namespace, name, 'application/strategic-merge-patch+json', patch);
  outcome.action = patched.metadata.resourceVersion === live.metadata.resourceVersion ? 'unchanged' : 'configured';
}

export async function applyYaml(client: KubeClient, kinds: KindResolver, request: ApplyRequest): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  const defaultNamespace = request.namespace || 'default';
  for (const candidate of candidates(request.yaml)) {
    const outcome: ApplyOutcome = { document: candidate.document, kind: '', name: '', action: 'failed' };
    outcomes.push(outcome);
    if (candidate.error) {
      outcome.error = { message: candidate.error };
      continue;
    }
    try {
      await applyOne(client, kinds, candidate.object!, defaultNamespace, outcome);
    } catch (err) {
      outcome.action = 'failed';
      outcome.error = toBridgeError(err);
    }
  }
  if (outcomes.length === 0) throw new BridgeFailure('nothing to apply: the YAML holds no object');
  return outcomes;
}
