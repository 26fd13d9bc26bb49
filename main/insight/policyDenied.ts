// Refused by a ValidatingAdmissionPolicy: the policy and the binding that
// applied it, the validation whose expression was false with its message,
// the parameter object it read, the values the expression compared, and what
// value would pass. The memory kept the expression and those values; for a
// FailedCreate event the validation is found by its message and the
// expression is evaluated again on the workload's pod template.

import type { DiagnosisEvidence, NextCheck } from '../../preload/api.ts';
import { toCel } from '../apiserver/admission/cel/celPrograms.ts';
import { failedClauses, type ClauseSide, type ComparisonOperator, type FailedClause } from '../apiserver/admission/cel/failedClauses.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { ParamRef, Validation } from '../kube/types/admissionregistration-v1.ts';
import { admissionKubectl } from './admissionCommands.ts';
import { findObject, type AdmissionCluster } from './admissionCluster.ts';
import { kubectlResource, type PolicyCause, type Refusal } from './admissionRefusal.ts';
import { isWorkload, refusalEvidence, refusedWrite, type RefusalRule } from './refusalRule.ts';

const flipped: Record<ComparisonOperator, ComparisonOperator> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };
const passesWhen: Record<ComparisonOperator, string> = { '<': 'less than', '<=': 'at most', '>': 'more than', '>=': 'at least', '==': 'exactly', '!=': 'anything but' };

function reads(side: ClauseSide, root: string): boolean {
  return new RegExp(`(^|[^\\w.])${root}\\b`).test(side.expression);
}

/** What would pass, in words: `object.spec.replicas is 7; the policy admits at most 5 (int(params.data.maxReplicas))`. */
export function passingValue(clause: FailedClause): string {
  const c = clause.comparison;
  if (c) {
    const objectOnLeft = reads(c.left, 'object') && !reads(c.right, 'object');
    const objectOnRight = reads(c.right, 'object') && !reads(c.left, 'object');
    if (objectOnLeft || objectOnRight) {
      const [mine, other] = objectOnLeft ? [c.left, c.right] : [c.right, c.left];
      const operator = objectOnLeft ? c.operator : flipped[c.operator];
      const otherText = other.expression === other.value ? other.value : `${other.value} (${other.expression})`;
      return `${mine.expression} is ${mine.value}; the policy admits ${passesWhen[operator]} ${otherText}.`;
    }
    return `${c.left.expression} is ${c.left.value} and ${c.right.expression} is ${c.right.value}: ${clause.expression} is false.`;
  }
  return `${clause.expression} is false for this object.`;
}

function validationFor(policy: KubeObject | undefined, cause: PolicyCause): { expression?: string; candidates: Validation[] } {
  const validations = ((policy?.spec as { validations?: Validation[] } | undefined)?.validations ?? []);
  if (cause.expression) return { expression: cause.expression, candidates: [] };
  const exact = validations.find((v) => v.message === cause.message || `failed expression: ${v.expression.trim()}` === cause.message);
  if (exact) return { expression: exact.expression, candidates: [] };
  // A messageExpression's message cannot be matched without evaluating it: these are the validations it may be.
  return { candidates: validations.filter((v) => v.messageExpression) };
}

function paramsObject(cluster: AdmissionCluster, cause: PolicyCause, binding: KubeObject | undefined, namespace: string): KubeObject | undefined {
  if (cause.params) return cluster.params.find((p) => p.kind === cause.params!.kind && p.metadata.name === cause.params!.name && (p.metadata.namespace ?? '') === (cause.params!.namespace ?? ''));
  const ref = (binding?.spec as { paramRef?: ParamRef } | undefined)?.paramRef;
  return ref?.name ? findObject(cluster.params, ref.namespace || namespace, ref.name) : undefined;
}

/** For a pod refused from a workload's template: the expression evaluated again on a pod made from the template. */
function templateClauses(r: Refusal, expression: string, params: KubeObject | undefined, cluster: AdmissionCluster): FailedClause[] {
  if (!r.template || r.object.kind !== 'Pod') return [];
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...r.template.metadata, namespace: r.object.namespace, ...(r.object.generateName ? { generateName: r.object.generateName } : { name: r.object.name }) }, spec: r.template.spec };
  const namespaceObject = findObject(cluster.namespaces, undefined, r.object.namespace);
  const request = { operation: r.operation, namespace: r.object.namespace, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, name: r.object.name };
  return failedClauses(expression, { object: toCel(pod), oldObject: null, params: toCel(params ?? null), namespaceObject: toCel(namespaceObject ?? null), request: toCel(request) });
}

