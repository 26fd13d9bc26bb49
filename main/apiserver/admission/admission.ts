// The admission chain, as in kube-apiserver: every write passes the mutating
// plugins in order, then the validating ones. A plugin rejects by throwing a
// StatusError (Invalid, Forbidden, NotFound...), which reaches the client as is.

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import type { UserInfo } from '../auth/user.ts';
import type { RequestJourney } from '../../kube/trace/requestJourney.ts';
import { tracedMutate, tracedValidate } from './admissionSpans.ts';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: Operation;
  resource: ResourceDefinition;
  subresource: string;
  namespace: string;
  name: string;
  /** The object being written (mutable for mutating plugins). Absent for DELETE. */
  object?: KubeObject;
  /** The stored object for UPDATE and DELETE. */
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
  /** AdmissionReview's request.uid, when the caller has one; absent (an API request): a new one for each review sent, as kube-apiserver's CreateAdmissionObjects makes. */
  uid?: string;
  /** The subresource a write came through when the registry writes the main resource (scale). */
  viaSubresource?: string;
  /** The request's field manager (CreateOptions/UpdateOptions.fieldManager). */
  fieldManager?: string;
  /** DELETE's options, as the client sent them. */
  deleteOptions?: Record<string, unknown>;
  /** Where plugins put warnings for the client (`Warning:` headers). Absent for in-process writes that show none. */
  warnings?: string[];
  /** The request creates a pod: plugins that do something record it as a span of the pod's journey. */
  journey?: RequestJourney;
}

/**
 * The name a refusal names (admission.NewForbidden's extractResourceName): the
 * object's name, or during mutating admission of a create with generateName,
 * where no name is generated yet, the generateName (`pods "web-7d4b9-" is forbidden`).
 */
export function refusedName(attrs: AdmissionAttributes): string {
  return attrs.object?.metadata?.name || attrs.object?.metadata?.generateName || attrs.name;
}

/**
 * What a mutating plugin may answer when it left the request's object as it
 * was (not its kind, nothing configured to apply): a traced pod create then
 * need not compare the object before and after it.
 */
export const UNTOUCHED = false;
export type MutationOutcome = void | typeof UNTOUCHED;

export interface AdmissionPlugin {
  readonly name: string;
  mutate?(attrs: AdmissionAttributes): Promise<MutationOutcome> | MutationOutcome;
  validate?(attrs: AdmissionAttributes): Promise<void> | void;
}

export class AdmissionChain {
  constructor(private readonly plugins: AdmissionPlugin[]) {}

  // Most plugins answer at once: only a promise is awaited, since awaiting each of some thirty plugins on every
  // write was a promise and a turn of the microtask queue each (a twentieth of what the API server allocated).
  async mutate(attrs: AdmissionAttributes): Promise<void> {
    if (attrs.journey) return tracedMutate(this.plugins, attrs, attrs.journey);
    // Indexed: in an async function a for-of made an iterator result per plugin on every write.
    for (let i = 0; i < this.plugins.length; i++) {
      const outcome = this.plugins[i]!.mutate?.(attrs);
      if (outcome instanceof Promise) await outcome;
    }
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    if (attrs.journey) return tracedValidate(this.plugins, attrs, attrs.journey);
    for (let i = 0; i < this.plugins.length; i++) {
      const outcome = this.plugins[i]!.validate?.(attrs);
      if (outcome instanceof Promise) await outcome;
    }
  }
}
