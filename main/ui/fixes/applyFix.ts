// A debugger fix made real: each change resolved to the request it becomes
// (a create, a strategic merge patch of the controlling object's pod
// template, or a pod replaced because its spec cannot change), sent as a
// server dry run to preview it, then for real as the user. The API server
// judges every change (validation, admission, quota) exactly as for kubectl.

import type { FixApplied, FixChange, FixPreview, FixRequest, FixStep } from '../../../preload/api.ts';
import { applyPatch } from '../../apiserver/patch/applyPatch.ts';
import { SchemaLookup } from '../../apiserver/openapi/schemaLookup.ts';
import { ApiError, type KubeClient, type PatchType } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { KindResolver } from '../apply/kindResolver.ts';
import { objectYaml } from '../objects.ts';
import { recordFixEvent } from './fixEvents.ts';
import { createReplacement, deleteReplaced, freshPod, type Resource } from './replacePod.ts';
import { namedTemplateOwner, ownerResource, templateOwner, type TemplateOwner } from './templateOwner.ts';

const podResource = { group: '', version: 'v1', plural: 'pods' };
const strategic: PatchType = 'application/strategic-merge-patch+json';
const jsonPatch: PatchType = 'application/json-patch+json';

/** A request ready to send, with the object before it (for the diff). */
type PlannedStep =
  | { verb: 'create'; resource: Resource; namespace?: string; object: KubeObject }
  | { verb: 'patch'; resource: Resource; before: KubeObject; contentType: PatchType; patch: unknown }
  | { verb: 'replace'; resource: Resource; before: KubeObject; object: KubeObject };

function nest(path: string[], value: Record<string, unknown>): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value);
}

/** The pod as it is created again, with the patched spec. */
function replacementPod(pod: KubeObject, patch: Record<string, unknown>): KubeObject {
  return freshPod(applyPatch(strategic, pod, { spec: patch }, SchemaLookup.kubernetes(), { group: '', version: 'v1', kind: 'Pod' }) as KubeObject & { spec?: unknown });
}

async function plan(client: KubeClient, kinds: KindResolver, request: FixRequest): Promise<{ steps: PlannedStep[]; ownerUid?: string }> {
  const pod = request.pod ? await client.resource(podResource).get(request.namespace, request.pod) : undefined;
  const ownerOf = async (): Promise<TemplateOwner> => {
    if (pod) return templateOwner(client, pod);
    if (request.owner) return namedTemplateOwner(client, request.namespace, request.owner.kind, request.owner.name);
    throw new Error('a fix that changes a pod template needs the pod or its controller');
  };
  const steps: PlannedStep[] = [];
  let ownerUid: string | undefined;
  const served = (object: { apiVersion?: string; kind?: string }) => {
    const info = kinds.resolve(object.apiVersion ?? '', object.kind ?? '');
    if (!info) throw new Error(`${object.kind} (${object.apiVersion}) is not served by this cluster`);
    return info;
  };
  for (const change of request.fix.changes as FixChange[]) {
    if (change.action === 'create') {
      const info = served(change.object);
      steps.push({ verb: 'create', resource: info.resource, namespace: info.namespaced ? (change.object.metadata.namespace ?? request.namespace) : undefined, object: change.object });
      continue;
    }
    if (change.action === 'patch' || change.action === 'replace') {
      const target = change.action === 'patch' ? change.target : { apiVersion: change.object.apiVersion ?? '', kind: change.object.kind ?? '', name: change.object.metadata.name ?? '', namespace: change.object.metadata.namespace };
      const info = served(target);
      const before = await client.resource(info.resource).get(info.namespaced ? (target.namespace ?? request.namespace) : undefined, target.name);
      if (change.action === 'patch') steps.push({ verb: 'patch', resource: info.resource, before, contentType: jsonPatch, patch: change.patch });
      else steps.push({ verb: 'replace', resource: info.resource, before, object: { ...change.object, metadata: { ...change.object.metadata, namespace: before.metadata.namespace } } });
      continue;
    }
    const owner = await ownerOf();
    if (change.action === 'ownerPatch') {
      if (owner.kind === 'Pod') throw new Error(`pod ${request.pod} has no controller to change`);
      const resource = ownerResource(owner.kind)!;
      steps.push({ verb: 'patch', resource, before: await client.resource(resource).get(owner.namespace, owner.name), contentType: strategic, patch: change.patch });
      ownerUid = owner.uid;
    } else if (owner.kind === 'Pod' && pod) steps.push({ verb: 'replace', resource: podResource, before: pod, object: replacementPod(pod, change.patch) });
    else {
      const resource = ownerResource(owner.kind)!;
      steps.push({ verb: 'patch', resource, before: await client.resource(resource).get(owner.namespace, owner.name), contentType: strategic, patch: nest(owner.specPath, change.patch) });
      ownerUid = owner.uid;
    }
  }
  return { steps, ownerUid };
}

function described(step: PlannedStep, after: KubeObject): FixStep {
  const target = step.verb === 'create' ? step.object : step.before;
  return {
    verb: step.verb,
    kind: target.kind ?? '',
    ...(target.metadata.namespace && { namespace: target.metadata.namespace }),
    name: target.metadata.name ?? '',
    before: step.verb === 'create' ? '' : objectYaml(step.before),
    after: objectYaml(after),
  };
}

async function send(client: KubeClient, step: PlannedStep, dryRun: boolean): Promise<KubeObject> {
  switch (step.verb) {
    case 'create':
      return client.resource(step.resource).create(step.namespace, step.object, { dryRun });
    case 'patch':
      return client.resource(step.resource).patch(step.before.metadata.namespace, step.before.metadata.name ?? '', step.contentType, step.patch, undefined, { dryRun });
    case 'replace':
      return createReplacement(client, step.resource, step.object, dryRun);
  }
}

export async function previewFix(client: KubeClient, kinds: KindResolver, request: FixRequest): Promise<FixPreview> {
  const { steps } = await plan(client, kinds, request);
  const previewed: FixStep[] = [];
  for (const step of steps) {
    try {
      previewed.push(described(step, await send(client, step, true)));
    } catch (error) {
      if (error instanceof ApiError) return { steps: previewed, refused: error.message };
      throw error;
    }
  }
  return { steps: previewed };
}

export async function applyFix(client: KubeClient, kinds: KindResolver, request: FixRequest, now: () => Date = () => new Date()): Promise<FixApplied> {
  const planned = await plan(client, kinds, request);
  const steps = planned.steps;
  let ownerUid = planned.ownerUid;
  const appliedAt = now().toISOString();
  const done: FixStep[] = [];
  // Deletes first: a claim cannot go while a pod the fix also replaces still holds it.
  for (const step of steps) if (step.verb === 'replace') await deleteReplaced(client, step.resource, step.before);
  for (const step of steps) {
    const after = await send(client, step, false);
    done.push(described(step, after));
    // A controller created again (a Job to run again): its pods are the ones to check.
    if (step.verb === 'replace' && ownerResource(after.kind ?? '')) ownerUid = after.metadata.uid;
  }
  const what = done.map((s) => `${s.verb === 'create' ? 'created' : s.verb === 'patch' ? 'patched' : 'replaced'} ${s.kind} ${s.name}`).join(', ');
  if (request.pod) await recordFixEvent(client, request.namespace, request.pod, 'FixApplied', `The debugger applied "${request.fix.title}": ${what}`);
  return { steps: done, appliedAt, ...(ownerUid && { ownerUid }) };
}
