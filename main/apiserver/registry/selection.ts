// Label and field selectors of list and watch requests, compiled once per
// request into one predicate. Field selectors accept metadata.name,
// metadata.namespace and the fields the kind declares, and reject the rest as
// Kubernetes does ("field label not supported").

import { errors } from '../errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { FieldSelectorParseError, fieldMatches, parseFieldSelector, unsupportedFieldLabel } from '../validation/fieldSelector.ts';
import { labelsMatch, parseLabelSelector, SelectorParseError } from '../../kube/labels/labelSelector.ts';
import type { ResourceDefinition } from './resourceDefinition.ts';

export type ObjectFilter = (obj: KubeObject) => boolean;

/** The filter of a request without selectors: every object matches. */
export const everything: ObjectFilter = () => true;

export function compileFilter(def: ResourceDefinition, labelSelector: string | undefined, fieldSelector: string | undefined): ObjectFilter {
  let labels: ReturnType<typeof parseLabelSelector> | undefined;
  let fields: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  } catch (err) {
    if (err instanceof SelectorParseError) throw errors.badRequest(`unable to parse requirement: ${err.message}`);
    throw err;
  }
  try {
    fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
  } catch (err) {
    if (err instanceof FieldSelectorParseError) throw errors.badRequest(err.message);
    throw err;
  }
  const getters = def.strategy.selectableFields ?? {};
  if (fields) {
    const unsupported = unsupportedFieldLabel(fields, ['metadata.name', 'metadata.namespace', ...Object.keys(getters)]);
    if (unsupported) throw errors.badRequest(unsupported);
  }
  if (!labels?.length && !fields?.length) return everything;
  // Runs for every watcher on every event (each kubelet's pod watch selects spec.nodeName): it allocates nothing.
  const fieldValue = (obj: KubeObject, field: string): string | undefined => {
    const getter = getters[field];
    if (getter) return getter(obj) ?? '';
    return field === 'metadata.name' ? obj.metadata.name : (obj.metadata.namespace ?? '');
  };
  return (obj) => {
    if (labels?.length && !labelsMatch(labels, obj.metadata.labels)) return false;
    if (fields) for (const requirement of fields) if (!fieldMatches(requirement, fieldValue(obj, requirement.field))) return false;
    return true;
  };
}

/** The one value a field selector requires of `field` (`field=value`), if it requires exactly one; the selector was checked by compileFilter. */
export function requiredFieldValue(fieldSelector: string | undefined, field: string): string | undefined {
  if (!fieldSelector) return undefined;
  const required = parseFieldSelector(fieldSelector).filter((r) => r.field === field && r.operator === '=');
  return required.length === 1 ? required[0]!.value : undefined;
}
