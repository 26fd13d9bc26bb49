// The API server's memory of recent admission refusals, like denialLog.ts is
// for authorization: a refused write never becomes an object, so nothing in
// the cluster remembers it but the client's terminal (or, for a controller's
// pod creates, a FailedCreate event). Each refusal keeps who asked, the
// object (its name, or the generateName it was made from, and the controller
// that owns it), the admission plugin that refused, its message as the client
// got it, and the structured cause the plugin attached: the webhook and its
// configuration (a refusal, or a call that failed and why), the Pod Security
// level and the checks that failed with the pod's checked fields, or the
// ValidatingAdmissionPolicy, binding, expression and params. In memory only,
// bounded; the same refusal repeated (a controller retrying) is counted.

import type { WebhookCallProblem } from './webhook/webhookCall.ts';
import type { CheckedPod } from './podSecurity/checkedFields.ts';
import type { FailedCheck } from './podSecurity/checkRegistry.ts';
import type { FailedClause } from './cel/failedClauses.ts';
import type { AdmissionAttributes, AdmissionPlugin, Operation } from './admission.ts';
import { StatusError } from '../errors.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

/** Why a webhook could not be called: the call's class, or an answer that was not a valid review. */
export type WebhookFailureProblem = WebhookCallProblem | 'http-error' | 'invalid-response' | 'match-conditions';

export interface WebhookSource {
  /** The Mutating- or ValidatingWebhookConfiguration that holds the webhook. */
  configuration: string;
  configurationKind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
}

export type AdmissionRefusalCause =
  | ({ stage: 'webhook'; webhook: string; outcome: 'denied' } & WebhookSource)
  | ({
      stage: 'webhook';
      webhook: string;
      outcome: 'call-failed';
      problem: WebhookFailureProblem;
      failurePolicy: string;
      timeoutSeconds: number;
      clientConfig: { url?: string; service?: { namespace: string; name: string; port: number; path?: string } };
    } & WebhookSource)
  | {
      stage: 'podSecurity';
      /** The namespace's enforce level and version (`restricted`, `latest` or `v1.29`). */
      level: string;
      version: string;
      checks: FailedCheck[];
      /** What the checks read of the refused pod (or pod template). */
      pod: CheckedPod;
    }
  | {
      stage: 'validatingAdmissionPolicy';
      policy: string;
      binding: string;
      /** The validation that failed (absent when the binding itself could not be configured). */
      expression?: string;
      message: string;
      reason: string;
      /** The parameter object the validation ran with. */
      params?: { apiVersion: string; kind: string; namespace?: string; name: string };
      /** The parts of the expression that were false, with the values they compared. */
      clauses?: FailedClause[];
    };

export interface AdmissionDenial {
  user: string;
  operation: Operation;
  group: string;
  version: string;
  /** The resource as the URL names it (`pods`, `deployments`). */
  resource: string;
  kind: string;
  subresource: string;
  namespace: string;
  /** The object's name; for a generated name, what it was made from is in generateName. */
  name: string;
  generateName?: string;
  /** The controller that owns the object (a ReplicaSet's pod). */
  owner?: { apiVersion: string; kind: string; name: string; uid: string };
  dryRun: boolean;
  /** The admission plugin that refused (PodSecurity, ValidatingAdmissionWebhook, ...). */
  plugin: string;
  code: number;
  reason: string;
  /** The refusal's message, exactly as the client got it. */
  message: string;
  cause?: AdmissionRefusalCause;
  count: number;
  firstAt: string;
  lastAt: string;
}

export interface AdmissionDenialsOptions {
  /** Distinct refusals kept, newest first out last (default 200). */
  capacity?: number;
  now?: () => Date;
}

const causes = new WeakMap<Error, AdmissionRefusalCause>();

/** Attaches the structured cause to a plugin's refusal; the memory reads it back when the refusal leaves the plugin. */
export function refusedBecause<E extends StatusError>(err: E, cause: AdmissionRefusalCause): E {
  causes.set(err, cause);
  return err;
}

function controllerOf(attrs: AdmissionAttributes): AdmissionDenial['owner'] {
  const ref = attrs.object?.metadata.ownerReferences?.find((r) => r.controller) ?? attrs.oldObject?.metadata.ownerReferences?.find((r) => r.controller);
  return ref ? { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid } : undefined;
}

export class AdmissionDenials {
  private readonly entries = new Map<string, AdmissionDenial>();
  private readonly capacity: number;
  private readonly now: () => Date;

  constructor(options: AdmissionDenialsOptions = {}) {
    this.capacity = options.capacity ?? 200;
    this.now = options.now ?? (() => new Date());
  }

  refused(attrs: AdmissionAttributes, plugin: string, err: StatusError): void {
    const at = this.now().toISOString();
    const generateName = attrs.operation === 'CREATE' ? attrs.object?.metadata.generateName : undefined;
    const generated = !!generateName && attrs.name.startsWith(generateName) && attrs.name !== generateName;
    // A controller's retries differ only in the generated suffix: they are one refusal, counted.
    const sameMessage = generated ? err.message.split(`"${attrs.name}"`).join(`"${generateName}"`) : err.message;
    const key = [attrs.user.name, attrs.operation, attrs.resource.group, attrs.resource.plural, attrs.subresource, attrs.namespace, generated ? `${generateName}*` : attrs.name, plugin, sameMessage].join('\0');
    const existing = this.entries.get(key);
    this.entries.delete(key);
    const owner = controllerOf(attrs);
    const cause = causes.get(err);
    this.entries.set(key, {
      user: attrs.user.name,
      operation: attrs.operation,
      group: attrs.resource.group,
      version: attrs.resource.version,
      resource: attrs.resource.plural,
      kind: attrs.resource.kind,
      subresource: attrs.subresource,
      namespace: attrs.namespace,
      name: attrs.name,
      ...(generated ? { generateName } : {}),
      ...(owner ? { owner } : {}),
      dryRun: attrs.dryRun,
      plugin,
      code: err.code,
      reason: err.status.reason ?? '',
      message: err.message,
      ...(cause ? { cause } : {}),
      count: (existing?.count ?? 0) + 1,
      firstAt: existing?.firstAt ?? at,
      lastAt: at,
    });
    // Oldest first in the map: drop from the front.
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Recent refusals, newest first; only the namespace's when one is given. */
  recent(namespace?: string): AdmissionDenial[] {
    return [...this.entries.values()]
      .filter((d) => namespace === undefined || d.namespace === namespace)
      .reverse()
      .map((d) => deepCopy(d));
  }

  /**
   * The plugin as the chain runs it: the same decisions, its refusals
   * remembered. A plugin that answers at once is answered at once: the chain
   * awaits only promises, and wrapping every plugin in an async function made
   * each of them one (a promise and a microtask turn per plugin per write).
   */
  recording(plugin: AdmissionPlugin): AdmissionPlugin {
    const remember = <T>(decide: (attrs: AdmissionAttributes) => Promise<T> | T) => {
      return (attrs: AdmissionAttributes): Promise<T> | T => {
        const refused = (err: unknown): never => {
          if (err instanceof StatusError) this.refused(attrs, plugin.name, err);
          throw err;
        };
        let answer: Promise<T> | T;
        try {
          answer = decide(attrs);
        } catch (err) {
          return refused(err);
        }
        return answer instanceof Promise ? answer.catch(refused) : answer;
      };
    };
    return {
      name: plugin.name,
      ...(plugin.mutate ? { mutate: remember(plugin.mutate.bind(plugin)) } : {}),
      ...(plugin.validate ? { validate: remember(plugin.validate.bind(plugin)) } : {}),
    };
  }
}
