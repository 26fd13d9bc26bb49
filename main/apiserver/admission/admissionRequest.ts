// What external admission (webhooks, ValidatingAdmissionPolicy) sees of a
// request: the resource and kind as the client addressed them, the object as
// served (a write through /scale is seen as the autoscaling/v1 Scale, with
// subresource "scale", as kube-apiserver admits it), and admission.k8s.io/v1's
// AdmissionRequest built from it.

import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../kube/meta.ts';
import { scaleOf, setScaleReplicas } from '../registry/scale.ts';
import type { AdmissionAttributes, Operation } from './admission.ts';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface AdmissionView {
  operation: Operation;
  resource: GroupVersionResource;
  subResource: string;
  kind: GroupVersionKind;
  namespace: string;
  name: string;
  /** Whether the resource is namespaced (rule scopes). */
  namespaced: boolean;
  object?: KubeObject;
  oldObject?: KubeObject;
  /** Puts a mutated view object back into the request's object. */
  writeBack(mutated: KubeObject): void;
}

/** The admission configuration kinds themselves are never sent to webhooks or policies, so a broken one can always be fixed. */
export function isAdmissionConfigurationResource(attrs: AdmissionAttributes): boolean {
  return attrs.resource.group === 'admissionregistration.k8s.io';
}

const scaleKind: GroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

export function admissionView(attrs: AdmissionAttributes): AdmissionView {
  const def = attrs.resource;
  const base = {
    operation: attrs.operation,
    resource: { group: def.group, version: def.version, resource: def.plural },
    namespace: attrs.namespace,
    name: attrs.name,
    namespaced: def.namespaced,
  };
  if (attrs.viaSubresource === 'scale') {
    return {
      ...base,
      subResource: 'scale',
      kind: scaleKind,
      object: attrs.object && scaleOf(def, attrs.object),
      oldObject: attrs.oldObject && scaleOf(def, attrs.oldObject),
      writeBack: (mutated) => {
        if (attrs.object) setScaleReplicas(def, attrs.object, (mutated.spec as { replicas?: unknown } | undefined)?.replicas);
      },
    };
  }
  return {
    ...base,
    subResource: attrs.subresource,
    kind: { group: def.group, version: def.version, kind: def.kind },
    object: attrs.object,
    oldObject: attrs.oldObject,
    writeBack: (mutated) => {
      if (!attrs.object) return;
      // The request's object is replaced in place: later plugins and the registry hold this reference.
      for (const key of Object.keys(attrs.object)) delete (attrs.object as Record<string, unknown>)[key];
      Object.assign(attrs.object, mutated);
    },
  };
}

const optionsKinds: Record<Operation, string> = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: '' };

/** The operation's options object (CreateOptions, UpdateOptions, DeleteOptions), as the AdmissionRequest carries it. */
function optionsOf(attrs: AdmissionAttributes): Record<string, unknown> | undefined {
  const kind = optionsKinds[attrs.operation];
  if (!kind) return undefined;
  const options: Record<string, unknown> = { kind, apiVersion: 'meta.k8s.io/v1' };
  if (attrs.dryRun) options.dryRun = ['All'];
  if (attrs.operation === 'DELETE') {
    for (const [key, value] of Object.entries(attrs.deleteOptions ?? {})) if (value !== undefined) options[key] = value;
  } else if (attrs.fieldManager) options.fieldManager = attrs.fieldManager;
  return options;
}

/** admission.k8s.io/v1 AdmissionRequest: `view` as the webhook or policy matched it (an equivalent version), `requested` as the client sent it. */
export function admissionRequest(attrs: AdmissionAttributes, view: AdmissionView, requested: AdmissionView = view): Record<string, unknown> {
  const userInfo: Record<string, unknown> = { username: attrs.user.name, groups: attrs.user.groups };
  if (attrs.user.uid) userInfo.uid = attrs.user.uid;
  if (attrs.user.extra) userInfo.extra = attrs.user.extra;
  const request: Record<string, unknown> = {
    uid: attrs.uid ?? randomUUID(),
    kind: view.kind,
    resource: view.resource,
    requestKind: requested.kind,
    requestResource: requested.resource,
    name: view.name,
    operation: view.operation,
    userInfo,
    object: view.object ?? null,
    oldObject: view.oldObject ?? null,
    dryRun: attrs.dryRun,
    options: optionsOf(attrs) ?? null,
  };
  if (view.subResource) {
    request.subResource = view.subResource;
    request.requestSubResource = requested.subResource;
  }
  if (view.namespace) request.namespace = view.namespace;
  return request;
}
