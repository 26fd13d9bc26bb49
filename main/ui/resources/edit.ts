// Editing one object as `kubectl edit` does: the edited YAML goes back as an
// update (PUT) of that object, with strict field validation, so a stale
// resourceVersion is a 409 Conflict and a misspelt field a 400 naming it.
// Before it is stored for real, a dry run (dryRun=All) shows what the server
// would store: its answer, and a line diff of the YAML before and after.

import { yaml as yamlLibrary } from '../../kube/yamlLibrary.ts';
import { yamlNestingProblem } from '../../kube/yamlNesting.ts';
import type { DryRunEdit, EditRequest, KubeObject } from '../../../preload/api.ts';
import type { KubeClient } from '../../kube/client/types.ts';
import { isJsonObject } from '../../apiserver/patch/json.ts';
import { badRequest } from '../bridgeError.ts';
import { objectYaml } from '../objects.ts';
import { freshPod, replacePod } from '../fixes/replacePod.ts';
import { lineDiff } from './lineDiff.ts';

/** The one object the edited text holds, or a 400 that says what is wrong with the text. */
export function editedObject(request: EditRequest): KubeObject {
  const tooDeep = yamlNestingProblem(request.yaml);
  if (tooDeep) throw badRequest(`the edited YAML cannot be parsed: ${tooDeep}`);
  const documents = yamlLibrary().parseAllDocuments(request.yaml).filter((doc) => doc.contents !== null || doc.errors.length > 0);
  if (documents.length !== 1) throw badRequest(`the edited YAML must hold exactly one object, not ${documents.length}`);
  const [doc] = documents;
  if (doc!.errors.length > 0) throw badRequest(`the edited YAML cannot be parsed: ${doc!.errors[0]!.message}`);
  const value: unknown = doc!.toJS();
  if (!isJsonObject(value) || !isJsonObject(value.metadata)) throw badRequest('the edited YAML is not a Kubernetes object (a map with apiVersion, kind and metadata)');
  const object = value as unknown as KubeObject;
  // The object is written at the URL of the one being edited: kube-apiserver's words when the body names another.
  if (object.metadata.name !== request.name) {
    throw badRequest(`the name of the object (${String(object.metadata.name ?? '')}) does not match the name on the URL (${request.name})`);
  }
  return object;
}

export async function dryRunEdit(client: KubeClient, request: EditRequest): Promise<DryRunEdit> {
  const object = editedObject(request);
  const resource = client.resource(request.resource);
  const current = await resource.get(request.namespace, request.name);
  const result = await resource.update(request.namespace, object, { dryRun: true, fieldValidation: 'Strict' });
  const before = objectYaml(current);
  const after = objectYaml(result);
  return { object: result, before, after, diff: lineDiff(before, after), changed: before !== after };
}

export async function updateObject(client: KubeClient, request: EditRequest): Promise<KubeObject> {
  return client.resource(request.resource).update(request.namespace, editedObject(request), { fieldValidation: 'Strict' });
}

/**
 * A pod edit the server refuses because a pod's spec is immutable, made the
 * only way it can be: the pod replaced by one with the edited spec (dry run
 * first, like any edit). Only for pods no controller owns: a controller
 * would replace it from its own template, losing the edit.
 */
export async function replaceEditedPod(client: KubeClient, request: EditRequest, dryRun: boolean): Promise<DryRunEdit> {
  if (request.resource.group !== '' || request.resource.plural !== 'pods') throw badRequest('only a pod is replaced this way');
  const object = editedObject(request);
  const current = await client.resource(request.resource).get(request.namespace, request.name);
  const owner = current.metadata.ownerReferences?.find((o) => o.controller);
  if (owner) throw badRequest(`pod ${request.name} belongs to ${owner.kind} ${owner.name}: change the pod template there, and the controller replaces its pods`);
  const result = await replacePod(client, current, freshPod(object as KubeObject & { spec?: unknown }), dryRun);
  const before = objectYaml(current);
  const after = objectYaml(result);
  return { object: result, before, after, diff: lineDiff(before, after), changed: true };
}
