// One webhook call in a pod's journey: which webhook (and configuration),
// how long the call took, and its verdict; a mutating webhook's JSONPatch
// with the object before and after it as YAML, so the journey can show the
// change as a diff.

import { yaml } from '../../../kube/yamlLibrary.ts';
import type { KubeObject } from '../../../kube/meta.ts';
import { errorText } from '../../../kube/trace/activeSpan.ts';
import type { RequestJourney } from '../../../kube/trace/requestJourney.ts';
import type { Webhook } from './webhookSource.ts';

/** The object as a reader compares it: managedFields are noise in a diff. */
function yamlOf(obj: KubeObject): string {
  const { managedFields: _m, ...metadata } = obj.metadata ?? {};
  return yaml().stringify({ ...obj, metadata });
}

export interface WebhookCallSpan {
  end(outcome: { attributes: Record<string, string | number | boolean> }): void;
  patched(operations: unknown[], before: KubeObject, after: KubeObject): void;
  failed(err: unknown, ignored: boolean): void;
}

export function webhookCallSpan(journey: RequestJourney | undefined, kind: 'mutating' | 'validating', hook: Webhook, configuration: string, reinvocation: boolean): WebhookCallSpan | undefined {
  if (!journey) return undefined;
  const span = journey.start('admission', `${kind} webhook ${hook.name}`, {
    webhook: hook.name,
    configuration,
    target: hook.clientConfig.url ?? `${hook.clientConfig.service?.namespace}/${hook.clientConfig.service?.name}`,
    failurePolicy: hook.failurePolicy ?? 'Fail',
    reinvocation: reinvocation || undefined,
  });
  return {
    end: (outcome) => span.end(outcome),
    patched: (operations, before, after) =>
      span.end({ attributes: { allowed: true, patched: true, operations: operations.length }, detail: { kind: 'patch', operations, before: yamlOf(before), after: yamlOf(after) } }),
    // A failure the policy ignores still failed: the span says so, and that the request went on.
    failed: (err, ignored) => span.end({ status: 'error', message: errorText(err), attributes: { allowed: ignored, ignored: ignored || undefined } }),
  };
}