function shownData(obj: KubeObject): string {
  const { data, spec } = obj as { data?: unknown; spec?: unknown };
  const text = JSON.stringify(data ?? spec ?? {});
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

export const policyDenied: RefusalRule = (r, cluster) => {
  const cause = r.cause;
  if (cause.stage !== 'validatingAdmissionPolicy') return [];
  const policy = findObject(cluster.policies, undefined, cause.policy);
  const binding = findObject(cluster.bindings, undefined, cause.binding);
  const { expression, candidates } = validationFor(policy, cause);
  const params = paramsObject(cluster, cause, binding, r.object.namespace);
  const clauses = cause.clauses ?? (expression ? templateClauses(r, expression, params, cluster) : []);
  const evidence: DiagnosisEvidence[] = [refusalEvidence(r), { label: 'Policy and binding', text: `ValidatingAdmissionPolicy ${cause.policy}, ValidatingAdmissionPolicyBinding ${cause.binding}${binding ? ` (validationActions: ${((binding.spec as { validationActions?: string[] }).validationActions ?? []).join(', ')})` : ''}` }];
  if (expression) evidence.push({ label: 'Failed expression', text: expression.trim() });
  else for (const v of candidates) evidence.push({ label: 'Validation with a messageExpression', text: `${v.expression.trim()} (message: ${v.messageExpression})` });
  evidence.push({ label: 'Message', text: cause.message });
  const paramRef = cause.params ?? (params ? { apiVersion: params.apiVersion ?? '', kind: params.kind ?? '', namespace: params.metadata.namespace, name: params.metadata.name ?? '' } : undefined);
  if (paramRef) evidence.push({ label: `Params: ${paramRef.kind} ${paramRef.namespace ? `${paramRef.namespace}/` : ''}${paramRef.name}`, text: params ? shownData(params) : 'not found now' });
  for (const clause of clauses) {
    if (clause.comparison) evidence.push({ label: `Compared${!cause.clauses ? ' (on the pod template)' : ''}`, text: `${clause.comparison.left.expression} = ${clause.comparison.left.value}, ${clause.comparison.right.expression} = ${clause.comparison.right.value}` });
  }
  const passing = clauses.map(passingValue);
  const next: NextCheck[] = [
    { what: 'See the policy: its validations, matchConstraints and failurePolicy', command: admissionKubectl.getYaml('validatingadmissionpolicy', cause.policy) },
    { what: 'See the binding: what it applies the policy to, with which params, and its validationActions', command: admissionKubectl.getYaml('validatingadmissionpolicybinding', cause.binding) },
  ];
  if (paramRef) next.push({ what: 'See the params the expression read', command: admissionKubectl.getYaml(kubectlResource(paramRef.kind, paramRef.kind.toLowerCase()), paramRef.name, paramRef.namespace) });
  if (isWorkload(r)) next.push({ what: `Change the ${r.target.kind}'s pod template so the expression holds; the ${r.owner?.kind ?? 'controller'} creates its pods again`, command: admissionKubectl.getYaml(r.target.resource, r.target.name, r.target.namespace) });
  else next.push({ what: 'With the object changed so the expression holds, ask again without writing anything (a server dry run runs the policy)', command: admissionKubectl.dryRunApply(`${r.target.kind.toLowerCase()}.yaml`) });
  if (binding && paramRef && clauses.some((c) => c.comparison && (reads(c.comparison.left, 'params') || reads(c.comparison.right, 'params')))) {
    next.push({ what: `Or, knowingly, change the limit itself in the params (it holds for everything the binding covers)`, command: `kubectl edit ${kubectlResource(paramRef.kind, paramRef.kind.toLowerCase())} ${paramRef.name}${paramRef.namespace ? ` -n ${paramRef.namespace}` : ''}` });
  }
  if (binding) next.push({ what: 'Or, knowingly, only warn instead of refusing (for every request the binding covers)', command: admissionKubectl.mergePatch('validatingadmissionpolicybinding', cause.binding, undefined, { spec: { validationActions: ['Warn'] } }) });
  return [
    {
      rule: 'policy-denied',
      severity: 'error',
      title: `Refused by ValidatingAdmissionPolicy "${cause.policy}"`,
      cause:
        `The binding "${cause.binding}" applies the policy "${cause.policy}" to ${refusedWrite(r)}, and ${expression ? `its validation ${expression.trim()} was false` : 'a validation was false'}, so the API server refused it with the validation's message: ${cause.message}. ` +
        (passing.length ? `${passing.join(' ')} ` : '') +
        (isWorkload(r) ? `Until the ${r.target.kind}'s template passes, its pods are not created.` : 'Change the object so the expression holds.'),
      evidence,
      next,
    },
  ];
};
