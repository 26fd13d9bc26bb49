// The ValidatingAdmissionPolicy plugin: for each policy (by name) with
// bindings (by name), when the policy's matchConstraints and the binding's
// matchResources take the request, its validations run once per parameter
// object; failures are denied, warned or only audited as the binding's
// validationActions say. A refusal reads as kube-apiserver's:
// `<resource> "<name>" is forbidden: ValidatingAdmissionPolicy 'P' with binding 'B' denied request: MESSAGE`,
// with the validation's reason (Invalid unless set) and its status code.

import type { KubeObject } from '../../../kube/meta.ts';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from '../../../kube/types/admissionregistration-v1.ts';
import { errors, StatusError } from '../../errors.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../admission.ts';
import { admissionRequest, admissionView, isAdmissionConfigurationResource, type AdmissionView } from '../admissionRequest.ts';
import { refusedBecause } from '../admissionDenials.ts';
import { namespaceObjectOf, type NamespaceGetter } from '../objectSelection.ts';
import { matchResources } from './matchResources.ts';
import { collectParams, PolicyConfigurationError, type ParamServices } from './policyParams.ts';
import { evaluatePolicy, type PolicyFailure } from './policyEvaluation.ts';

export interface PolicyServices extends ParamServices {
  /** At once when they are in memory (registry.peekListShared). */
  listPolicies(): readonly KubeObject[] | Promise<readonly KubeObject[]>;
  listBindings(): readonly KubeObject[] | Promise<readonly KubeObject[]>;
  getNamespace: NamespaceGetter;
}

const reasonCodes: Record<string, number> = { Unauthorized: 401, Forbidden: 403, Invalid: 422, RequestEntityTooLarge: 413 };

/** A failure with the parameter object it was evaluated with. */
type BoundFailure = PolicyFailure & { param?: KubeObject | null };

function byName<T extends { metadata: { name?: string } }>(a: T, b: T): number {
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

export class ValidatingPolicyPlugin implements AdmissionPlugin {
  readonly name = 'ValidatingAdmissionPolicy';

  constructor(private readonly services: PolicyServices) {}

  validate(attrs: AdmissionAttributes): void | Promise<void> {
    if (isAdmissionConfigurationResource(attrs)) return;
    // With no binding (most writes), the answer comes at once.
    const bindings = this.services.listBindings();
    if (bindings instanceof Promise) return bindings.then((found) => (found.length === 0 ? undefined : this.validateBound(attrs, found)));
    if (bindings.length > 0) return this.validateBound(attrs, bindings);
  }

  private async validateBound(attrs: AdmissionAttributes, listed: readonly KubeObject[]): Promise<void> {
    const bindings = listed as unknown as readonly ValidatingAdmissionPolicyBinding[];
    const policies = [...((await this.services.listPolicies()) as unknown as ValidatingAdmissionPolicy[])].sort(byName);
    const requested = admissionView(attrs);
    let denied: StatusError | undefined;
    for (const policy of policies) {
      const own = bindings.filter((b) => b.spec?.policyName === policy.metadata.name).sort(byName);
      if (own.length === 0) continue;
      const view = await matchResources(policy.spec?.matchConstraints, requested, attrs.resource, this.services.definitions(), this.services.getNamespace);
      if (!view) continue;
      for (const binding of own) {
        if (binding.spec?.matchResources && !(await matchResources(binding.spec.matchResources, requested, attrs.resource, this.services.definitions(), this.services.getNamespace))) continue;
        const actions = binding.spec?.validationActions ?? [];
        const span = attrs.journey?.start('admission', `ValidatingAdmissionPolicy ${policy.metadata.name}`, { policy: policy.metadata.name, binding: binding.metadata.name, validationActions: actions.join(', ') });
        let failures: PolicyFailure[];
        try {
          failures = await this.evaluate(policy, binding, attrs, view, requested);
        } catch (err) {
          span?.fail(err);
          throw err;
        }
        if (span) {
          const verdict = failures.length === 0 ? 'allowed' : actions.includes('Deny') ? 'denied' : actions.includes('Warn') ? 'warned' : 'audited';
          span.end({ status: verdict === 'denied' ? 'error' : 'ok', message: failures.map((f) => f.message).join('; '), attributes: { verdict, failures: failures.length } });
        }
        for (const failure of failures) {
          if (actions.includes('Deny')) denied ??= this.refusal(attrs, policy, binding, failure);
          if (actions.includes('Warn')) attrs.warnings?.push(`Validation failed for ValidatingAdmissionPolicy '${policy.metadata.name}' with binding '${binding.metadata.name}': ${failure.message}`);
          // Audit: kube-apiserver writes audit annotations; PodLab keeps no audit log.
        }
      }
    }
    if (denied) throw denied;
  }

  /** The failures of one binding (for every parameter object), after the failurePolicy. */
  private async evaluate(policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding, attrs: AdmissionAttributes, view: AdmissionView, requested: AdmissionView): Promise<BoundFailure[]> {
    const failClosed = (policy.spec?.failurePolicy ?? 'Fail') === 'Fail';
    let params: Array<KubeObject | null>;
    try {
      params = await collectParams(policy.spec?.paramKind, binding.spec?.paramRef, attrs.namespace, this.services);
    } catch (err) {
      if (!(err instanceof PolicyConfigurationError)) throw err;
      return failClosed ? [{ message: `failed to configure binding: ${err.message}`, reason: 'Invalid', evaluationError: true }] : [];
    }
    const request = admissionRequest(attrs, view, requested);
    const namespaceObject = (await namespaceObjectOf(view, this.services.getNamespace)) ?? null;
    const failures: BoundFailure[] = [];
    for (const param of params) {
      const outcome = evaluatePolicy(policy.spec ?? {}, { object: view.object ?? null, oldObject: view.oldObject ?? null, params: param, namespaceObject, request });
      if ('matchConditionError' in outcome) {
        if (failClosed) failures.push({ message: outcome.matchConditionError, reason: 'Invalid', evaluationError: true });
        continue;
      }
      if (outcome.skipped) continue;
      failures.push(...outcome.failures.filter((f) => !f.evaluationError || failClosed).map((f) => ({ ...f, param })));
    }
    return failures;
  }

  private refusal(attrs: AdmissionAttributes, policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding, failure: BoundFailure): StatusError {
    const message = `ValidatingAdmissionPolicy '${policy.metadata.name}' with binding '${binding.metadata.name}' denied request: ${failure.message}`;
    const err = errors.forbidden({ group: attrs.resource.group, resource: attrs.resource.plural }, attrs.name, message);
    const reason = failure.reason || 'Invalid';
    err.status.reason = reason;
    err.status.code = reasonCodes[reason] ?? 422;
    err.status.details = { ...err.status.details, causes: [...(err.status.details?.causes ?? []), { message }] };
    const param = failure.param;
    return refusedBecause(err, {
      stage: 'validatingAdmissionPolicy',
      policy: policy.metadata.name ?? '',
      binding: binding.metadata.name ?? '',
      ...(failure.expression ? { expression: failure.expression } : {}),
      message: failure.message,
      reason,
      ...(param ? { params: { apiVersion: param.apiVersion ?? '', kind: param.kind ?? '', ...(param.metadata.namespace ? { namespace: param.metadata.namespace } : {}), name: param.metadata.name ?? '' } } : {}),
      ...(failure.clauses?.length ? { clauses: failure.clauses } : {}),
    });
  }
}
