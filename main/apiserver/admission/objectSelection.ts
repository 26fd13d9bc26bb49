// The selection webhooks and policies share beyond their rules, as
// k8s.io/apiserver's namespace and object matchers do: namespaceSelector
// against the labels of the request's namespace (of the Namespace itself when
// that is what is written; cluster-scoped objects always match), and
// objectSelector against the new or the old object's labels.

import type { KubeObject } from '../../kube/meta.ts';
import { labelsMatch } from '../../kube/labels/labelSelector.ts';
import { errors } from '../errors.ts';
import { labelSelectorObjectToRequirements, type LabelSelectorObject } from '../validation/labelSelectorObject.ts';
import type { AdmissionView } from './admissionRequest.ts';

/** At once when the namespace is in memory (registry/sharedReads.ts), else by a promise. */
export type NamespaceGetter = (name: string) => KubeObject | undefined | Promise<KubeObject | undefined>;

function isEmptySelector(selector: LabelSelectorObject | undefined): boolean {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}

function selects(selector: LabelSelectorObject, labels: Record<string, string> | undefined): boolean {
  const requirements = labelSelectorObjectToRequirements(selector) ?? [];
  return labelsMatch(requirements, labels ?? {});
}

export function isNamespaceRequest(view: AdmissionView): boolean {
  return view.resource.group === '' && view.resource.resource === 'namespaces';
}

/** The Namespace object a request is in (or is), when it has one. */
export async function namespaceObjectOf(view: AdmissionView, getNamespace: NamespaceGetter): Promise<KubeObject | undefined> {
  if (isNamespaceRequest(view)) return view.object ?? view.oldObject;
  if (!view.namespace) return undefined;
  return getNamespace(view.namespace);
}

export async function namespaceSelectorMatches(selector: LabelSelectorObject | undefined, view: AdmissionView, getNamespace: NamespaceGetter): Promise<boolean> {
  if (!view.namespace && !isNamespaceRequest(view)) return true;
  if (isEmptySelector(selector)) return true;
  const namespace = await namespaceObjectOf(view, getNamespace);
  // As kube-apiserver: the namespace of a namespaced request must exist to be selected.
  if (!namespace) throw errors.notFound({ group: '', resource: 'namespaces' }, view.namespace);
  return selects(selector!, namespace.metadata.labels);
}

export function objectSelectorMatches(selector: LabelSelectorObject | undefined, view: AdmissionView): boolean {
  if (isEmptySelector(selector)) return true;
  const matches = (obj: KubeObject | undefined) => !!obj && selects(selector!, obj.metadata?.labels);
  return matches(view.object) || matches(view.oldObject);
}
